"""Buy-in: the stakeholder grid, RACI per action, the checks the method stresses and the brief.

Every number below is worked out by hand from the small project built here.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from cjm_helpers.checks import assumed_share, check_project, evidence_counts
from cjm_helpers.export import external_references
from cjm_helpers.forms import step_form
from cjm_helpers.i18n import LANGUAGES, t
from cjm_helpers.model import (
    KPI,
    Action,
    Journey,
    Note,
    Objectives,
    Opportunity,
    PainPoint,
    Persona,
    Project,
    Raci,
    Resource,
    Stage,
    StageCell,
    Stakeholder,
    Touchpoint,
)
from cjm_helpers.paths import NOTEBOOKS_DIR
from cjm_helpers.report import build_report
from cjm_helpers.report.brief import asks, brief_html, top_opportunities, write_brief
from cjm_helpers.stakeholders import quadrant, raci_table, stakeholder_figure, stakeholder_table
from cjm_helpers.store import ProjectStore, load_project

TODAY = dt.date(2026, 11, 23)


def small_project() -> Project:
    """Two stages, three opportunities with RICE 40, 30 and 12, one done, a few cards."""
    return Project(
        name="Bakery <b>test</b>",
        objectives=Objectives(
            business_question="Why do <families> stop ordering?",
            next_review=dt.date(2027, 1, 15),
            stakeholders=[
                Stakeholder(name="Chief Ops", role="COO", influence=5, interest=4),
                Stakeholder(name="Sales head", influence=4, interest=3),
                Stakeholder(name="Shift leads", influence=3, interest=4),
                Stakeholder(name="Legal", influence=3, interest=3),
            ],
        ),
        personas=[Persona(id="p1", name="Parent", evidence="assumed")],
        stages=[Stage(id="a", name="Order"), Stage(id="b", name="Pick up")],
        touchpoints=[
            Touchpoint(id="t1", name="App", stage="a", owner_department="Digital"),
            Touchpoint(id="t2", name="Counter", stage="b", evidence="observed"),
        ],
        journeys=[
            Journey(
                id="j",
                name="J",
                persona="p1",
                stages={
                    "a": StageCell(
                        actions=[Note(text="Opens app"), Note(text="Pays", evidence="reported")],
                        emotion=1,
                        emotion_evidence="observed",
                        pain_points=[PainPoint(id="pp1", text="Queue at <counter>")],
                    )
                },
            )
        ],
        resources=[
            Resource(
                id="r1", kind="tools", description="A pick-up shelf", status="need", touchpoint="t2"
            ),
            Resource(id="r2", kind="people", description="Barista", status="have"),
        ],
        kpis=[
            KPI(id="k1", name="Repeat orders", unit="share", current=0.2, target=0.3),
            KPI(id="k2", name="Wait", unit="min"),
        ],
        opportunities=[
            Opportunity(
                id="o1",
                title="Shelf <script>x</script>",
                reach=100,
                impact=4,
                confidence=0.5,
                effort=5,
                owner="Ann",
                pain_points=["pp1"],
                kpis=["k1"],
                evidence="observed",
            ),  # RICE 40
            Opportunity(
                id="o2", title="Bigger menu", reach=60, impact=2, confidence=0.5, effort=2
            ),  # 30
            Opportunity(
                id="o3", title="Alerts", reach=30, impact=2, confidence=0.2, effort=1
            ),  # 12
            Opportunity(
                id="o4",
                title="Done already",
                reach=999,
                impact=5,
                confidence=1,
                effort=1,
                status="done",
            ),
        ],
        actions=[
            Action(id="a1", opportunity="o1", title="Pilot the shelf", owner="Ann"),
            Action(id="a2", opportunity="o2", title="Draft the menu"),
        ],
        raci=[
            Raci(
                action="a1",
                responsible=["Ann", "Bob"],
                accountable="Chief Ops",
                consulted=["Shift leads"],
                informed=["Sales head"],
            )
        ],
    )


# --- the grid and RACI ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("influence", "interest", "expected"),
    [
        (5, 5, "manage_closely"),
        (4, 4, "manage_closely"),
        (4, 3, "keep_satisfied"),
        (3, 4, "keep_informed"),
        (3, 3, "monitor"),
        (1, 1, "monitor"),
    ],
)
def test_quadrant_high_means_four_or_five(influence: int, interest: int, expected: str) -> None:
    assert quadrant(Stakeholder(name="x", influence=influence, interest=interest)) == expected


def test_stakeholder_table_most_influential_first_with_the_approach() -> None:
    table = stakeholder_table(small_project(), "en")
    assert list(table["Name"]) == ["Chief Ops", "Sales head", "Shift leads", "Legal"]
    assert list(table["How to work with them"]) == [
        "Manage closely",
        "Keep satisfied",
        "Keep informed",
        "Monitor",
    ]


def test_stakeholder_figure_names_every_stakeholder_and_quadrant() -> None:
    fig = stakeholder_figure(small_project(), "pl")
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert {"Chief Ops", "Sales head", "Shift leads", "Legal"} <= texts
    assert "Ściśle współpracuj" in texts and "Obserwuj" in texts


def test_raci_table_one_row_per_action_owner_stands_in_for_responsible() -> None:
    table = raci_table(small_project(), "en")
    rows = table.to_dict("records")
    assert rows[0] == {
        "Action": "Pilot the shelf",
        "Opportunity": "Shelf <script>x</script>",
        "Responsible": "Ann, Bob",
        "Accountable": "Chief Ops",
        "Consulted": "Shift leads",
        "Informed": "Sales head",
    }
    assert rows[1]["Responsible"] == "—" and rows[1]["Accountable"] == "—"


# --- the checks -------------------------------------------------------------------------------


def test_evidence_counts_by_hand() -> None:
    # assumed: persona, touchpoint t1, note 'Opens app', pain point pp1, r1, r2, o2, o3, o4 = 9
    # observed: touchpoint t2, the stage emotion, k1, k2 (KPIs default to observed), o1 = 5
    # reported: note 'Pays' = 1
    counts = evidence_counts(small_project())
    # planned: none (only a future map's touchpoint changes are planned) = 0
    assert counts == {"observed": 5, "reported": 1, "assumed": 9, "planned": 0}
    assert assumed_share(small_project()) == pytest.approx(9 / 15)


def test_assumed_share_above_half_fails_and_says_how_much() -> None:
    checks = [
        c for c in check_project(small_project(), 7, today=TODAY) if c.code == "evidence.assumed"
    ]
    assert len(checks) == 1 and not checks[0].ok
    assert "60%" in checks[0].message and "9 of 15" in checks[0].message
    observed = small_project()
    observed = observed.model_copy(
        update={
            "resources": [r.model_copy(update={"evidence": "observed"}) for r in observed.resources]
        }
    )  # 7 of 15 assumed: 47%
    (check,) = [c for c in check_project(observed, 7, today=TODAY) if c.code == "evidence.assumed"]
    assert check.ok and "47%" in check.message


def test_touchpoint_without_owner_and_action_nobody_answers_for() -> None:
    fails = [c for c in check_project(small_project(), 6, today=TODAY) if not c.ok]
    by_code = {c.code: c for c in fails}
    assert by_code["touchpoint.owner"].path == "touchpoints[1].owner_department"
    assert "Counter" in by_code["touchpoint.owner"].message
    assert [c.message for c in fails if c.code == "action.accountable"] == [
        "Action 'Draft the menu' has nobody accountable: add a RACI row for it and name one person (step 6)."
    ]


def test_opportunity_without_kpi_is_named() -> None:
    fails = [
        c for c in check_project(small_project(), 8, today=TODAY) if c.code == "opportunity.kpi"
    ]
    assert [c.path for c in fails if not c.ok] == [
        "opportunities[1].kpis",
        "opportunities[2].kpis",
        "opportunities[3].kpis",
    ]
    assert "Bigger menu" in fails[0].message


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sample_projects_have_stakeholders_and_pass_the_buy_in_checks(lang: str) -> None:
    from cjm_helpers.paths import starter_path

    project = load_project(starter_path("sample", lang))
    assert len(project.objectives.stakeholders) >= 3
    assert {r.action for r in project.raci} == {a.id for a in project.actions}
    failed = {c.code for c in check_project(project, today=TODAY) if not c.ok}
    assert not failed & {"evidence.assumed", "touchpoint.owner", "action.accountable"}


# --- the brief ----------------------------------------------------------------------------------


def test_top_three_by_rice_leave_out_done_work() -> None:
    top = top_opportunities(small_project())
    assert [r.opportunity.id for r in top] == ["o1", "o2", "o3"]
    assert [r.opportunity.rice for r in top] == [40.0, 30.0, 12.0]
    assert top[0].kpis == ["Repeat orders"] and top[0].pains == ["Queue at <counter>"]


def test_asks_needed_resources_missing_owners_key_support_and_review() -> None:
    assert asks(small_project(), "en") == [
        "Tools: A pick-up shelf (Counter)",
        "An owner for “Bigger menu”",
        "An owner for “Alerts”",
        "Support from Chief Ops (COO), who must be managed closely",
        "Time at the review on 15 Jan 2027 to check the results",
    ]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_brief_escapes_user_text_and_holds_the_four_parts(lang: str) -> None:
    page = brief_html(small_project(), lang)
    assert "<script>x" not in page and "&lt;script&gt;x" in page
    assert "&lt;families&gt;" in page and "&lt;counter&gt;" in page
    assert len(re.findall(r"<h2>", page)) == 4
    assert "Repeat orders: 20%" in page  # k1 now, as a percentage in every language


def test_brief_in_english_reads_the_evidence_mix() -> None:
    page = brief_html(small_project(), "en")
    assert "The map holds 15 cards: 5 observed" in page and "9 still assumed" in page
    assert "impact 4 of 5, about 100 customers a quarter, confidence 50%" in page
    assert "effort 5 of 5" in page
    assert "Repeat orders: 20% → target 30%" in page
    assert "Wait:" not in page  # no top opportunity moves it: the page stays short


def test_brief_shows_the_first_kpis_when_the_top_three_name_none() -> None:
    project = small_project()
    project = project.model_copy(
        update={"opportunities": [o.model_copy(update={"kpis": []}) for o in project.opportunities]}
    )
    page = brief_html(project, "en")
    assert "Repeat orders: 20% → target 30%" in page and "Wait: not measured yet" in page


def test_report_has_brief_and_stakeholder_sections() -> None:
    page = build_report(small_project(), "en", today=TODAY)
    assert 'id="brief"' in page and 'id="stakeholders"' in page
    assert "Buy-in brief" in page and "Who does what (RACI)" in page
    assert "<script>x" not in page


def test_write_brief_is_one_offline_page(tmp_path: Path) -> None:
    target = write_brief(tmp_path / "brief.html", small_project(), "id", today=TODAY)
    text = target.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and 'lang="id"' in text
    assert "Ringkasan untuk pimpinan" in text
    assert external_references(text) == []


def test_cjm_export_with_project_writes_the_brief(tmp_path: Path, sample_copy: Path) -> None:
    from cjm_helpers.cli import main

    notebooks = tmp_path / "nbs"
    notebooks.mkdir()
    shutil.copy(NOTEBOOKS_DIR / "00_start_here.ipynb", notebooks)
    command = ["export", str(notebooks), "--out", str(tmp_path / "out"), "--no-input"]
    assert main([*command, "--lang", "en", "--project", str(sample_copy)]) == 0
    brief = (tmp_path / "out" / "brief.html").read_text(encoding="utf-8")
    assert "Buy-in brief: Kopiloka" in brief


def test_run_writes_the_brief_beside_the_report(tmp_path: Path, sample_copy: Path) -> None:
    from run_fakes import fake_notebook

    from cjm_helpers.run import RunParams, run_suite

    nbs = tmp_path / "nbs"
    fake_notebook(nbs, "01_objectives", "Objectives", ["print('ran')"])
    result = run_suite(sample_copy, tmp_path / "out", RunParams(language="pl"), nbs, progress=False)
    assert result.brief == tmp_path / "out" / "brief.html"
    assert "Notatka dla zarządu" in result.brief.read_text(encoding="utf-8")
    assert 'href="brief.html"' in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")


# --- the forms ----------------------------------------------------------------------------------


def test_step1_form_adds_a_stakeholder_and_step6_a_raci_row(sample_copy: Path) -> None:
    from test_forms import control, save

    form = step_form(1, ProjectStore(sample_copy))
    form.lists["objectives.stakeholders"].add()
    control(form, "cjm-field-objectives-stakeholders-name").value = "Head of IT"
    control(form, "cjm-field-objectives-stakeholders-influence").value = 5
    control(form, "cjm-field-objectives-stakeholders-interest").value = 2
    save(form)
    added = load_project(sample_copy).objectives.stakeholders[-1]
    assert (added.name, added.influence, added.interest) == ("Head of IT", 5, 2)
    assert quadrant(added) == "keep_satisfied"

    form = step_form(6, ProjectStore(sample_copy))
    rows = len(load_project(sample_copy).raci)
    form.lists["raci"].add()
    control(form, "cjm-field-raci-accountable").value = "Head of IT"
    control(form, "cjm-field-raci-informed").value = "Yusuf Hidayat\nPutri Maharani"
    save(form)
    raci = load_project(sample_copy).raci
    assert len(raci) == rows + 1
    assert raci[-1].accountable == "Head of IT"
    assert raci[-1].informed == ["Yusuf Hidayat", "Putri Maharani"]


# --- the chapters -------------------------------------------------------------------------------

UNSOURCED = (r"\b55\s?%", r"\b72\s?%", r"\b26\b")
"""Figures the source article quotes without naming a study: a chapter must not repeat them."""


def test_chapters_quote_no_unsourced_statistics() -> None:
    from cjm_helpers.nbbuild import chapter_sources

    offending = []
    for lang in LANGUAGES:
        for source in chapter_sources(lang=lang):
            text = source.read_text(encoding="utf-8")
            offending += [f"{source}: {figure}" for figure in UNSOURCED if re.search(figure, text)]
    assert offending == []


# --- references -------------------------------------------------------------------------------


def test_raci_row_for_an_unknown_action_is_named() -> None:
    from cjm_helpers.references import reference_problems

    broken = small_project().model_copy(update={"raci": [Raci(action="a9", accountable="X")]})
    problems = reference_problems(broken)
    assert [p.path for p in problems] == ["raci[0].action"]
    assert "a9" in str(problems[0]) and "a1" in str(problems[0])
    assert reference_problems(small_project()) == []


def test_renaming_an_action_moves_its_raci_row() -> None:
    from cjm_helpers.references import rename_references
    from cjm_helpers.store import project_to_data

    data = project_to_data(small_project())
    rename_references(data, {"action": {"a1": "pilot"}})
    assert data["raci"][0]["action"] == "pilot"


def test_the_brief_counts_every_card_it_totals(sample_copy: Path) -> None:
    project = load_project(sample_copy)
    counts = evidence_counts(project)
    assert counts["planned"] > 0  # the sample's future map changes touchpoints
    page = brief_html(project, "en")
    assert t("stakeholders.brief.evidence_planned", "en", planned=counts["planned"]) in page
