"""The map-data fields of steps 4 and 5, driven as a learner would: type, Save, reload.

Stage phase, time span and time of day; a future-state journey's touchpoint changes;
actions with their own emotion, halves, and the project's emotion scale. Each value
comes back from a fresh load of the file, and bad input is named in the learner's language.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import control, save

from cjm_helpers.forms import fields, step_form
from cjm_helpers.i18n import t
from cjm_helpers.store import ProjectStore, load_project, save_project


def label_of(widget: Any, value: Any) -> str:
    """The label a dropdown shows for ``value``."""
    return next(label for label, v in widget.options if v == value)


def day_in_the_life(path: Path) -> None:
    """Make the sample's first journey a day in the life, as step 5 would."""
    project = load_project(path)
    project.journeys[0].map_type = "day_in_the_life"
    save_project(project, path)


# --- step 4: stages ------------------------------------------------------------------------


def test_stage_phase_time_span_and_clock_round_trip(sample_copy: Path) -> None:
    day_in_the_life(sample_copy)
    project = load_project(sample_copy)
    project.stages[2].phase, project.stages[2].time_span = None, ""  # the sample groups its stages
    save_project(project, sample_copy)
    form = step_form(4, ProjectStore(sample_copy), lang="pl")
    stages = form.lists["stages"]
    stages.select(2)
    phase = control(form, "cjm-field-stages-phase")
    assert label_of(phase, "during") == "W trakcie"
    assert phase.label == t("formsmap.phase.none", "pl")  # shown, not a blank box
    phase.value = "during"
    control(form, "cjm-field-stages-time-span").value = "dzień 1"
    clock = control(form, "cjm-field-stages-clock")
    assert stages.editor.fields["clock"].view.layout.display != "none"
    clock.value = "7:30"  # written loosely, kept as the map reads it
    save(form)

    stage = load_project(sample_copy).stages[2]
    assert (stage.phase, stage.time_span, stage.clock) == ("during", "dzień 1", "07:30")
    again = step_form(4, ProjectStore(sample_copy))
    again.lists["stages"].select(2)
    assert control(again, "cjm-field-stages-phase").value == "during"
    assert control(again, "cjm-field-stages-time-span").value == "dzień 1"
    assert control(again, "cjm-field-stages-clock").value == "07:30"

    again.lists["stages"].select(2)
    control(again, "cjm-field-stages-phase").label = t("formsmap.phase.none", "en")
    save(again)
    assert load_project(sample_copy).stages[2].phase is None


def test_clock_is_offered_only_where_a_day_is_mapped(sample_copy: Path) -> None:
    form = step_form(4, ProjectStore(sample_copy))
    assert form.lists["stages"].editor.fields["clock"].view.layout.display == "none"
    day_in_the_life(sample_copy)
    form = step_form(4, ProjectStore(sample_copy))
    assert form.lists["stages"].editor.fields["clock"].view.layout.display != "none"


@pytest.mark.parametrize("lang", ["en", "id", "pl"])
def test_a_bad_clock_is_named_in_the_learners_language_and_nothing_is_saved(
    sample_copy: Path, lang: str
) -> None:
    day_in_the_life(sample_copy)
    before = sample_copy.read_bytes()
    form = step_form(4, ProjectStore(sample_copy), lang=lang)
    form.lists["stages"].select(1)
    control(form, "cjm-field-stages-clock").value = "half past seven"
    form.save_button.click()
    assert not form.saved
    said = form.problem_at("stages[1].clock")
    assert said == t("formsmap.error.clock", lang, got="half past seven")
    assert sample_copy.read_bytes() == before
    assert control(form, "cjm-field-stages-clock").value == "half past seven"  # kept as typed
    assert form.lists["stages"].editor.fields["clock"].messages == [said]


def test_clock_from_text() -> None:
    assert fields.clock_from_text("7:05") == "07:05"
    assert fields.clock_from_text(" 19.45 ") == "19:45"
    assert fields.clock_from_text("25:00") == "25:00"  # kept as typed, for the check to name
    assert fields.clock_from_text("") == ""


# --- step 5: touchpoint changes of a future-state journey --------------------------------


