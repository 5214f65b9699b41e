"""The step forms as a learner meets them on a new project: drive the widgets, read the file back.

Step 4's touchpoints reach step 5's cells; problems are repeated beside Save and said
in words when no field of the form shows them; likely mistakes are warned about before
saving; project settings and data files are set in step 1; dates, stage order, labels
and stage buttons behave as a learner expects.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pytest
from helpers import control, save

from cjm_helpers.forms import step_form
from cjm_helpers.forms.fields import datetime_from_text
from cjm_helpers.i18n import t
from cjm_helpers.notebook import start_step
from cjm_helpers.paths import create_project
from cjm_helpers.store import ProjectStore, load_project


def text_of(widget: Any) -> str:
    """What an HTML widget says, without its tags."""
    return html.unescape(re.sub(r"<[^>]+>", "", widget.value))


@pytest.fixture
def new_project(tmp_path: Path) -> Path:
    """A learner's new project made from the current-state starter, in Polish."""
    return create_project(tmp_path / "rowery", lang="pl")


def add_touchpoint(form: Any, name: str, stage: str, channel: str = "") -> None:
    form.lists["touchpoints"].add()
    control(form, "cjm-field-touchpoints-name").value = name
    control(form, "cjm-field-touchpoints-stage").value = stage
    control(form, "cjm-field-touchpoints-channel").value = channel


# 1. step 4's touchpoints reach the step 5 map ------------------------------------------------


def test_step4_touchpoints_start_the_step5_cells_and_reach_the_map(new_project: Path) -> None:
    four = step_form(4, ProjectStore(new_project))
    add_touchpoint(four, "Mapa Google", "awareness", "Google")
    add_touchpoint(four, "Warsztat na Piotrkowskiej", "purchase", "Warsztat")
    save(four)
    ids = {tp.name: tp.id for tp in load_project(new_project).touchpoints}

    five = step_form(5, ProjectStore(new_project), lang="pl")
    cells = five.cells
    assert cells is not None
    cells.select("awareness")
    picker = control(five, "cjm-field-cell-touchpoints")
    assert isinstance(picker, widgets.SelectMultiple)
    assert picker.value == (ids["Mapa Google"],)
    labels = [label for label, _ in picker.options]
    assert any(label.startswith("Mapa Google") for label in labels)
    assert not any(tp_id in label for label in labels for tp_id in ids.values())  # names, not ids
    assert "Punkty styku z kroku 4" in text_of(five.status)
    save(five)

    journey = load_project(new_project).journeys[0]
    assert journey.cell("awareness").touchpoints == [ids["Mapa Google"]]
    assert journey.cell("purchase").touchpoints == [ids["Warsztat na Piotrkowskiej"]]

    from cjm_helpers.mapping.layout import build_layout

    shown = build_layout(load_project(new_project), journey.id, lang="pl")
    lane = shown.lane("touchpoints")
    assert any("Mapa Google" in card.text for cell in lane.cells for card in cell)


def test_a_cell_the_learner_linked_is_left_as_it_is(new_project: Path) -> None:
    four = step_form(4, ProjectStore(new_project))
    add_touchpoint(four, "Mapa Google", "awareness")
    add_touchpoint(four, "Ulotka w sklepie rowerowym", "awareness")
    save(four)
    _, second = (tp.id for tp in load_project(new_project).touchpoints)
    five = step_form(5, ProjectStore(new_project))
    five.cells.select("awareness")
    control(five, "cjm-field-cell-touchpoints").value = (second,)
    save(five)
    again = step_form(5, ProjectStore(new_project))
    again.cells.select("awareness")
    assert control(again, "cjm-field-cell-touchpoints").value == (second,)
    assert load_project(new_project).journeys[0].cell("awareness").touchpoints == [second]


def test_an_unknown_touchpoint_is_shown_and_can_be_unticked(sample_copy: Path) -> None:
    data = load_project(sample_copy)
    stage = data.stage_ids()[0]
    text = sample_copy.read_text(encoding="utf-8")
    five = step_form(5, ProjectStore(sample_copy))
    five.cells.select(stage)
    cell = five.data["journeys"][0]["stages"][stage]
    cell["touchpoints"] = [*cell["touchpoints"], "tp-gone"]
    five.cells.load()
    picker = control(five, "cjm-field-cell-touchpoints")
    assert "tp-gone" in picker.value  # kept, not silently dropped
    assert any("tp-gone" in label and "⚠" in label for label, _ in picker.options)
    five.save_button.click()
    assert not five.saved and sample_copy.read_text(encoding="utf-8") == text
    picker.value = tuple(v for v in picker.value if v != "tp-gone")
    save(five)
    assert "tp-gone" not in load_project(sample_copy).journeys[0].cell(stage).touchpoints


# 2. problems out of sight ----------------------------------------------------------------------


