"""Two forms open on one project file: new items from both are kept, real clashes are refused."""

from __future__ import annotations

from pathlib import Path

from cjm_helpers.forms import step_form
from cjm_helpers.store import ProjectStore, load_project


def test_two_forms_adding_a_persona_each_keep_both(sample_copy: Path) -> None:
    first = step_form(2, ProjectStore(sample_copy))
    second = step_form(2, ProjectStore(sample_copy))
    before = [p.id for p in load_project(sample_copy).personas]
    for form, name in ((first, "Bu Ani, the office manager"), (second, "Pak Joko, the driver")):
        form.lists["personas"].add()
        form.lists["personas"].editor.fields["name"].control.value = name
    # both forms made up the same id for their new persona
    assert first.lists["personas"].items[-1]["id"] == second.lists["personas"].items[-1]["id"]
    first.save_button.click()
    second.save_button.click()
    assert first.saved and second.saved, second.problems
    personas = load_project(sample_copy).personas
    assert len(personas) == len(before) + 2
    assert {p.name for p in personas} >= {"Bu Ani, the office manager", "Pak Joko, the driver"}
    assert len({p.id for p in personas}) == len(personas)
    # the second form now shows its persona under its new id
    shown = second.lists["personas"]
    assert {i["id"] for i in shown.items} == {p.id for p in personas}


def test_renumbered_opportunity_keeps_its_action(sample_copy: Path) -> None:
    first = step_form(8, ProjectStore(sample_copy))
    second = step_form(8, ProjectStore(sample_copy))
    for form, title in (
        (first, "Pickup shelf by the door"),
        (second, "Promo codes that always work"),
    ):
        form.lists["opportunities"].add()
        form.lists["opportunities"].editor.fields["title"].control.value = title
        form.lists["actions"].add()
        actions = form.lists["actions"].editor.fields
        actions["opportunity"].control.value = form.lists["opportunities"].items[-1]["id"]
        actions["title"].control.value = f"Do: {title}"
    first.save_button.click()
    second.save_button.click()
    assert first.saved and second.saved, second.problems
    project = load_project(sample_copy)
    titles = {o.id: o.title for o in project.opportunities}
    acted = {a.title: titles[a.opportunity] for a in project.actions if a.title.startswith("Do: ")}
    assert acted == {
        "Do: Pickup shelf by the door": "Pickup shelf by the door",
        "Do: Promo codes that always work": "Promo codes that always work",
    }


def test_same_id_typed_in_two_forms_is_still_a_conflict(sample_copy: Path) -> None:
    first = step_form(4, ProjectStore(sample_copy))
    second = step_form(4, ProjectStore(sample_copy))
    for form, name in ((first, "Poster at Sudirman"), (second, "Poster at Blok M")):
        form.lists["touchpoints"].add()
        fields = form.lists["touchpoints"].editor.fields
        fields["id"].control.value = "tp-poster"
        fields["name"].control.value = name
    first.save_button.click()
    assert first.saved
    before = sample_copy.read_bytes()
    second.save_button.click()
    assert not second.saved
    assert any("tp-poster" in p for p in second.problems)
    assert sample_copy.read_bytes() == before
    assert second.lists["touchpoints"].editor.fields["name"].control.value == "Poster at Blok M"


def test_renamed_persona_id_takes_its_references_along(sample_copy: Path) -> None:
    project = load_project(sample_copy)
    old = project.personas[0].id
    uses = sum(t.persona == old for t in project.target_personas) + sum(
        j.persona == old for j in project.journeys
    )
    assert uses, "the sample's first persona is used by targets or journeys"
    form = step_form(2, ProjectStore(sample_copy))
    form.lists["personas"].select(0)
    form.lists["personas"].editor.fields["id"].control.value = "Rina Two"
    form.save_button.click()
    assert not form.saved and form.messages_at("personas[0].id")  # not a usable id: said next to it
    form.lists["personas"].editor.fields["id"].control.value = "rina-2"
    form.save_button.click()
    assert form.saved, form.problems
    after = load_project(sample_copy)
    assert after.personas[0].id == "rina-2"
    assert (
        sum(t.persona == "rina-2" for t in after.target_personas)
        + sum(j.persona == "rina-2" for j in after.journeys)
        == uses
    )
    assert f'"{old}"' not in after.model_dump_json()  # no reference left behind


def test_renamed_stage_id_moves_touchpoints_and_journey_cells(sample_copy: Path) -> None:
    project = load_project(sample_copy)
    stage = project.stages[2].id
    cell = project.journeys[0].cell(stage).model_dump()
    n_touchpoints = sum(tp.stage == stage for tp in project.touchpoints)
    form = step_form(4, ProjectStore(sample_copy))
    form.lists["stages"].select(2)
    form.lists["stages"].editor.fields["id"].control.value = "buy"
    form.save_button.click()
    assert form.saved, form.problems
    after = load_project(sample_copy)
    assert after.stages[2].id == "buy"
    assert sum(tp.stage == "buy" for tp in after.touchpoints) == n_touchpoints
    assert after.journeys[0].cell("buy").model_dump() == cell
    assert stage not in after.journeys[0].stages


def test_save_from_another_store_merges_or_is_named_as_a_conflict(sample_copy: Path) -> None:
    form = step_form(1, ProjectStore(sample_copy))
    other = ProjectStore(sample_copy)  # e.g. another notebook
    project = other.load()
    other.save(
        project.model_copy(
            update={
                "objectives": project.objectives.model_copy(
                    update={"scope": "Jakarta outlets only", "experience": "Evening orders"}
                )
            }
        )
    )
    form.groups["objectives"].editor.fields[
        "business_question"
    ].control.value = "Why do orders drop at 17:00?"
    form.save_button.click()
    assert form.saved, form.problems
    merged = load_project(sample_copy).objectives
    assert (merged.scope, merged.experience, merged.business_question) == (
        "Jakarta outlets only",
        "Evening orders",
        "Why do orders drop at 17:00?",
    )
    # the form now shows the other store's values too
    assert form.groups["objectives"].editor.fields["scope"].control.value == "Jakarta outlets only"

    project = other.load()
    other.save(
        project.model_copy(
            update={"objectives": project.objectives.model_copy(update={"scope": "Bandung too"})}
        )
    )
    form.groups["objectives"].editor.fields["scope"].control.value = "Surabaya too"
    before = sample_copy.read_bytes()
    form.save_button.click()
    assert not form.saved
    assert "objectives.scope" in "\n".join(form.problems)
    assert "changed the same fields" in form.status.value
    assert sample_copy.read_bytes() == before
    assert form.groups["objectives"].editor.fields["scope"].control.value == "Surabaya too"


def test_renaming_onto_an_existing_id_moves_no_references(sample_copy: Path) -> None:
    project = load_project(sample_copy)
    first, second = project.personas[0].id, project.personas[1].id
    before_targets = [t.persona for t in project.target_personas]
    form = step_form(2, ProjectStore(sample_copy))
    ids = form.lists["personas"].editor.fields["id"].control
    ids.value = second  # a duplicate: refused
    form.save_button.click()
    assert not form.saved and form.messages_at("personas[0].id")
    ids.value = first  # changed back: saves as it was
    form.save_button.click()
    assert form.saved, form.problems
    assert [t.persona for t in load_project(sample_copy).target_personas] == before_targets