def test_touchpoint_changes_add_change_and_retire(sample_copy: Path) -> None:
    form = step_form(5, ProjectStore(sample_copy), journey_id="rina-future", lang="id")
    section = control(form, "cjm-field-journeys-touchpoint-changes")
    assert section.layout.display != "none"
    editor = next(e for e in form.editors if getattr(e, "key", "") == "touchpoint_changes")
    assert editor.path == "journeys[1].touchpoint_changes"
    assert len(editor.items) == 3
    added = editor.add()
    assert added["status"] == "new" and added["evidence"] == "planned"
    control(form, "cjm-field-journeys-touchpoint-changes-name").value = "Pesan dari stasiun"
    control(form, "cjm-field-journeys-touchpoint-changes-stage").value = "purchase"
    control(form, "cjm-field-journeys-touchpoint-changes-note").value = "Antrean hilang"
    editor.add()
    status = control(form, "cjm-field-journeys-touchpoint-changes-status")
    assert label_of(status, "retired") == "Dihentikan"
    status.value = "retired"
    control(form, "cjm-field-journeys-touchpoint-changes-id").value = "tp-pickup"
    control(form, "cjm-field-journeys-touchpoint-changes-name").value = ""
    save(form)

    journey = load_project(sample_copy).journey("rina-future")
    new, retired = journey.touchpoint_changes[-2:]
    assert (new.status, new.name, new.stage, new.evidence) == (
        "new",
        "Pesan dari stasiun",
        "purchase",
        "planned",
    )
    assert new.note == "Antrean hilang"
    assert (retired.status, retired.id, retired.evidence) == ("retired", "tp-pickup", "planned")
    again = step_form(5, ProjectStore(sample_copy), journey_id="rina-future")
    editor = next(e for e in again.editors if getattr(e, "key", "") == "touchpoint_changes")
    editor.select(3)
    assert control(again, "cjm-field-journeys-touchpoint-changes-name").value == (
        "Pesan dari stasiun"
    )


def test_touchpoint_changes_are_hidden_on_a_current_state_map_until_it_becomes_future(
    sample_copy: Path,
) -> None:
    form = step_form(5, ProjectStore(sample_copy), journey_id="rina-current")
    section = control(form, "cjm-field-journeys-touchpoint-changes")
    assert section.layout.display == "none"
    control(form, "cjm-field-journeys-map-type").value = "future_state"
    assert section.layout.display != "none"


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_bad_touchpoint_changes_are_named(sample_copy: Path, lang: str) -> None:
    before = sample_copy.read_bytes()
    form = step_form(5, ProjectStore(sample_copy), journey_id="rina-future", lang=lang)
    editor = next(e for e in form.editors if getattr(e, "key", "") == "touchpoint_changes")
    editor.add()
    control(form, "cjm-field-journeys-touchpoint-changes-name").value = "  "
    form.save_button.click()
    assert not form.saved
    assert form.problem_at("journeys[1].touchpoint_changes[3].name") == t(
        "formsmap.error.new_needs_name", lang
    )
    editor.select(3)
    control(form, "cjm-field-journeys-touchpoint-changes-name").value = "Ready screen"
    control(form, "cjm-field-journeys-touchpoint-changes-status").value = "changed"
    control(form, "cjm-field-journeys-touchpoint-changes-id").value = "tp-nowhere"
    form.save_button.click()
    assert not form.saved
    assert "tp-nowhere" in form.problem_at("journeys[1].touchpoint_changes[3].id")
    assert sample_copy.read_bytes() == before


# --- step 5: actions with their own emotion, halves and the scale --------------------------


def test_actions_keep_their_own_emotion_in_halves(sample_copy: Path) -> None:
    form = step_form(5, ProjectStore(sample_copy), journey_id="rina-current")
    form.cells.select("purchase")
    actions = control(form, "cjm-field-cell-actions")
    actions.value = "Orders ahead in the app | 1.5\nWaits at the counter | -2\nPicks up her cup"
    control(form, "cjm-field-cell-emotion").value = "-0,5"
    save(form)

    cell = load_project(sample_copy).journey("rina-current").stages["purchase"]
    assert [(a.text, a.emotion) for a in cell.actions] == [
        ("Orders ahead in the app", 1.5),
        ("Waits at the counter", -2),
        ("Picks up her cup", None),
    ]
    assert cell.emotion == -0.5
    assert load_project(sample_copy).emotion_scale is None  # the scale untouched stays unset
    again = step_form(5, ProjectStore(sample_copy), journey_id="rina-current")
    again.cells.select("purchase")
    assert control(again, "cjm-field-cell-actions").value == (
        "Orders ahead in the app | 1.5\nWaits at the counter | -2\nPicks up her cup"
    )
    card = again.card_text()
    assert "Orders ahead in the app (felt 1.5)" in card


def test_an_action_keeps_its_emotion_when_the_list_is_edited(sample_copy: Path) -> None:
    project = load_project(sample_copy)
    cell = project.journeys[0].stages["awareness"]
    cell.actions[0].emotion = 2
    save_project(project, sample_copy)
    form = step_form(5, ProjectStore(sample_copy), journey_id="rina-current")
    form.cells.select("awareness")
    actions = control(form, "cjm-field-cell-actions")
    actions.value += "\nSaves the reel for later"  # another action added below the first
    save(form)
    kept = load_project(sample_copy).journeys[0].stages["awareness"].actions
    assert (kept[0].emotion, kept[0].evidence, kept[-1].text) == (
        2,
        "observed",
        "Saves the reel for later",
    )


