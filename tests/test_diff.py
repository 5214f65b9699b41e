"""Version diff: changes between two projects, as data, text, a table and HTML; the review date."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup

from cjm_helpers.diff import KINDS, diff_projects, diff_with_previous, review_status
from cjm_helpers.i18n import t
from cjm_helpers.model import KPI, Opportunity, Persona, Stage
from cjm_helpers.store import ProjectStore, save_project

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def pair(sample_project):
    return sample_project, sample_project.model_copy(deep=True)


def kinds(diff) -> list[str]:
    return [c.kind for c in diff.changes]


def test_identical_projects_have_no_changes(sample_project):
    diff = diff_projects(sample_project, sample_project, TODAY)
    assert not diff and len(diff) == 0 and diff.changes == []
    assert "No changes" in diff.to_text()
    assert list(diff.to_frame().columns) == ["group", "kind", "path", "before", "after", "message"]


def test_personas_stages_and_journeys_added_and_removed(pair):
    old, new = pair
    new.personas.append(Persona(id="budi", name="Budi, the night-shift nurse"))
    new.stages.append(Stage(id="repair", name="Service recovery"))
    new.journeys = [j for j in new.journeys if j.id != "rina-future"]
    diff = diff_projects(old, new, TODAY)
    assert kinds(diff) == ["persona_added", "stage_added", "journey_removed"]
    assert diff.changes[0].after == "Budi, the night-shift nurse"
    assert (
        diff.changes[2].before == old.journey("rina-future").name and diff.changes[2].after is None
    )


def test_touchpoints_removed_from_the_project_and_moved_on_a_journey(pair):
    old, new = pair
    # take a touchpoint out of the project (and off the journeys that show it)
    gone = "tp-ugc"  # customer posts on Instagram, shown at advocacy
    new.touchpoints = [t for t in new.touchpoints if t.id != gone]
    for j in new.journeys:
        for cell in j.stages.values():
            cell.touchpoints = [x for x in cell.touchpoints if x != gone]
    new.resources = [r for r in new.resources if r.touchpoint != gone]
    new.walkthrough = [w for w in new.walkthrough if w.touchpoint != gone]
    new.kpis = [
        k.model_copy(update={"touchpoint": None}) if k.touchpoint == gone else k for k in new.kpis
    ]
    # and show the menu screen at purchase too
    new.journey("rina-current").stages["purchase"].touchpoints.append("tp-menu")
    diff = diff_projects(old, new, TODAY)
    assert kinds(diff).count("touchpoint_removed") == 1
    assert diff.of_kind("touchpoint_removed")[0].path == f"touchpoints.{gone}"
    moved = diff.of_kind("journey_touchpoint_added")
    assert [(c.path, c.after) for c in moved] == [
        ("journeys.rina-current.stages.purchase.touchpoints", "tp-menu")
    ]
    # the removed touchpoint is reported once, not again for every journey that showed it
    assert not [c for c in diff.of_kind("journey_touchpoint_removed") if c.before == gone]


def test_emotions_that_moved_say_which_way(pair):
    old, new = pair
    cells = new.journey("rina-current").stages
    cells["purchase"].emotion = 0  # -2 -> 0
    cells["advocacy"].emotion = -1  # +1 -> -1
    cells["retention"].emotion = None  # 0 -> not recorded
    diff = diff_projects(old, new, TODAY)
    moved = {c.path.split(".")[3]: c for c in diff.of_kind("emotion_moved")}
    assert set(moved) == {"purchase", "advocacy", "retention"}
    assert (moved["purchase"].before, moved["purchase"].after) == (-2, 0)
    assert "(better)" in moved["purchase"].message and "(worse)" in moved["advocacy"].message
    assert "no longer recorded" in moved["retention"].message
    assert "(gorzej)" in moved["advocacy"].text("pl") and "Rekomendacja" in moved["advocacy"].text(
        "pl"
    )


def test_pain_points_resolved_and_new(pair):
    old, new = pair
    cell = new.journey("rina-current").stages["purchase"]
    cell.pain_points = [p for p in cell.pain_points if p.id != "pp-promo-fails"]
    for o in new.opportunities:
        o.pain_points = [x for x in o.pain_points if x != "pp-promo-fails"]
    cell.pain_points.append(
        cell.pain_points[0].model_copy(update={"id": "pp-new", "text": "Cups run out"})
    )
    diff = diff_projects(old, new, TODAY)
    resolved = diff.of_kind("pain_point_resolved")
    assert [c.path.rsplit(".", 1)[1] for c in resolved] == ["pp-promo-fails"]
    assert (
        "Promo rules shown before checkout" in resolved[0].message
    )  # the opportunity that addressed it
    assert [c.after for c in diff.of_kind("pain_point_added")] == ["Cups run out"]


def test_opportunity_status_and_kpi_drift(pair):
    old, new = pair
    opp = next(o for o in new.opportunities if o.id == "opp-ewallet-signin")
    opp.status = "in_progress"
    new.opportunities.append(Opportunity(id="opp-new", title="Night menu"))
    kpi = next(k for k in new.kpis if k.id == "kpi-checkout-abandon")  # 38 now, target 25
    kpi.current = 41.0
    kpi.target = 20.0
    new.kpis.append(KPI(id="kpi-nps", name="NPS"))
    diff = diff_projects(old, new, TODAY)
    status = diff.of_kind("opportunity_status")
    assert [(c.before, c.after) for c in status] == [("idea", "in_progress")]
    assert "idea → in progress" in status[0].message
    assert "ide → sedang berjalan" in status[0].text("id")
    drift = {c.path: c for c in diff.of_kind("kpi_drift")}
    assert set(drift) == {"kpis.kpi-checkout-abandon.current", "kpis.kpi-checkout-abandon.target"}
    assert "38 → 41" in drift["kpis.kpi-checkout-abandon.current"].message
    assert "further from the target" in drift["kpis.kpi-checkout-abandon.current"].message
    assert "38 → 41" in drift["kpis.kpi-checkout-abandon.current"].text("pl")
    assert [c.after for c in diff.of_kind("opportunity_added", "kpi_added")] == [
        "Night menu",
        "NPS",
    ]
    assert [c.path for c in diff.of_kind("opportunity_added", "kpi_added")] == [
        "opportunities.opp-new",
        "kpis.kpi-nps",
    ]
    assert diff.counts() == {"opportunities": 2, "kpis": 3}


def test_text_groups_changes_in_a_fixed_order(pair):
    old, new = pair
    new.kpis[0].current = 50.0
    new.personas.append(Persona(id="budi", name="Budi"))
    text = diff_projects(old, new, TODAY).to_text()
    assert text.index("Personas (1)") < text.index("KPIs (1)") < text.index("Review:")
    assert all(k in KINDS for k in ("kpi_drift", "persona_added"))


def test_html_table_escapes_user_text(pair):
    old, new = pair
    hostile = "<script>alert(1)</script> & <b>bold</b>"
    new.personas.append(Persona(id="evil", name=hostile))
    diff = diff_projects(old, new, TODAY)
    for markup in (diff._repr_html_(), diff.to_html("pl", standalone=True)):
        doc = BeautifulSoup(markup, "html.parser")
        assert doc.find_all(["script", "b"]) == []
        assert hostile in doc.select_one("tbody").get_text()
    assert doc.select_one("thead").get_text() == "ObszarZmianaPrzedPo"


@pytest.mark.parametrize(
    ("today", "state", "days", "words"),
    [
        (dt.date(2026, 11, 23), "scheduled", 84, "in 84 days"),
        (dt.date(2027, 2, 5), "soon", 10, "due soon"),
        (dt.date(2027, 2, 15), "today", 0, "due today"),
        (dt.date(2027, 3, 1), "overdue", -14, "14 days ago"),
    ],
)
def test_review_status_against_the_sample_date(sample_project, today, state, days, words):
    status = review_status(sample_project, today)
    assert status.next_review == dt.date(2027, 2, 15)
    assert (status.state, status.days, status.overdue) == (state, days, state == "overdue")
    assert words in status.message() and words in str(status)
    assert status.days_overdue == (14 if state == "overdue" else 0)


def test_review_without_a_date_says_how_to_set_one(sample_project):
    project = sample_project.model_copy(deep=True)
    project.objectives.next_review = None
    status = review_status(project, TODAY)
    assert status.days is None and not status.overdue and "step 1" in status.message()
    assert "po terminie" in review_status(sample_project, dt.date(2030, 1, 1)).message("pl")
    assert "cjm-review-overdue" in review_status(sample_project, dt.date(2030, 1, 1))._repr_html_()


def test_diff_shows_an_overdue_review_in_text_and_html(sample_project):
    diff = diff_projects(sample_project, sample_project, dt.date(2027, 6, 1))
    assert "overdue" in diff.to_text() and "106 days ago" in diff.to_text()
    assert BeautifulSoup(diff.to_html(), "html.parser").select(".cjmdiff-review-overdue")


def test_review_date_change_is_listed(pair):
    old, new = pair
    new.objectives.next_review = dt.date(2027, 5, 15)
    diff = diff_projects(old, new, TODAY)
    assert kinds(diff) == ["review_date"]
    assert "15 Feb 2027 to 15 May 2027" in diff.changes[0].message


def test_diff_with_previous_uses_the_store_history(sample_project, tmp_path):
    path = tmp_path / "p.cjm.yaml"
    save_project(sample_project, path)
    first = diff_with_previous(path, TODAY)
    assert not first and not first.has_previous and "no earlier saved version" in first.to_text()
    store = ProjectStore(path)
    project = store.load()
    project.opportunities[0].status = "done"
    store.save(project)
    diff = diff_with_previous(path, TODAY)
    assert kinds(diff) == ["opportunity_status"]
    assert diff.changes[0].after == "done"


def test_html_table_says_statuses_and_numbers_in_words(sample_project):
    old = sample_project.model_copy(deep=True)
    new = sample_project.model_copy(deep=True)
    opportunity = next(o for o in new.opportunities if o.status == "in_progress")
    opportunity.status = "done"
    markup = diff_projects(old, new, TODAY).to_html("en")
    body = BeautifulSoup(markup, "html.parser").select_one("tbody").get_text(" ")
    assert "in_progress" not in body and "in progress" in body
    polish = BeautifulSoup(diff_projects(old, new, TODAY).to_html("pl"), "html.parser")
    assert t("views.status.in_progress", "pl") in polish.select_one("tbody").get_text(" ")


# --- step 8 sees every part a learner edits, not only the map's ------------------------------


def test_walkthrough_entries_added_edited_and_removed_are_listed(pair):
    from cjm_helpers.model import WalkthroughEntry

    old, new = pair
    new.walkthrough.append(
        WalkthroughEntry(
            when=dt.datetime(2026, 11, 20, 8, 40),
            stage="purchase",
            action="Ordered at the counter <b>",
        )
    )
    new.walkthrough[0] = new.walkthrough[0].model_copy(update={"note": "took longer than planned"})
    gone = new.walkthrough.pop(1)
    diff = diff_projects(old, new, TODAY)
    assert sorted(kinds(diff)) == ["walkthrough_added", "walkthrough_edited", "walkthrough_removed"]
    added = diff.of_kind("walkthrough_added")[0]
    assert "2026-11-20 08:40" in added.message and "Ordered at the counter <b>" in added.message
    assert "&lt;b&gt;" in diff.to_html() and "<b>" not in diff.to_html().split("</style>")[1]
    removed = diff.of_kind("walkthrough_removed")[0]
    assert removed.before == (gone.action or gone.note)
    assert "Walkthrough (3)" in diff.to_text()


def test_resources_actions_and_objective_text_are_listed(pair):
    from cjm_helpers.model import Action, Resource

    old, new = pair
    new.objectives.business_question = "Why do people stop ordering after a month?"
    new.objectives.success_metrics = [*new.objectives.success_metrics, "Weekly repeat orders"]
    new.resources.append(Resource(id="res-barista", kind="people", description="A second barista"))
    new.resources[0] = new.resources[0].model_copy(
        update={"status": "need" if new.resources[0].status == "have" else "have"}
    )
    opp = new.opportunities[0].id
    new.actions.append(Action(id="act-new", opportunity=opp, title="Print a loyalty card"))
    if new.actions[:-1]:
        first = new.actions[0]
        new.actions[0] = first.model_copy(
            update={"status": "done" if first.status != "done" else "planned"}
        )
    diff = diff_projects(old, new, TODAY)
    found = set(kinds(diff))
    assert {"objective_changed", "resource_added", "resource_status", "action_added"} <= found
    assert ("action_status" in found) == bool(old.actions)
    question = next(c for c in diff.changes if c.path == "objectives.business_question")
    assert "Why do people stop ordering after a month?" in question.message
    assert "business question" in question.message
    assert "Weekly repeat orders" in next(
        c.message for c in diff.changes if c.path == "objectives.success_metrics"
    )
    assert diff.changes[0].group == "objectives"  # step 1 comes first
    text_pl = diff.to_text("pl")
    assert "Zasoby" in text_pl and "dodano zasób: A second barista" in text_pl


def test_any_other_edit_is_never_reported_as_no_changes(pair):
    old, new = pair
    new.currency = "PLN" if old.currency != "PLN" else "EUR"
    new.personas[0].quote = "Something else entirely"
    diff = diff_projects(old, new, TODAY)
    assert diff and sorted(kinds(diff)) == ["section_edited", "section_edited"]
    assert {c.path for c in diff.changes} == {"currency", "personas"}
    assert "Currency edited: currency" in diff.to_text()
    quote = f"personas[{old.personas[0].name}].quote"
    assert f"Personas edited: {quote}" in diff.to_text()


def test_step_8_sees_a_walkthrough_entry_saved_after_the_previous_version(sample_project, tmp_path):
    from cjm_helpers.model import WalkthroughEntry

    path = tmp_path / "learner" / "bike.cjm.yaml"
    path.parent.mkdir()
    save_project(sample_project, path)
    store = ProjectStore(path)
    project = store.load()
    project.walkthrough.append(
        WalkthroughEntry(when=dt.datetime(2026, 11, 20, 9, 5), stage="purchase", action="Paid")
    )
    store.save(project)
    diff = diff_with_previous(path, TODAY)
    assert kinds(diff) == ["walkthrough_added"]
    heading = diff.heading()
    assert f"{sample_project.name} (bike.cjm.yaml)" in heading
    assert str(tmp_path) not in heading and str(tmp_path) not in diff.to_html()


def test_no_previous_version_names_the_file_not_its_folder(sample_project, tmp_path):
    path = tmp_path / "p.cjm.yaml"
    save_project(sample_project, path)
    first = diff_with_previous(path, TODAY)
    assert str(tmp_path) not in first.to_text() and "p.cjm.yaml" in first.to_text()


def test_a_changed_goal_is_named_in_words(pair):
    old, new = pair
    assert old.objectives.goal_type != "find_growth"
    new.objectives.goal_type = "find_growth"
    diff = diff_projects(old, new, TODAY)
    assert kinds(diff) == ["objective_changed"]
    assert "goal:" in diff.changes[0].message and "find_growth" not in diff.changes[0].message
    assert "“Find room for growth”" in diff.changes[0].message
    assert "„Szanse na rozwój”" in diff.changes[0].text("pl")
