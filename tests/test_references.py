"""The declared table of references: the checker and the renamer read it, and it covers the model.

Renaming an id moves exactly the fields that refer to that kind of id: renaming
the stage ``purchase`` must not rewrite a touchpoint's event named ``purchase``
(GA4's standard event) or any other text that happens to be spelled the same.
"""

from __future__ import annotations

import copy
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

import pytest
from pydantic import BaseModel

from cjm_helpers.forms import step_form
from cjm_helpers.model import Id, Project
from cjm_helpers.references import (
    ID_LISTS,
    REFERENCES,
    ids_of,
    reference_problems,
    references,
    rename_references,
)
from cjm_helpers.store import ProjectStore, load_project, save_project

_ID_METADATA = get_args(Id)[1:]


def _id_paths(annotation: Any, path: str = "") -> Iterator[str]:
    """Every field of the model typed as an id, in the table's path syntax."""
    origin = get_origin(annotation)
    if origin is Annotated and get_args(annotation)[1:] == _ID_METADATA:
        yield path
    elif origin in (Union, types.UnionType):
        for arg in get_args(annotation):
            yield from _id_paths(arg, path)
    elif origin is list:
        yield from _id_paths(get_args(annotation)[0], path + "[*]")
    elif origin is dict:
        key, value = get_args(annotation)
        if get_origin(key) is Annotated and get_args(key)[1:] == _ID_METADATA:
            yield path + "{key}"
        yield from _id_paths(value, path + "{*}")
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for name, info in annotation.model_fields.items():
            typed = (
                Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
            )
            yield from _id_paths(typed, f"{path}.{name}" if path else name)


def test_the_table_declares_every_id_field_of_the_model() -> None:
    """A new field typed ``Id`` must be added to the table, or renames and checks would miss it."""
    found = set(_id_paths(Project))
    assert {p for p in found if p.endswith(".id")} == set(ID_LISTS)
    assert {p for p in found if not p.endswith(".id")} == set(REFERENCES)


def test_every_declared_path_finds_values_in_the_sample(sample_project: Project) -> None:
    for path in [*ID_LISTS, *REFERENCES]:
        assert list(references(sample_project, path)), path


@pytest.mark.parametrize("path", list(REFERENCES))
def test_checker_and_renamer_read_the_same_table(path: str, sample_project: Project) -> None:
    """A dangling value at any declared field is reported there; a rename of its kind moves it."""
    kind = REFERENCES[path]
    data = sample_project.model_dump(mode="json")
    where, value, put = next(references(data, path))
    put("nowhere-else")
    problems = reference_problems(Project.model_validate(data))
    wanted = where.rsplit(".", 1)[0] + ".nowhere-else" if path.endswith("{key}") else where
    assert [p.path for p in problems] == [wanted], problems

    data = sample_project.model_dump(mode="json")
    rename_references(data, {kind: {value: "renamed-id"}})
    moved = {w for w, v, _ in references(data, path) if v == "renamed-id"}
    assert moved and value not in {v for _, v, _ in references(data, path)}
    others = [k for k in REFERENCES.values() if k != kind]
    untouched = sample_project.model_dump(mode="json")
    rename_references(untouched, {k: {value: "renamed-id"} for k in others})
    assert value in {v for _, v, _ in references(untouched, path)}


def test_rename_moves_references_of_its_kind_only() -> None:
    data: dict[str, Any] = {
        "stages": [{"id": "purchase", "name": "Purchase"}],
        "touchpoints": [
            {
                "id": "tp-pay",
                "name": "Pay",
                "stage": "purchase",
                "events": ["purchase"],
                "channel": "purchase",
            }
        ],
        "journeys": [
            {"id": "j", "persona": "purchase", "stages": {"purchase": {"touchpoints": ["tp-pay"]}}}
        ],
        "kpis": [{"id": "k", "stage": "purchase", "source": "purchase"}],
    }
    before = copy.deepcopy(data)
    cells = data["journeys"][0]["stages"]
    rename_references(data, {"stage": {"purchase": "buy"}})
    assert data["touchpoints"][0] == {**before["touchpoints"][0], "stage": "buy"}
    assert (
        data["journeys"][0]["persona"] == "purchase"
    )  # a persona id spelled the same is another thing
    assert data["journeys"][0]["stages"] == {"buy": {"touchpoints": ["tp-pay"]}}
    assert data["journeys"][0]["stages"] is cells  # in place: the editors keep their objects
    assert data["kpis"][0] == {"id": "k", "stage": "buy", "source": "purchase"}
    assert data["stages"] == before["stages"]  # the item's own id is the caller's to change


def test_ids_of_reads_plain_data_and_projects(sample_project: Project) -> None:
    data = sample_project.model_dump(mode="json")
    assert ids_of(data, "stage") == ids_of(sample_project, "stage") == sample_project.stage_ids()
    pain = ids_of(sample_project, "pain point")
    assert len(pain) == len(set(pain)) > 0


def test_renaming_the_stage_purchase_in_the_form_leaves_the_event_purchase(
    sample_copy: Path,
) -> None:
    project = load_project(sample_copy)
    assert "purchase" in project.stage_ids()
    checkout = next(tp for tp in project.touchpoints if tp.stage == "purchase")
    events = [*checkout.events, "purchase"]  # GA4's standard event name
    goals = [*project.personas[0].goals, "purchase"]
    save_project(
        project.model_copy(
            update={
                "touchpoints": [
                    tp.model_copy(update={"events": events}) if tp.id == checkout.id else tp
                    for tp in project.touchpoints
                ],
                "personas": [
                    project.personas[0].model_copy(update={"goals": goals}),
                    *project.personas[1:],
                ],
            }
        ),
        sample_copy,
    )
    on_purchase = {tp.id for tp in project.touchpoints if tp.stage == "purchase"}

    form = step_form(4, ProjectStore(sample_copy))
    form.lists["stages"].select(project.stage_ids().index("purchase"))
    form.lists["stages"].editor.fields["id"].control.value = "buy"
    form.save_button.click()
    assert form.saved, form.problems

    after = load_project(sample_copy)
    assert "buy" in after.stage_ids() and "purchase" not in after.stage_ids()
    assert {tp.id for tp in after.touchpoints if tp.stage == "buy"} == on_purchase
    assert next(tp for tp in after.touchpoints if tp.id == checkout.id).events == events
    assert after.personas[0].goals == goals
    had_cells = [j.id for j in project.journeys if "purchase" in j.stages]
    assert had_cells and all(
        "buy" in after.journey(j).stages and "purchase" not in after.journey(j).stages
        for j in had_cells
    )


@pytest.mark.parametrize("lang", ["id", "pl"])
def test_reference_problems_are_worded_in_the_language_asked(
    lang: str, sample_project: Project
) -> None:
    data = sample_project.model_dump(mode="json")
    data["touchpoints"][0]["stage"] = "nowhere"
    data["touchpoints"].append(dict(data["touchpoints"][1]))
    project = Project.model_validate(data)
    english = [str(p) for p in reference_problems(project)]
    worded = [str(p) for p in reference_problems(project, lang)]
    assert any("is not a stage of this project" in p for p in english)
    assert len(worded) == len(english) and not set(worded) & set(english)
    assert any("'nowhere'" in p for p in worded)
