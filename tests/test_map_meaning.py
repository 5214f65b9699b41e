"""Maps that mean what they say: a day as a timeline, phases, to-be touchpoint changes, emotions.

Every figure below is worked by hand in the comments beside it.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from pydantic import ValidationError

from cjm_helpers.errors import ProjectInvalid
from cjm_helpers.mapping import JourneyMap, build_layout, compare_maps
from cjm_helpers.mapping.html import feeling_step, score_text
from cjm_helpers.mapping.layout import StageView, phase_runs
from cjm_helpers.model import ActionNote, Project, StageCell
from cjm_helpers.overlay.survey import emotion_curve
from cjm_helpers.references import reference_problems
from cjm_helpers.starters import starter_file
from cjm_helpers.store import load_project, project_to_data
from cjm_helpers.validation import validate_project

LANGS = ("en", "id", "pl")


# --- day in the life ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_day_in_the_life_starter_runs_on_times_of_the_day(lang: str) -> None:
    project = load_project(starter_file("day_in_the_life", lang))
    assert project.language == lang
    clocks = [s.clock for s in project.stages]
    assert clocks == ["06:30", "07:30", "09:00", "12:00", "13:00", "17:30", "19:30"]
    assert not {s.id for s in project.stages} & {"awareness", "purchase", "advocacy"}
    layout = build_layout(project, lang=lang)
    assert layout.is_timeline
    # lanes beyond our product: what the persona does all day and where they are
    assert {"activities", "context"} <= set(layout.lane_order)
    assert layout.lane("activities").cells[0] and layout.lane("context").cells[0]


@pytest.mark.parametrize("lang", LANGS)
def test_a_day_is_drawn_as_a_timeline_in_html_and_png(lang: str, tmp_path: Path) -> None:
    project = load_project(starter_file("day_in_the_life", lang))
    day = JourneyMap(project, lang=lang)
    html = day.html()
    assert html.count('class="cjmmap-clock"') == 7
    assert 'data-clock="07:30"' in html
    assert html.index("cjmmap-clock") < html.index('class="cjmmap-stage"')
    png = day.save(tmp_path / "day.png")
    assert png.stat().st_size > 10_000


def test_a_current_state_map_is_not_a_timeline(sample_project: Project) -> None:
    html = JourneyMap(sample_project, "rina-current").html()
    assert 'class="cjmmap-clock"' not in html


def test_a_clock_written_without_quotes_reads_back_as_a_time() -> None:
    # YAML 1.1 reads 12:30 as 750 (12 * 60 + 30)
    project = Project(name="x", stages=[{"id": "noon", "name": "Noon", "clock": 750}])
    assert project.stages[0].clock == "12:30"
    with pytest.raises(ValidationError):
        Project(name="x", stages=[{"id": "noon", "name": "Noon", "clock": "25:00"}])


def test_a_journey_draws_only_its_own_stages(sample_project: Project) -> None:
    project = sample_project.model_copy(deep=True)
    project.journeys[0].stages_shown = ["retention", "purchase"]
    layout = build_layout(project, "rina-current")
    assert [s.id for s in layout.stages] == ["retention", "purchase"]
    assert [e.stage_id for e in layout.emotions] == ["retention", "purchase"]
    project.journeys[0].stages_shown = ["lunch"]
    problems = [p.path for p in reference_problems(project)]
    assert "journeys[0].stages_shown[0]" in problems


# --- before / during / after -------------------------------------------------------------


def _stages(*phases: str | None) -> list[StageView]:
    return [StageView(f"s{i}", f"S{i}", "", p) for i, p in enumerate(phases)]


def test_phase_runs_group_consecutive_stages() -> None:
    runs = phase_runs(_stages("before", "before", "during", None, "after", "after"))
    assert [(r.phase, r.first, r.last) for r in runs] == [
        ("before", 0, 1),
        ("during", 2, 2),
        ("after", 4, 5),
    ]
    assert phase_runs(_stages(None, None)) == ()


def _phased(sample_project: Project) -> Project:
    project = sample_project.model_copy(deep=True)
    for stage, phase, span in zip(
        project.stages,
        ("before", "before", "during", "after", "after"),
        ("", "first week", "day 1", "first 2 weeks", ""),
    ):
        stage.phase, stage.time_span = phase, span
    return project


def test_the_map_groups_stages_by_phase_with_their_time_span(sample_project: Project) -> None:
    project = _phased(sample_project)
    html = JourneyMap(project, "rina-current").html()
    assert 'data-phase="before" style="grid-column:span 2;' in html
    assert 'data-phase="during" style="grid-column:span 1;' in html
    assert 'data-phase="after" style="grid-column:span 2;' in html
    assert '<span class="cjmmap-span">first 2 weeks</span>' in html
    pl = JourneyMap(project, "rina-current", lang="pl").html()
    assert ">Przed</div>" in pl and ">W trakcie</div>" in pl
    # as-is/to-be: each stage takes two columns, so the band spans twice as many
    both = compare_maps(project).html()
    assert 'data-phase="before" style="grid-column:span 4;' in both


def test_the_report_groups_the_stages_by_phase_and_marks_to_be_changes(
    sample_project: Project,
) -> None:
    import datetime as dt

    from cjm_helpers.report import build_report

    page = build_report(_phased(sample_project), "pl", today=dt.date(2026, 11, 23))
    assert 'data-phase="during"' in page and ">Po</div>" in page
    assert "cjmmap-change-retired" in page  # the as-is/to-be section


def test_phases_survive_a_save(sample_project: Project) -> None:
    project = _phased(sample_project)
    again = validate_project(project_to_data(project), "p.yaml")
    assert [(s.phase, s.time_span) for s in again.stages] == [
        (s.phase, s.time_span) for s in project.stages
    ]


# --- future state: touchpoints a journey adds, changes or retires ----------------------------


def _cards(layout, stage_id: str):  # type: ignore[no-untyped-def]
    index = [s.id for s in layout.stages].index(stage_id)
    return {c.ref: c for c in layout.lane("touchpoints").cells[index]}


def test_the_to_be_map_carries_its_own_touchpoints(sample_project: Project) -> None:
    now = build_layout(sample_project, "rina-current")
    later = build_layout(sample_project, "rina-future")
    # changed: its own name and evidence, not the live inventory's "observed"
    assert _cards(now, "consideration")["tp-signup"].evidence == "observed"
    signup = _cards(later, "consideration")["tp-signup"]
    assert (signup.change, signup.evidence) == ("changed", "planned")
    assert signup.text == "One-tap sign-in with her e-wallet"
    # new: drawn in its stage though no cell lists it
    alert = _cards(later, "purchase")["tp-arrival-alert"]
    assert (alert.change, alert.evidence, alert.detail) == ("new", "planned", "App")
    # retired: drawn as gone in the inventory's stage
    receipt = _cards(later, "retention")["tp-email-receipt"]
    assert receipt.change == "retired" and receipt.text == "E-mail receipt and invoice"
    assert not any(c.change for lane in now.lanes for cell in lane.cells for c in cell)


def test_the_as_is_to_be_view_marks_new_changed_and_gone(sample_project: Project) -> None:
    html = compare_maps(sample_project).html()
    for status, label in (("new", "new"), ("changed", "changed"), ("retired", "retired")):
        assert f"cjmmap-change-{status}" in html
        assert f">{label}</span>" in html
    assert "cjmmap-ev-planned" in html
    assert ">baru</span>" in compare_maps(sample_project, lang="id").html()


def test_the_table_still_reads_back_what_the_cells_store(sample_project: Project) -> None:
    stored = build_layout(sample_project, "rina-future", drawn=False)
    assert "tp-arrival-alert" not in _cards(stored, "purchase")
    assert _cards(stored, "consideration")["tp-signup"].evidence == "observed"


def test_changing_a_touchpoint_the_inventory_lacks_is_named(sample_project: Project) -> None:
    data = project_to_data(sample_project)
    future = next(j for j in data["journeys"] if j["id"] == "rina-future")
    future["touchpoint_changes"][0]["id"] = "tp-nowhere"
    with pytest.raises(ProjectInvalid) as info:
        validate_project(data, "p.yaml")
    assert any(
        p.path == "journeys[1].touchpoint_changes[0].id" and "tp-nowhere" in str(p)
        for p in info.value.problems
    )


def test_a_new_touchpoint_may_be_listed_in_a_cell(sample_project: Project) -> None:
    data = project_to_data(sample_project)
    future = next(j for j in data["journeys"] if j["id"] == "rina-future")
    future["stages"]["purchase"]["touchpoints"].append("tp-arrival-alert")
    project = validate_project(data, "p.yaml")
    ids = list(_cards(build_layout(project, "rina-future"), "purchase"))
    assert ids.count("tp-arrival-alert") == 1


# --- emotion --------------------------------------------------------------------------------


def test_a_stage_holds_several_actions_each_with_its_own_emotion() -> None:
    # (+1 + -1.5 + -1) / 3 = -0.5
    cell = StageCell(
        actions=[
            ActionNote(text="a", emotion=1),
            ActionNote(text="b", emotion=-1.5),
            ActionNote(text="c", emotion=-1),
        ]
    )
    assert cell.stage_emotion() == -0.5
    # (+1 + 0) / 2 = 0.5; (+2 + -1 + 0) / 3 = 0.333 rounds to the nearest half, 0.5
    assert (
        StageCell(
            actions=[{"text": "a", "emotion": 1}, {"text": "b", "emotion": 0}]
        ).stage_emotion()
        == 0.5
    )
    assert (
        StageCell(
            actions=[
                {"text": "a", "emotion": 2},
                {"text": "b", "emotion": -1},
                {"text": "c", "emotion": 0},
            ]
        ).stage_emotion()
        == 0.5
    )
    # a stated stage emotion wins over the actions'
    assert StageCell(emotion=-2, actions=[{"text": "a", "emotion": 2}]).stage_emotion() == -2
    assert StageCell(actions=[{"text": "a"}]).stage_emotion() is None


def test_halves_are_allowed_and_other_fractions_refused() -> None:
    assert StageCell(emotion=-1.5).emotion == -1.5
    assert isinstance(StageCell(emotion=1).emotion, int)  # whole numbers stay whole in the file
    with pytest.raises(ValidationError, match=r"multiple of 0\.5"):
        StageCell(emotion=0.3)


def test_the_scale_is_two_unless_the_project_says_three(sample_project: Project) -> None:
    data = project_to_data(sample_project)
    data["journeys"][0]["stages"]["purchase"]["emotion"] = -3
    with pytest.raises(ProjectInvalid) as info:
        validate_project(data, "p.yaml")
    assert "emotion_scale: 3" in str(info.value)
    data["emotion_scale"] = 3
    project = validate_project(data, "p.yaml")
    layout = build_layout(project, "rina-current")
    assert layout.emotion_scale == 3
    html = JourneyMap(project, "rina-current").html()
    assert ">+3</text>" in html and ">\u22123</text>" in html


def test_scores_and_feelings_in_halves() -> None:
    assert [score_text(v) for v in (1.5, -0.5, 2, 0, -2.0)] == [
        "+1.5",
        "\u22120.5",
        "+2",
        "0",
        "\u22122",
    ]
    # on a -3..+3 scale, +3 is "very positive" and +1.5 "positive" (1.5 * 2 / 3 = 1)
    assert [feeling_step(v, 3) for v in (3, 1.5, -3, -0.5)] == [2, 1, -2, 0]


def test_action_emotions_show_on_cards_and_the_curve(sample_project: Project) -> None:
    project = sample_project.model_copy(deep=True)
    cell = project.journeys[0].stages["purchase"]
    cell.emotion = None
    cell.actions = [ActionNote(text="Pays", emotion=1), ActionNote(text="Waits", emotion=-2)]
    layout = build_layout(project, "rina-current")
    point = layout.emotions[2]
    assert (point.score, point.actions) == (-0.5, (1.0, -2.0))  # (1 - 2) / 2
    html = JourneyMap(project, "rina-current").html()
    assert html.count('class="cjmmap-action-pt"') == 2
    assert "felt \u22122" in html


def _survey(values: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "respondent_id": [f"r{i}" for i in range(len(values))],
            "stage": ["purchase"] * len(values),
            "emotion": values,
        }
    )


@pytest.mark.parametrize(("stated", "flagged"), [(-2, False), (-1.5, False), (-1, True)])
def test_disagreement_needs_the_stated_value_outside_the_interval_by_a_margin(
    sample_project: Project, stated: float, flagged: bool
) -> None:
    # 75 answers of -2 and 25 of -1: mean -1.75; sample sd sqrt(100 * 0.1875 / 99) = 0.43519;
    # standard error 0.043519; t(0.975, 99) = 1.98422; half width 0.086351:
    # interval [-1.83635, -1.66365]. Stated -2 lies 0.164 below it and -1.5 0.164 above,
    # both within the 0.25 margin; -1 (0.664 above) is flagged.
    project = sample_project.model_copy(deep=True)
    project.journeys[0].stages["purchase"].emotion = stated
    curve = emotion_curve(_survey([-2.0] * 75 + [-1.0] * 25), project, "rina-current")
    row = curve.set_index("stage").loc["purchase"]
    assert row["n"] == 100 and math.isclose(row["mean"], -1.75)
    assert math.isclose(row["ci_low"], -1.83635, abs_tol=1e-4)
    assert math.isclose(row["ci_high"], -1.66365, abs_tol=1e-4)
    assert bool(row["disagree"]) is flagged


@pytest.mark.parametrize(("stated", "flagged"), [(-2.5, False), (-3, False), (-1.5, True)])
def test_on_a_three_point_scale_the_survey_is_stretched_to_meet_the_map(
    sample_project: Project, stated: float, flagged: bool
) -> None:
    # the same answers times 1.5: 75 of -3 and 25 of -1.5, mean -2.625, half width
    # 1.5 * 0.086351 = 0.129527: interval [-2.75453, -2.49547]. -2.5 is inside, -3 is
    # 0.245 below (within the margin), -1.5 is 0.995 above.
    project = sample_project.model_copy(deep=True)
    project.emotion_scale = 3
    project.journeys[0].stages["purchase"].emotion = stated
    curve = emotion_curve(_survey([-2.0] * 75 + [-1.0] * 25), project, "rina-current")
    row = curve.set_index("stage").loc["purchase"]
    assert math.isclose(row["mean"], -2.625)
    assert math.isclose(row["ci_low"], -2.75453, abs_tol=1e-4)
    assert bool(row["disagree"]) is flagged


def test_one_answer_has_no_interval_and_flags_nothing(sample_project: Project) -> None:
    curve = emotion_curve(_survey([2.0]), sample_project, "rina-current")
    row = curve.set_index("stage").loc["purchase"]
    assert math.isnan(row["ci_low"]) and not bool(row["disagree"])


# --- the map's other forms keep what is new ------------------------------------------------


def test_halves_and_action_emotions_survive_the_wide_sheet(
    sample_project: Project, tmp_path: Path
) -> None:
    from cjm_helpers.mapping import import_wide_csv
    from cjm_helpers.mapping.tabular import journey_wide_table

    project = sample_project.model_copy(deep=True)
    cell = project.journeys[0].stages["purchase"]
    cell.emotion = -1.5
    cell.actions[0].emotion = 1
    path = tmp_path / "wide.csv"
    journey_wide_table(project, "rina-current").to_csv(path, index=False)
    assert "\u22121.5" in path.read_text(encoding="utf-8")
    again = import_wide_csv(path, project, "rina-current")
    assert again.journey("rina-current") == project.journey("rina-current")


def test_halves_read_from_a_sheet_on_a_three_point_scale(
    sample_project: Project, tmp_path: Path
) -> None:
    from cjm_helpers.mapping import import_wide_csv

    project = sample_project.model_copy(deep=True)
    project.emotion_scale = 3
    path = tmp_path / "map.csv"
    path.write_text('Lane,Awareness,Purchase\nEmotions,\u22122.5,"3,0"\n', encoding="utf-8")
    journey = import_wide_csv(path, project, "new-map").journey("new-map")
    assert journey.stages["awareness"].emotion == -2.5
    assert journey.stages["purchase"].emotion == 3 and isinstance(
        journey.stages["purchase"].emotion, int
    )


def test_mermaid_scores_stay_whole_on_any_scale() -> None:
    from cjm_helpers.mapping.mermaid import emotion_score

    # Mermaid takes 1..5: -2..+2 adds 3; on -3..+3 a score is first brought to -2..+2
    assert [emotion_score(v) for v in (-2, -0.5, 0, 1.5, 2)] == [1, 3, 3, 5, 5]
    assert [emotion_score(v, 3) for v in (-3, -1.5, 0, 1.5, 3)] == [1, 2, 3, 4, 5]


def test_the_report_says_how_satisfaction_becomes_emotion() -> None:
    from cjm_helpers.report.overlay import overlay_html

    frame = pd.DataFrame({"stage": ["purchase"], "n": [3], "mean": [-1.0]})
    for lang, words in (("en", "subtracting 3"), ("id", "dikurangi 3"), ("pl", "odejmując 3")):
        html = overlay_html({"emotion_curve": frame}, lang)
        assert words in html


def test_the_emotion_check_reads_action_feelings_and_only_the_stages_drawn(
    sample_project: Project,
) -> None:
    from cjm_helpers.checks import check_project

    def missing(project: Project) -> list[str]:
        return [
            c.path
            for c in check_project(project, step=5)
            if c.code == "journey.emotion" and not c.ok
        ]

    project = sample_project.model_copy(deep=True)
    for journey in project.journeys:
        for stage_id in project.stage_ids():
            journey.stages.setdefault(stage_id, StageCell()).emotion = 0
    assert missing(project) == []
    cell = project.journeys[0].stages["purchase"]
    cell.emotion = None
    assert missing(project) == ["journeys[0].stages.purchase.emotion"]
    cell.actions[0].emotion = -1  # the stage's feeling comes from its action
    assert missing(project) == []
    project.journeys[1].stages["advocacy"].emotion = None
    project.journeys[1].stages_shown = ["awareness", "purchase"]  # advocacy is not drawn
    assert missing(project) == []