@pytest.mark.parametrize(
    ("typed", "key", "values"),
    [
        ("Waits | -1,2,5", "formsmap.error.action_number", {"got": "-1,2,5"}),
        ("Waits | 1.3", "formsmap.error.action_halves", {"got": 1.3}),
        ("Waits | -3", "formsmap.error.action_scale", {"got": -3, "top": 2}),
    ],
)
@pytest.mark.parametrize("lang", ["en", "id", "pl"])
def test_a_bad_action_emotion_names_the_line(
    sample_copy: Path, typed: str, key: str, values: dict[str, Any], lang: str
) -> None:
    before = sample_copy.read_bytes()
    form = step_form(5, ProjectStore(sample_copy), journey_id="rina-current", lang=lang)
    form.cells.select("purchase")
    control(form, "cjm-field-cell-actions").value = f"Orders ahead\n{typed}"
    form.save_button.click()
    assert not form.saved
    said = form.problem_at("journeys[0].stages.purchase.actions")
    assert said == t(key, lang, line=2, text="Waits", **{"top": 2, **values})
    assert sample_copy.read_bytes() == before
    assert control(form, "cjm-field-cell-actions").value == f"Orders ahead\n{typed}"  # as typed


def test_the_emotion_scale_is_chosen_in_the_journey_settings(sample_copy: Path) -> None:
    assert load_project(sample_copy).emotion_scale is None
    form = step_form(5, ProjectStore(sample_copy), journey_id="rina-current", lang="id")
    scale = control(form, "cjm-field-project-emotion-scale")
    assert scale.label == t("formsmap.scale.2", "id")  # the default scale, named
    form.cells.select("purchase")
    control(form, "cjm-field-cell-emotion").value = "-2.5"
    form.save_button.click()
    assert not form.saved  # beyond -2 on the default scale
    assert form.problem_at("journeys[0].stages.purchase.emotion") == t(
        "formsmap.error.scale_at_least", "id", got="-2.5", bound=-2
    )
    scale.value = 3
    control(form, "cjm-field-cell-actions").value = "Waits for the cup | -3"
    save(form)

    project = load_project(sample_copy)
    assert project.emotion_scale == 3
    cell = project.journeys[0].stages["purchase"]
    assert (cell.emotion, cell.actions[0].emotion) == (-2.5, -3)
    again = step_form(5, ProjectStore(sample_copy))
    assert control(again, "cjm-field-project-emotion-scale").value == 3


def test_actions_text_round_trip() -> None:
    old = [{"text": "Pays", "evidence": "observed", "emotion": None}]
    parsed = fields.actions_from_text("Pays | −1,5\nCompares A | B\n\n", old)
    assert parsed == [
        {"text": "Pays", "evidence": "observed", "emotion": -1.5},
        {"text": "Compares A | B", "evidence": "assumed", "emotion": None},
    ]
    assert fields.actions_to_text(parsed) == "Pays | -1.5\nCompares A | B"


# --- in JupyterLab -------------------------------------------------------------------------

LAB_CELLS = [
    """\
import os
from cjm_helpers.forms import step_form
from cjm_helpers.store import ProjectStore

store = ProjectStore(os.environ["CJM_PROJECT"])
step_form(4, store)""",
    'step_form(5, store, journey_id="rina-future")',
]