def test_first_problem_is_repeated_beside_save_and_scrolled_to(sample_copy: Path) -> None:
    form = step_form(2, ProjectStore(sample_copy))
    name = form.data["personas"][0]["name"]
    control(form, "cjm-field-personas-name").value = ""
    form.save_button.click()
    assert not form.saved
    beside = text_of(form.first_problem)
    assert beside == f"⚠ Personas › 1. — › Name: {t('validation.empty')}", beside
    script = form._scroll.outputs[0]["data"]["application/javascript"]
    assert form.css_id in script and "scrollIntoView" in script
    control(form, "cjm-field-personas-name").value = name
    save(form)
    assert text_of(form.first_problem) == ""


@pytest.mark.parametrize("lang", ["en", "id", "pl"])
def test_removing_the_starter_persona_is_said_in_words_with_the_fix(
    new_project: Path, lang: str
) -> None:
    before = new_project.read_bytes()
    starter_persona = load_project(new_project).personas[0].name
    form = step_form(2, ProjectStore(new_project), lang=lang)
    personas = form.lists["personas"]
    personas.add()
    control(form, "cjm-field-personas-name").value = "Pan Marek, kurier rowerowy"
    personas.select(0)
    personas.remove_button.click()
    form.save_button.click()
    assert not form.saved and new_project.read_bytes() == before
    said = text_of(form.status) + text_of(form.first_problem)
    assert starter_persona in said
    for step in (3, 5):
        assert t("learner.step_n", lang, n=step) in said
    assert not re.search(r"\w+\[\d+\]\.\w+", said), said  # no raw paths
    assert "persona-1" not in said
    assert form.restore_button.layout.display != "none"

    form.restore_button.click()  # the fix offered: put it back, rename it instead
    assert personas.items[0]["id"] == "persona-1"
    assert personas.current() is personas.items[0]
    control(form, "cjm-field-personas-name").value = "Pani Ola, studentka"
    save(form)
    project = load_project(new_project)
    assert [p.name for p in project.personas] == [
        "Pani Ola, studentka",
        "Pan Marek, kurier rowerowy",
    ]
    assert project.target_personas[0].persona == "persona-1"


def test_a_problem_of_another_step_names_that_step(sample_copy: Path) -> None:
    form = step_form(1, ProjectStore(sample_copy))
    form.data["target_personas"][0]["share_score"] = 9
    form.save_button.click()
    assert not form.saved
    said = text_of(form.status)
    share = t("forms.field.share_score")
    assert f"Step 3 needs a change in “{share}”" in said and "target_personas[" not in said
    assert "Step 3" in text_of(form.first_problem)


# 3. warned, not silently saved -------------------------------------------------------------


def test_a_persona_scored_twice_is_warned_about_before_saving(sample_copy: Path) -> None:
    form = step_form(3, ProjectStore(sample_copy), lang="pl")
    targets = form.lists["target_personas"]
    first = targets.items[0]["persona"]
    before = sample_copy.read_bytes()
    targets.add()
    control(form, "cjm-field-target-personas-persona").value = first
    form.save_button.click()
    assert not form.saved and sample_copy.read_bytes() == before
    index = len(targets.items) - 1
    assert any(
        "ma więcej niż jedną ocenę" in m
        for m in form.messages_at(f"target_personas[{index}].persona")
    )
    assert "ma więcej niż jedną ocenę" in text_of(form.first_problem)
    form.save_button.click()  # said once; a second Save saves as it is
    assert form.saved
    assert len(load_project(sample_copy).target_personas) == index + 1


def test_two_touchpoints_with_one_name_are_warned_about(new_project: Path) -> None:
    form = step_form(4, ProjectStore(new_project))
    add_touchpoint(form, "Instagram", "awareness")
    add_touchpoint(form, " instagram ", "consideration")
    form.save_button.click()
    assert not form.saved
    assert form.messages_at("touchpoints[0].name") and form.messages_at("touchpoints[1].name")
    control(form, "cjm-field-touchpoints-name").value = "Instagram: relacje klientów"
    save(form)  # fixed: saved at the first click
    assert [tp.name for tp in load_project(new_project).touchpoints] == [
        "Instagram",
        "Instagram: relacje klientów",
    ]


# 4. project settings in step 1 --------------------------------------------------------------


def test_project_name_currency_and_language_are_set_in_step1(new_project: Path) -> None:
    form = step_form(1, ProjectStore(new_project), lang="en")
    control(form, "cjm-field-project-name").value = "Serwis rowerowy Szprycha, Łódź"
    control(form, "cjm-field-project-currency").value = "PLN"
    control(form, "cjm-field-project-language").value = "id"
    save(form)
    project = load_project(new_project)
    assert (project.name, project.currency, project.language) == (
        "Serwis rowerowy Szprycha, Łódź",
        "PLN",
        "id",
    )
    assert "Bahasa Indonesia" in text_of(form.status)
    step = start_step(3, str(new_project))  # the parameters cell leaves language empty
    assert step.language == "id"
    assert step.form().save_button.description == "Simpan"


def test_language_choices_are_named_in_their_own_language(new_project: Path) -> None:
    form = step_form(1, ProjectStore(new_project), lang="pl")
    labels = dict(control(form, "cjm-field-project-language").options)
    assert labels == {"English": "en", "Bahasa Indonesia": "id", "Polski": "pl"}


