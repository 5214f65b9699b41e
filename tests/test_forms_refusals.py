"""Step forms refuse what the project cannot hold, say why next to the field, and lose nothing.

Complements tests/test_forms.py: out-of-range scores, words in number fields, duplicate
ids, dangling references, removing a referenced item, the reload button, the primary
target persona, and a filled-in card for every step.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from cjm_helpers.forms import FORMS, step_form
from cjm_helpers.store import ProjectStore, load_project


def field(form: Any, path: str, key: str) -> Any:
    """The widget editing ``key`` of the list or group at ``path`` (its selected item)."""
    editor = form.lists.get(path) or form.groups[path]
    return editor.editor.fields[key].control


def message(form: Any, path: str, key: str) -> str:
    """The message line shown under that field."""
    editor = form.lists.get(path) or form.groups[path]
    return str(editor.editor.fields[key].message.value)


def refused(form: Any, file: Path, before: bytes) -> None:
    form.save_button.click()
    assert not form.saved
    assert form.problems
    assert file.read_bytes() == before, "a refused save must leave the file as it was"


def test_stage_emotion_out_of_range_is_refused_under_the_emotion_field(sample_copy: Path) -> None:
    before = sample_copy.read_bytes()
    form = step_form(5, ProjectStore(sample_copy))
    cells = form.cells
    assert cells is not None
    stage = load_project(sample_copy).stages[1].id
    cells.select(stage)
    emotion = cells.editor.fields["emotion"]
    emotion.control.value = "7"
    cells.editor.fields["actions"].control.value = "Compares prices with another app"
    refused(form, sample_copy, before)
    assert form.problems == [
        f"journeys[0].stages.{stage}.emotion: is 7; it must be at most 2"
        " (for a -3..+3 scale, set emotion_scale: 3)"
    ]
    assert "at most 2" in emotion.message.value
    assert emotion.message.layout.display is None  # visible
    assert cells.stage == stage
    assert emotion.control.value == "7"
    assert cells.editor.fields["actions"].control.value == "Compares prices with another app"
    emotion.control.value = "2"
    form.save_button.click()
    assert form.saved, form.problems
    assert load_project(sample_copy).journeys[0].cell(stage).emotion == 2
    assert emotion.message.value == ""


def test_walkthrough_emotion_and_minutes_that_are_not_numbers(sample_copy: Path) -> None:
    before = sample_copy.read_bytes()
    form = step_form(7, ProjectStore(sample_copy))
    form.lists["walkthrough"].select(2)
    field(form, "walkthrough", "emotion").value = "-5"
    field(form, "walkthrough", "minutes").value = "four"
    refused(form, sample_copy, before)
    # a value that is not a number is said first; the range is checked once the entry reads
    assert "use a number" in message(form, "walkthrough", "minutes")
    assert form.lists["walkthrough"].index == 2
    assert field(form, "walkthrough", "minutes").value == "four"
    # the selector marks the entry that needs attention
    label = form.lists["walkthrough"].selector.options[2][0]
    assert label.startswith("⚠")
    field(form, "walkthrough", "minutes").value = "4"
    refused(form, sample_copy, before)
    assert "at least -2" in message(form, "walkthrough", "emotion")
    assert field(form, "walkthrough", "emotion").value == "-5"


def test_duplicate_persona_id_is_shown_on_both_personas(sample_copy: Path) -> None:
    before = sample_copy.read_bytes()
    project = load_project(sample_copy)
    first, second = project.personas[0], project.personas[1]
    # point the targets at the first persona so the only problem is the duplicate
    form = step_form(2, ProjectStore(sample_copy))
    form.data["target_personas"] = [
        t for t in form.data["target_personas"] if t["persona"] != second.id
    ]
    personas = form.lists["personas"]
    personas.select(1)
    field(form, "personas", "id").value = first.id
    refused(form, sample_copy, before)
    assert form.messages_at("personas[0].id") and form.messages_at("personas[1].id")
    assert "used 2 times" in message(form, "personas", "id")
    assert field(form, "personas", "id").value == first.id


def test_dangling_stage_of_a_touchpoint_is_shown_under_its_stage_field(sample_copy: Path) -> None:
    before = sample_copy.read_bytes()
    form = step_form(4, ProjectStore(sample_copy))
    touchpoints = form.lists["touchpoints"]
    touchpoints.select(3)
    field(form, "touchpoints", "stage").value = "checkout"
    refused(form, sample_copy, before)
    assert touchpoints.index == 3
    text = message(form, "touchpoints", "stage")
    assert "&#x27;checkout&#x27; is not a stage of this project" in text
    assert field(form, "touchpoints", "stage").value == "checkout"


def test_removing_a_referenced_touchpoint_is_explained_and_an_unused_one_is_removed(
    sample_copy: Path,
) -> None:
    project = load_project(sample_copy)
    used = {tp for j in project.journeys for c in j.stages.values() for tp in c.touchpoints}
    used |= {w.touchpoint for w in project.walkthrough if w.touchpoint}
    used |= {k.touchpoint for k in project.kpis if k.touchpoint}
    used |= {r.touchpoint for r in project.resources if r.touchpoint}
    ids = [tp.id for tp in project.touchpoints]
    referenced = ids.index(next(i for i in ids if i in used))

    before = sample_copy.read_bytes()
    form = step_form(4, ProjectStore(sample_copy))
    touchpoints = form.lists["touchpoints"]
    touchpoints.select(referenced)
    touchpoints.remove_button.click()
    assert len(touchpoints.items) == len(ids) - 1
    refused(form, sample_copy, before)
    assert any(f"'{ids[referenced]}' is not a touchpoint" in p for p in form.problems)
    name = project.touchpoints[referenced].name
    said = html.unescape(form.status.value)
    assert f"You removed the touchpoint “{name}”" in said and "put it back" in said
    assert ids[referenced] not in said and "touchpoints[" not in said  # words, not raw paths

    form.reload_button.click()
    assert [tp["id"] for tp in touchpoints.items] == ids
    touchpoints.add()
    field(form, "touchpoints", "name").value = "Kiosk at the station"
    form.save_button.click()
    assert form.saved, form.problems
    added = load_project(sample_copy).touchpoints[-1]
    touchpoints.select(len(touchpoints.items) - 1)
    touchpoints.remove_button.click()
    form.save_button.click()
    assert form.saved, form.problems
    assert added.id not in [tp.id for tp in load_project(sample_copy).touchpoints]
    assert [tp.id for tp in load_project(sample_copy).touchpoints] == ids


def test_reload_throws_away_unsaved_edits(sample_copy: Path) -> None:
    form = step_form(1, ProjectStore(sample_copy))
    original = field(form, "objectives", "scope").value
    field(form, "objectives", "scope").value = "not saved"
    form.reload_button.click()
    assert field(form, "objectives", "scope").value == original
    assert load_project(sample_copy).objectives.scope == original


def test_only_one_primary_target_persona(sample_copy: Path) -> None:
    form = step_form(3, ProjectStore(sample_copy))
    targets = form.lists["target_personas"]
    assert len(targets.items) >= 2
    targets.select(1)
    field(form, "target_personas", "primary").value = True
    form.save_button.click()
    assert form.saved, form.problems
    saved = load_project(sample_copy).target_personas
    assert [t.primary for t in saved] == [False, True, *[False] * (len(saved) - 2)]


def test_emptied_required_choice_in_a_new_walkthrough_entry_keeps_the_other_values(
    sample_copy: Path,
) -> None:
    before = sample_copy.read_bytes()
    form = step_form(7, ProjectStore(sample_copy))
    form.lists["walkthrough"].add()
    field(form, "walkthrough", "action").value = "Tried to pay with GoPay"
    field(form, "walkthrough", "when").value = "yesterday evening"
    refused(form, sample_copy, before)
    assert message(form, "walkthrough", "when")
    assert field(form, "walkthrough", "action").value == "Tried to pay with GoPay"
    field(form, "walkthrough", "when").value = "2026-11-20 18:30"
    form.save_button.click()
    assert form.saved, form.problems
    last = load_project(sample_copy).walkthrough[-1]
    assert (last.action, last.when.isoformat()) == (
        "Tried to pay with GoPay",
        "2026-11-20T18:30:00",
    )


class _Parsed(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.classes: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.tags.append(tag)
        self.classes.extend(v or "" for k, v in attrs if k == "class")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


TYPED = {
    1: ("objectives", "scope"),
    2: ("personas", "name"),
    3: None,
    4: ("touchpoints", "name"),
    5: ("journeys", "name"),
    6: ("resources", "description"),
    7: ("walkthrough", "action"),
    8: ("opportunities", "title"),
}


@pytest.mark.parametrize("number", sorted(FORMS))
def test_card_shows_the_typed_values_escaped(number: int, sample_copy: Path) -> None:
    form = step_form(number, ProjectStore(sample_copy))
    hostile = "<img src=x onerror=alert(1)> & Co"
    if TYPED[number] is not None:
        path, key = TYPED[number]
        field(form, path, key).value = hostile
    bundle = form._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    parsed = _Parsed()
    parsed.feed(bundle["text/html"])
    assert "img" not in parsed.tags and "script" not in parsed.tags
    assert any(f"cjm-form-step{number}" in c.split() for c in parsed.classes)
    text = "".join(parsed.text)
    if TYPED[number] is not None:
        assert hostile in text
        assert hostile in bundle["text/plain"]
    else:
        names = [p.name for p in load_project(sample_copy).personas]
        assert any(n in text for n in names)


def test_step5_opens_the_journey_asked_for_and_names_an_unknown_one(sample_copy: Path) -> None:
    from cjm_helpers.errors import CJMError

    journeys = [j.id for j in load_project(sample_copy).journeys]
    form = step_form(5, ProjectStore(sample_copy), journey_id=journeys[-1])
    assert form.lists["journeys"].index == len(journeys) - 1
    assert form.cells is not None and form.cells._prefix().startswith(
        f"journeys[{len(journeys) - 1}]"
    )
    with pytest.raises(CJMError, match="no journey 'nope'") as caught:
        step_form(5, ProjectStore(sample_copy), journey_id="nope")
    assert journeys[0] in str(caught.value)


def test_there_is_no_step_nine(sample_copy: Path) -> None:
    from cjm_helpers.errors import CJMError

    with pytest.raises(CJMError, match="1 to 8"):
        step_form(9, ProjectStore(sample_copy))


ROUNDTRIP = {
    1: ("objectives", "experience", "Ordering ahead on the way to work"),
    2: ("personas", "quote", "Kalau antre, saya telat."),
    3: ("target_personas", "strategic_fit", 2),
    4: ("touchpoints", "channel", "Kiosk"),
    5: ("journeys", "name", "Rina orders ahead (revised)"),
    6: ("resources", "department", "Customer Care"),
    7: ("walkthrough", "friction", "The pickup code was hidden under a banner"),
    8: ("kpis", "definition", "Orders collected within 2 minutes of ready"),
}


@pytest.mark.parametrize("number", sorted(ROUNDTRIP))
def test_saved_value_is_in_a_fresh_form_after_a_restart(number: int, sample_copy: Path) -> None:
    path, key, value = ROUNDTRIP[number]
    form = step_form(number, ProjectStore(sample_copy))
    assert field(form, path, key).value != value
    before = sample_copy.read_bytes()
    field(form, path, key).value = value
    form.save_button.click()
    assert form.saved, form.problems
    assert sample_copy.read_bytes() != before
    fresh = step_form(number, ProjectStore(sample_copy))  # as after a kernel restart
    assert field(fresh, path, key).value == value
