"""How a form words what stops a save: in the learner's language, naming the step that fixes it.

A problem a form can show beside a field is placed there (see :mod:`.base`); this module
says the rest in words: a part removed here that other steps still use (with the fix,
rename instead of remove), a problem in another step's part, a likely mistake to warn
about, and the script that brings the first problem into view on a long form.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import Problem
from ..i18n import Message, catalogue, t
from ..references import ID_LISTS, REFERENCES, references
from .fields import get_in

__all__ = [
    "STEP_OF_PART",
    "Problems",
    "field_words",
    "language_note",
    "removed_in_use",
    "removed_message",
    "said_at",
    "scroll_script",
    "step_of",
    "wording",
]

STEP_OF_PART: dict[str, int] = {
    "name": 1,
    "language": 1,
    "currency": 1,
    "description": 1,
    "data": 1,
    "objectives": 1,
    "personas": 2,
    "target_personas": 3,
    "stages": 4,
    "touchpoints": 4,
    "journeys": 5,
    "resources": 6,
    "walkthrough": 7,
    "kpis": 8,
    "opportunities": 8,
    "actions": 8,
}
"""Which step's form edits each top-level part of a project (to say where a problem is fixed)."""

FORM_WORDING = {
    "validation.datetime": "learner.datetime",
    "mapmeaning.scale.at_most": "formsmap.error.scale_at_most",
    "mapmeaning.scale.at_least": "formsmap.error.scale_at_least",
}
"""Messages a form words its own way: its date field takes 'YYYY-MM-DD HH:MM' as its placeholder
says; an emotion beyond the scale points at the form's scale choice, not at a key of the file."""

Problems = list[Problem]
"""What a form's own checks and warnings return."""

Removed = tuple[str, int, dict[str, Any], list[int]]
"""An item removed in a form that other steps still use: list path, position, item, those steps."""


def said_at(path: str, key: str, **values: Any) -> Problem:
    """A problem at ``path`` worded by the catalogue message ``key``, said later in the form's language."""
    said = Message(key, values)
    return Problem(path, said.text("en"), said)


def step_of(path: str) -> int | None:
    """The step whose form edits ``path`` ('target_personas[0].persona' -> 3)."""
    return STEP_OF_PART.get(re.split(r"[.\[]", path, maxsplit=1)[0])


def wording(problem: Problem, lang: str) -> str:
    """The problem's message in ``lang``, as a form says it."""
    if problem.said is not None and problem.said.key in FORM_WORDING:
        return t(FORM_WORDING[problem.said.key], lang, **problem.said.values)
    return problem.text(lang)


def field_words(path: str, lang: str) -> str:
    """The field a path ends in, as its label reads ('target_personas[0].share_score' -> 'Share…')."""
    for name in reversed(re.findall(r"[a-z_]+", path)):
        key = f"forms.field.{name}"
        label = catalogue(lang).get(key) or catalogue("en").get(key)
        if label:
            return label
    step = step_of(path)
    return t(f"forms.title.{step}", lang) if step else path


def removed_in_use(
    data: dict[str, Any], loaded: dict[str, list[tuple[dict[str, Any], str]]]
) -> list[Removed]:
    """Items of ``loaded`` (list path -> (item, id as loaded)) gone from ``data`` but still named in it."""
    out = []
    for path, before in loaded.items():
        items = get_in(data, path)
        kind = ID_LISTS.get(f"{path}[*].id")
        if not isinstance(items, list) or kind is None:
            continue
        now = {i.get("id") for i in items if isinstance(i, dict)}
        for position, (item, old) in enumerate(before):
            if any(i is item for i in items) or old in now:
                continue
            steps = sorted(
                {
                    step
                    for ref, wanted in REFERENCES.items()
                    if wanted == kind
                    for where, value, _ in references(data, ref)
                    if value == old and (step := step_of(where)) is not None
                }
            )
            if steps:
                out.append((path, position, item, steps))
    return out


def removed_message(path: str, item: dict[str, Any], steps: list[int], lang: str) -> str:
    """'You removed the persona “Rina”, but other steps still use it: step 3 and step 5. …'"""
    kind = str(ID_LISTS.get(f"{path}[*].id", "")).replace(" ", "_")
    return t(
        "learner.removed_in_use",
        lang,
        kind=t(f"errors.references.kind.{kind}", lang),
        name=str(item.get("name") or item.get("title") or item.get("id")),
        steps=t("learner.and", lang).join(t("learner.step_n", lang, n=n) for n in steps),
    )


def language_note(now: str, before: str) -> list[str]:
    """After a save that changed the project's language: how to see the course in it (said in it)."""
    if now == before:
        return []
    language = t(f"learner.language.{now}", now)
    return [t("learner.language_changed", now, language=language)]


def scroll_script(css_id: str) -> str:
    """Script that scrolls the form marked ``css_id`` to its first shown message and focuses its field."""
    return (
        f"(function(){{var f=document.querySelector('.{css_id}');if(!f)return;"
        "var m=Array.prototype.find.call(f.querySelectorAll('.cjm-field-message'),"
        "function(e){return e.offsetParent!==null&&e.textContent.trim();})"
        "||f.querySelector('.cjm-form-status');"
        "m.scrollIntoView({behavior:'smooth',block:'center'});"
        "var row=m.parentElement,i=row&&row.querySelector('input,textarea,select');"
        "if(i)i.focus({preventScroll:true});})();"
    )