# 5. smaller -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("20.11.2026 8:40", "2026-11-20T08:40"),
        ("2026-11-20 08:40", "2026-11-20T08:40"),
        ("2026-11-20T08:40", "2026-11-20T08:40"),
        ("5.3.2027 17.05", "2027-03-05T17:05"),
        ("31.02.2026 8:40", "31.02.2026 8:40"),
        ("tomorrow", "tomorrow"),
    ],
)
def test_walkthrough_time_accepts_day_first_with_dots(typed: str, stored: str) -> None:
    assert datetime_from_text(typed) == stored


@pytest.mark.parametrize("lang", ["en", "id", "pl"])
def test_date_message_agrees_with_the_placeholder(sample_copy: Path, lang: str) -> None:
    form = step_form(7, ProjectStore(sample_copy), lang=lang)
    when = control(form, "cjm-field-walkthrough-when")
    when.value = "20.11.2026 8:40"
    save(form)
    assert load_project(sample_copy).walkthrough[0].when.isoformat().startswith("2026-11-20T08:40")
    when.value = "next Tuesday"
    form.save_button.click()
    assert not form.saved
    message = form.problem_at("walkthrough[0].when")
    assert when.placeholder in message and "20.11.2026 8:40" in message
    assert "YYYY-MM-DDTHH:MM" not in message


def test_an_added_stage_can_be_moved_up(new_project: Path) -> None:
    first, second, third, fourth, fifth = (s.name for s in load_project(new_project).stages)
    form = step_form(4, ProjectStore(new_project))
    stages = form.lists["stages"]
    stages.add()
    control(form, "cjm-field-stages-name").value = "Naprawa"
    assert control(form, "cjm-field-stages-down").disabled
    for _ in range(2):
        control(form, "cjm-field-stages-up").click()
    save(form)
    order = [s.name for s in load_project(new_project).stages]
    assert order == [first, second, third, "Naprawa", fourth, fifth]
    assert stages.current()["name"] == "Naprawa"


def test_labels_are_never_cut_and_wrap_at_word_ends(sample_copy: Path) -> None:
    form = step_form(2, ProjectStore(sample_copy), lang="pl")
    field = form.lists["personas"].editor.fields["hears_about_products_via"]
    full = t("forms.field.hears_about_products_via", "pl")
    assert len(full) > 25  # longer than the label column holds on one line
    assert text_of(field.label) == full
    assert "white-space:normal" in field.label.value
    assert not getattr(field.control, "description", "")  # no description box that cuts with "…"


def test_stage_buttons_speak_the_language_of_the_map(new_project: Path) -> None:
    form = step_form(5, ProjectStore(new_project), lang="pl")
    buttons = [label for label, _ in form.cells.selector.options]
    assert buttons[:2] == ["Świadomość", "Rozważanie"]


def test_a_data_file_is_attached_from_step1(new_project: Path, tmp_path: Path) -> None:
    folder = new_project.parent
    (folder / "dane").mkdir()
    (folder / "dane" / "zdarzenia.csv").write_text(
        "user_id,timestamp,event\nu1,2026-11-20 08:40:00,page_view\n", encoding="utf-8"
    )
    form = step_form(1, ProjectStore(new_project), lang="pl")
    events = control(form, "cjm-field-data-events")
    events.value = "dane/brak.csv"
    form.save_button.click()
    assert not form.saved
    assert "dane/brak.csv" in form.problem_at("data.events")
    assert "nie ma pliku" in form.problem_at("data.events")

    outside = tmp_path / "ankieta.csv"
    outside.write_text("respondent,csat\nr1,4\n", encoding="utf-8")
    events.value = str(folder / "dane" / "zdarzenia.csv")
    control(form, "cjm-field-data-survey").value = str(outside)
    save(form)
    data = load_project(new_project).data
    assert data.events == "dane/zdarzenia.csv"  # inside the project folder: kept relative
    assert data.survey == str(outside.resolve())
    step = start_step(2, str(new_project))
    assert step.events_path == (folder / "dane" / "zdarzenia.csv").resolve()


def test_an_unscored_persona_shows_no_nan_and_no_decimal_scores(new_project: Path) -> None:
    from cjm_helpers.views import scoring_figure, scoring_matrix

    form = step_form(2, ProjectStore(new_project))
    form.lists["personas"].add()
    control(form, "cjm-field-personas-name").value = "Pani Ola, studentka"
    save(form)
    project = load_project(new_project)
    matrix = scoring_matrix(project, "pl")
    shown = matrix.to_string()
    assert "NaN" not in shown and "3.0" not in shown and "9.0" not in shown, shown
    total = t("views.score.total", "pl")
    assert matrix[total].tolist()[0] == 9 and matrix[total].isna().tolist() == [False, True]
    scoring_figure(project, "pl")  # the heatmap still draws the unscored row


@pytest.mark.parametrize("lang", ["en", "id", "pl"])
def test_a_notebook_without_data_points_to_the_form_that_attaches_it(lang: str) -> None:
    section = t("learner.section.data", lang)
    for kind in ("events", "survey", "tickets"):
        said = t(f"notebook.no_{kind}", lang)
        assert section in said and "data:" not in said, said