@pytest.mark.browser
def test_the_map_data_fields_in_jupyterlab(sample_copy: Path, tmp_path: Path) -> None:
    """Each new field is typed into in Chromium, saved, and read back from the file."""
    import shutil

    import nbformat
    from browser.lab import Learner, chromium_page, lab_server

    day_in_the_life(sample_copy)
    cells = load_project(sample_copy).journey("rina-future").stages
    purchase = fields.actions_to_text([a.model_dump() for a in cells["purchase"].actions])
    root = tmp_path / "notebooks"
    root.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code) for code in LAB_CELLS]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, root / "mapdata.ipynb")
    shots = Path(__file__).resolve().parent.parent / "ci-artifacts" / "browser" / "formsmap"
    shutil.rmtree(shots, ignore_errors=True)
    with (
        lab_server(root, tmp_path / "jupyter", {"CJM_PROJECT": str(sample_copy)}) as server,
        chromium_page(tmp_path / "profile") as page,
    ):
        learner = Learner(page, server, shots)
        with learner.shot_on_failure():
            learner.open_notebook("mapdata.ipynb")
            learner.run_all()
            four = ".cjm-form-step4"
            page.locator(f"{four} .cjm-field-stages-selector select").first.select_option(
                label="3. Purchase"
            )
            shown = page.locator(f"{four} .cjm-field-stages-id input").first
            page.wait_for_function(  # the kernel has loaded the stage before its fields are set
                "(el) => el.value === 'purchase'", arg=shown.element_handle()
            )
            page.locator(f"{four} .cjm-field-stages-phase select").first.select_option(
                label="During"
            )
            page.locator(f"{four} .cjm-field-stages-time-span input").first.fill("day 1")
            clock = page.locator(f"{four} .cjm-field-stages-clock input").first
            clock.fill("half past seven")
            page.locator(f"{four} .cjm-form-save").first.click()
            message = page.locator(f"{four} .cjm-field-message", has_text="HH:MM").first
            message.wait_for(state="visible")
            message.scroll_into_view_if_needed()
            learner.screenshot("step4-bad-clock")
            clock.fill("7.30")
            page.locator(f"{four} .cjm-form-save").first.click()
            page.locator(f"{four} .cjm-form-status", has_text="Saved").first.wait_for()
            page.locator(f"{four} .cjm-field-stages-phase").first.scroll_into_view_if_needed()
            learner.screenshot("step4-phase-time-span-clock")

            five = ".cjm-form-step5"
            page.locator(f"{five} .cjm-field-project-emotion-scale select").first.select_option(
                label=t("formsmap.scale.3", "en")
            )
            page.locator(f"{five} .cjm-field-journeys-touchpoint-changes-add").first.click()
            name = page.locator(f"{five} .cjm-field-journeys-touchpoint-changes-name input").first
            page.wait_for_function(  # the kernel has shown the new item before it is typed over
                "(el) => el.value === 'New touchpoint'", arg=name.element_handle()
            )
            name.fill("Order from the platform screen")
            page.locator(f"{five} .cjm-field-cell-stage button", has_text="Purchase").first.click()
            actions = page.locator(f"{five} .cjm-field-cell-actions textarea").first
            page.wait_for_function(
                "([el, text]) => el.value === text", arg=[actions.element_handle(), purchase]
            )
            actions.fill("Orders ahead on the train | 2.5\nWaits at the counter | -3")
            page.locator(f"{five} .cjm-form-save").first.click()
            page.locator(f"{five} .cjm-form-status", has_text="Saved").first.wait_for()
            page.locator(
                f"{five} .cjm-field-project-emotion-scale"
            ).first.scroll_into_view_if_needed()
            learner.screenshot("step5-scale")
            section = page.locator(f"{five} .cjm-field-journeys-touchpoint-changes").first
            section.scroll_into_view_if_needed()
            learner.screenshot("step5-touchpoint-changes")
            page.locator(f"{five} .cjm-field-cell-actions").first.scroll_into_view_if_needed()
            learner.screenshot("step5-actions-with-emotion")

    project = load_project(sample_copy)
    stage = project.stages[2]
    assert (stage.phase, stage.time_span, stage.clock) == ("during", "day 1", "07:30")
    assert project.emotion_scale == 3
    journey = project.journey("rina-future")
    assert journey.touchpoint_changes[-1].name == "Order from the platform screen"
    assert journey.touchpoint_changes[-1].evidence == "planned"
    cell = journey.stages["purchase"]
    assert [(a.text, a.emotion) for a in cell.actions] == [
        ("Orders ahead on the train", 2.5),
        ("Waits at the counter", -3),
    ]


def test_a_day_in_the_life_cell_keeps_activities_and_context_and_the_stages_shown(
    sample_copy: Path,
) -> None:
    day_in_the_life(sample_copy)
    form = step_form(5, ProjectStore(sample_copy), journey_id="rina-current")
    shown = control(form, "cjm-field-journeys-stages-shown")
    shown.value = ("awareness", "purchase")
    form.cells.select("purchase")
    control(form, "cjm-field-cell-activities").value = "Commutes by train\nAnswers e-mail"
    control(form, "cjm-field-cell-context").value = "Crowded carriage"
    save(form)

    journey = load_project(sample_copy).journey("rina-current")
    assert journey.stages_shown == ["awareness", "purchase"]
    cell = journey.stages["purchase"]
    assert [n.text for n in cell.activities] == ["Commutes by train", "Answers e-mail"]
    assert [n.text for n in cell.context] == ["Crowded carriage"]
    again = step_form(5, ProjectStore(sample_copy), journey_id="rina-current", lang="pl")
    assert set(control(again, "cjm-field-journeys-stages-shown").value) == {"awareness", "purchase"}
    again.cells.select("purchase")
    assert control(again, "cjm-field-cell-activities").value == "Commutes by train\nAnswers e-mail"
