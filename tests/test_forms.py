"""The step forms without a browser: set widget values, click Save, read the file back."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from helpers import control, save

from cjm_helpers.forms import FORMS, step_form
from cjm_helpers.store import ProjectStore, load_project


@pytest.mark.parametrize("number", sorted(FORMS))
def test_every_form_is_prefilled_and_marked_for_browsers(number: int, sample_copy: Path) -> None:
    form = step_form(number, ProjectStore(sample_copy))
    assert f"cjm-form-step{number}" in form.widget._dom_classes
    bundle = form._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "text/html" in bundle and len(bundle["text/html"]) > 200


def test_step1_objective_and_team_are_saved(sample_copy: Path) -> None:
    form = step_form(1, ProjectStore(sample_copy))
    control(form, "cjm-field-objectives-business-question").value = "Why do students stop ordering?"
    control(
        form, "cjm-field-objectives-success-metrics"
    ).value = "Repeat orders from 41% to 55%\nNPS above 20"
    control(form, "cjm-field-objectives-next-review").value = dt.date(2027, 3, 1)
    team = form.lists["objectives.team"]
    team.add()
    control(form, "cjm-field-objectives-team-name").value = "Wulan Sari"
    control(form, "cjm-field-objectives-team-role").value = "Barista lead"
    save(form)
    project = load_project(sample_copy)  # a fresh load, as after a kernel restart
    assert project.objectives.business_question == "Why do students stop ordering?"
    assert project.objectives.success_metrics == ["Repeat orders from 41% to 55%", "NPS above 20"]
    assert project.objectives.next_review == dt.date(2027, 3, 1)
    assert project.objectives.team[-1].name == "Wulan Sari"
    again = step_form(1, ProjectStore(sample_copy))
    assert (
        control(again, "cjm-field-objectives-business-question").value
        == "Why do students stop ordering?"
    )


def test_step2_add_edit_and_remove_personas(sample_copy: Path) -> None:
    form = step_form(2, ProjectStore(sample_copy))
    personas = form.lists["personas"]
    before = len(personas.items)
    personas.add()
    control(form, "cjm-field-personas-name").value = "Bu Ani, the office manager"
    control(
        form, "cjm-field-personas-goals"
    ).value = "Order coffee for the whole team\nPay with one invoice"
    control(form, "cjm-field-personas-empathy-map-feels").value = "Responsible for everyone's mood"
    save(form)
    saved = load_project(sample_copy).personas
    assert len(saved) == before + 1
    assert saved[-1].name == "Bu Ani, the office manager"
    assert saved[-1].goals == ["Order coffee for the whole team", "Pay with one invoice"]
    assert saved[-1].empathy_map.feels == ["Responsible for everyone's mood"]

    personas.select(len(personas.items) - 1)
    personas.remove_button.click()
    save(form)
    assert [p.id for p in load_project(sample_copy).personas] == [p.id for p in saved[:-1]]


def test_step3_scores_and_primary(sample_copy: Path) -> None:
    form = step_form(3, ProjectStore(sample_copy))
    control(form, "cjm-field-target-personas-strategic-fit").value = 1
    save(form)
    assert load_project(sample_copy).target_personas[0].strategic_fit == 1


@pytest.mark.parametrize(
    ("step", "part", "typed"),
    [
        (
            4,
            "touchpoints",
            {"name": "Outlet poster with QR code", "stage": "awareness", "channel": "Outlet"},
        ),
        (
            6,
            "resources",
            {
                "description": "A second pick-up shelf at Sudirman",
                "status": "need",
                "owner": "Andi Pratama",
            },
        ),
    ],
    ids=["step4-touchpoint", "step6-resource"],
)
def test_a_part_added_in_a_form_is_saved_as_typed(
    step: int, part: str, typed: dict[str, str], sample_copy: Path
) -> None:
    form = step_form(step, ProjectStore(sample_copy))
    form.lists[part].add()
    for field, value in typed.items():
        control(form, f"cjm-field-{part}-{field}").value = value
    save(form)
    added = getattr(load_project(sample_copy), part)[-1]
    assert {field: getattr(added, field) for field in typed} == typed


def test_step5_map_type_and_stage_emotion(sample_copy: Path) -> None:
    form = step_form(5, ProjectStore(sample_copy))
    control(form, "cjm-field-journeys-map-type").value = "service_blueprint"
    control(form, "cjm-field-cell-emotion").value = "-1"
    control(form, "cjm-field-cell-actions").value = "Sees a poster at the station"
    save(form)
    journey = load_project(sample_copy).journeys[0]
    assert journey.map_type == "service_blueprint"
    first_stage = load_project(sample_copy).stages[0].id
    assert journey.cell(first_stage).emotion == -1
    assert [a.text for a in journey.cell(first_stage).actions] == ["Sees a poster at the station"]


def test_step7_walkthrough_entry(sample_copy: Path) -> None:
    form = step_form(7, ProjectStore(sample_copy))
    before = len(load_project(sample_copy).walkthrough)
    form.lists["walkthrough"].add()
    control(form, "cjm-field-walkthrough-minutes").value = "4.5"
    control(form, "cjm-field-walkthrough-friction").value = "OTP arrived late"
    save(form)
    entries = load_project(sample_copy).walkthrough
    assert len(entries) == before + 1
    assert entries[-1].minutes == 4.5 and entries[-1].friction == "OTP arrived late"


def test_step8_opportunity_owner_and_kpi_target(sample_copy: Path) -> None:
    form = step_form(8, ProjectStore(sample_copy))
    control(form, "cjm-field-opportunities-owner").value = "Putri Maharani"
    control(form, "cjm-field-kpis-target").value = "12.5"
    save(form)
    project = load_project(sample_copy)
    assert project.opportunities[0].owner == "Putri Maharani"
    assert project.kpis[0].target == 12.5


def test_invalid_value_is_refused_next_to_the_field_and_nothing_is_lost(sample_copy: Path) -> None:
    before = sample_copy.read_bytes()
    form = step_form(2, ProjectStore(sample_copy))
    name = control(form, "cjm-field-personas-name")
    name.value = ""
    goals = control(form, "cjm-field-personas-goals")
    goals.value = "A goal typed before the mistake"
    form.save_button.click()
    assert not form.saved
    assert any("personas[0].name" in p for p in form.problems)
    assert sample_copy.read_bytes() == before
    assert goals.value == "A goal typed before the mistake"
    assert "is empty" in " ".join(form.messages_at("personas[0].name"))
    name.value = "Rina again"
    save(form)
    assert load_project(sample_copy).personas[0].goals == ["A goal typed before the mistake"]


def test_dangling_stage_is_refused(sample_copy: Path) -> None:
    form = step_form(4, ProjectStore(sample_copy))
    stages = form.lists["stages"]
    stages.select(0)
    stages.remove_button.click()
    form.save_button.click()
    assert not form.saved
    assert any("is not a stage of this project" in p for p in form.problems)


def test_two_forms_on_one_project_merge_or_refuse(sample_copy: Path) -> None:
    first = step_form(1, ProjectStore(sample_copy))
    second = step_form(1, ProjectStore(sample_copy))
    control(first, "cjm-field-objectives-scope").value = "Only the app"
    save(first)
    control(second, "cjm-field-objectives-experience").value = "Ordering on the train"
    save(second)  # different field: merged
    project = load_project(sample_copy)
    assert (project.objectives.scope, project.objectives.experience) == (
        "Only the app",
        "Ordering on the train",
    )

    third = step_form(1, ProjectStore(sample_copy))
    fourth = step_form(1, ProjectStore(sample_copy))
    control(third, "cjm-field-objectives-scope").value = "App and outlets"
    save(third)
    typed = control(fourth, "cjm-field-objectives-scope")
    typed.value = "Only outlets"
    fourth.save_button.click()  # same field: refused, typed value kept
    assert not fourth.saved
    assert "changed the same fields" in form_status(fourth)
    assert typed.value == "Only outlets"
    assert load_project(sample_copy).objectives.scope == "App and outlets"


def form_status(form: Any) -> str:
    return str(form.status.value)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.tags.append(tag)


def test_static_card_escapes_what_was_typed(sample_copy: Path) -> None:
    form = step_form(2, ProjectStore(sample_copy))
    control(form, "cjm-field-personas-quote").value = "<script>alert('x')</script>"
    card = form._repr_mimebundle_()["text/html"]
    parser = _Tags()
    parser.feed(card)
    assert "script" not in parser.tags
    assert "&lt;script&gt;" in card


@pytest.mark.parametrize("lang", ["id", "pl"])
def test_forms_speak_the_language(sample_copy: Path, lang: str) -> None:
    form = step_form(1, ProjectStore(sample_copy), lang=lang)
    assert form.save_button.description == {"id": "Simpan", "pl": "Zapisz"}[lang]
