"""Cross-reference checks: every id a part mentions must exist in the project.

Which field refers to which kind of id is declared once, in :data:`ID_LISTS`
(where the items of each kind keep their own id) and :data:`REFERENCES` (which
fields name an id of which kind). The checker below and the renamer used by the
forms (:func:`rename_references`) both read these tables, so renaming the stage
``purchase`` moves the touchpoints, cells and KPIs that name that stage, and never
a touchpoint's event that happens to be called ``purchase``.

The checks run after the structure is valid and report every problem at once,
each with the path of the offending field and the ids that would have been valid.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from typing import Any, Literal

from .errors import Problem
from .i18n import DEFAULT_LANGUAGE, Message
from .model import Project

__all__ = [
    "ID_LISTS",
    "REFERENCES",
    "IdKind",
    "ids_of",
    "reference_problems",
    "references",
    "rename_references",
]

IdKind = Literal[
    "stage",
    "persona",
    "touchpoint",
    "journey",
    "resource",
    "KPI",
    "opportunity",
    "action",
    "pain point",
]
"""The kinds of id a project holds; each word is also how messages name the kind."""

ID_LISTS: dict[str, IdKind] = {
    "stages[*].id": "stage",
    "personas[*].id": "persona",
    "touchpoints[*].id": "touchpoint",
    "journeys[*].id": "journey",
    "resources[*].id": "resource",
    "kpis[*].id": "KPI",
    "opportunities[*].id": "opportunity",
    "actions[*].id": "action",
    "journeys[*].stages{*}.pain_points[*].id": "pain point",
    "journeys[*].stages{*}.internal_pain_points[*].id": "pain point",
    "journeys[*].touchpoint_changes[*].id": "touchpoint",
}
"""Where the items of each kind are, by the path of their own ``id``."""

REFERENCES: dict[str, IdKind] = {
    "target_personas[*].persona": "persona",
    "touchpoints[*].stage": "stage",
    "journeys[*].persona": "persona",
    "journeys[*].compares_to": "journey",
    "journeys[*].stages{key}": "stage",
    "journeys[*].stages{*}.touchpoints[*]": "touchpoint",
    "journeys[*].stages_shown[*]": "stage",
    "journeys[*].touchpoint_changes[*].stage": "stage",
    "resources[*].touchpoint": "touchpoint",
    "walkthrough[*].stage": "stage",
    "walkthrough[*].touchpoint": "touchpoint",
    "kpis[*].stage": "stage",
    "kpis[*].touchpoint": "touchpoint",
    "opportunities[*].pain_points[*]": "pain point",
    "opportunities[*].kpis[*]": "KPI",
    "actions[*].opportunity": "opportunity",
    "raci[*].action": "action",
}
"""Every field that names an id of another part, and the kind of id it names.

A path is field names joined by dots; ``[*]`` after a name means each item of
that list, ``{*}`` each value of that mapping and ``{key}`` the mapping's keys
themselves (a journey's cells are keyed by stage id). An empty optional field
(``None``) refers to nothing.
"""

_SEGMENT = re.compile(r"^(\w+)(\[\*\]|\{\*\}|\{key\})?$")

Setter = Callable[[str], None]
"""Replaces the value just found (in plain data) by a new id."""


def _segments(path: str) -> list[tuple[str, str]]:
    out = []
    for part in path.split("."):
        match = _SEGMENT.match(part)
        if match is None:
            raise ValueError(f"bad reference path {path!r} at {part!r}")
        out.append((match.group(1), match.group(2) or ""))
    return out


def _child(node: Any, name: str) -> Any:
    """A field of a mapping (plain data) or an attribute of a model (validated project)."""
    return node.get(name) if isinstance(node, Mapping) else getattr(node, name, None)


def _set_field(node: Any, name: str) -> Setter:
    def put(new: str) -> None:
        if isinstance(node, dict):
            node[name] = new
        else:
            setattr(node, name, new)

    return put


def _set_item(items: list[Any], index: int) -> Setter:
    def put(new: str) -> None:
        items[index] = new

    return put


def _set_key(mapping: MutableMapping[str, Any], old: str) -> Setter:
    def put(new: str) -> None:  # in place and in order, so editors holding the mapping still see it
        pairs = [(new if key == old else key, value) for key, value in mapping.items()]
        mapping.clear()
        mapping.update(pairs)

    return put


def _walk(
    node: Any, segments: list[tuple[str, str]], where: str
) -> Iterator[tuple[str, Any, Setter]]:
    (name, each), rest = segments[0], segments[1:]
    child = _child(node, name)
    here = f"{where}.{name}" if where else name
    if each == "[*]":
        items = list(enumerate(child)) if isinstance(child, list) else []
        found = [(f"{here}[{i}]", item, _set_item(child, i)) for i, item in items]
    elif each == "{*}":
        found = (
            [(f"{here}.{key}", item, _set_field(child, key)) for key, item in child.items()]
            if isinstance(child, Mapping)
            else []
        )
    elif each == "{key}":
        found = (
            [(f"{here}.{key}", key, _set_key(child, key)) for key in list(child)]
            if isinstance(child, MutableMapping)
            else []
        )
    else:
        found = [(here, child, _set_field(node, name))] if child is not None else []
    for path, value, put in found:
        if rest:
            yield from _walk(value, rest, path)
        elif value is not None:
            yield path, value, put


def references(data: Any, path: str) -> Iterator[tuple[str, Any, Setter]]:
    """Each value at a declared ``path``: its concrete path ('touchpoints[2].stage'), value and setter."""
    yield from _walk(data, _segments(path), "")


def ids_of(data: Any, kind: IdKind) -> list[str]:
    """Every id of one kind, in project order, as the project or plain data holds them."""
    return [
        value
        for path, wanted in ID_LISTS.items()
        if wanted == kind
        for _, value, _ in references(data, path)
        if isinstance(value, str)
    ]


def rename_references(data: Any, renamed: Mapping[IdKind, Mapping[str, str]]) -> Any:
    """Point every reference to a renamed id at its new id, in place; returns ``data``.

    Only the fields :data:`REFERENCES` declares for that kind change: renaming the
    stage ``purchase`` leaves a touchpoint's event ``purchase`` as it is. The
    items' own ids are not touched (the caller has renamed them already).
    """
    for path, kind in REFERENCES.items():
        pairs = renamed.get(kind)
        if not pairs:
            continue
        for _, value, put in list(references(data, path)):
            if isinstance(value, str) and value in pairs:
                put(pairs[value])
    return data


def _problem(path: str, key: str, lang: str, **values: object) -> Problem:
    """A problem worded in ``lang`` that a form can say again in its own language."""
    said = Message(f"errors.references.{key}", values)
    return Problem(path, said.text(lang), said)


def _kind(kind: IdKind) -> Message:
    return Message(f"errors.references.kind.{kind.replace(' ', '_')}")


def _known(ids: Iterable[str]) -> str | Message:
    ids = list(ids)
    if not ids:
        return Message("errors.references.none_defined")
    if len(ids) > 8:
        return Message(
            "errors.references.many", {"first": ids[0], "last": ids[-1], "count": len(ids)}
        )
    return ", ".join(ids)


def _dangling(path: str, value: str, kind: IdKind, known: list[str], lang: str) -> Problem:
    return _problem(
        path, "dangling", lang, value=repr(value), kind=_kind(kind), known=_known(known)
    )


def _duplicates(path: str, ids: list[str], kind: IdKind, lang: str) -> Iterator[Problem]:
    for value, count in Counter(ids).items():
        if count > 1:
            yield _problem(
                path, "duplicate", lang, kind=_kind(kind), value=repr(value), count=count
            )


def _emotions_off_scale(p: Project, lang: str) -> Iterator[Problem]:
    """Emotions beyond the project's scale: -2..+2, or -3..+3 with ``emotion_scale: 3``."""
    top = p.top_emotion
    scores: list[tuple[str, float | None]] = []
    for j, journey in enumerate(p.journeys):
        for stage_id, cell in journey.stages.items():
            scores.append((f"journeys[{j}].stages.{stage_id}.emotion", cell.emotion))
            scores += [
                (f"journeys[{j}].stages.{stage_id}.actions[{k}].emotion", a.emotion)
                for k, a in enumerate(cell.actions)
            ]
    scores += [(f"walkthrough[{w}].emotion", e.emotion) for w, e in enumerate(p.walkthrough)]
    for where, score in scores:
        if score is not None and abs(score) > top:
            side, bound = ("at_most", top) if score > 0 else ("at_least", -top)
            said = Message(f"mapmeaning.scale.{side}", {"got": repr(score), "bound": bound})
            yield Problem(where, said.text(lang), said)


def reference_problems(project: Project, lang: str = DEFAULT_LANGUAGE) -> list[Problem]:
    """All dangling references and duplicate ids in a structurally valid project, worded in ``lang``."""
    return list(_iter_problems(project, lang))


def _iter_problems(p: Project, lang: str) -> Iterator[Problem]:
    known: dict[IdKind, list[str]] = {}
    for path, kind in ID_LISTS.items():
        ids = [value for _, value, _ in references(p, path)]
        known.setdefault(kind, []).extend(ids)
        if kind != "pain point" and not path.startswith("journeys[*].touchpoint_changes"):
            yield from _duplicates(path.split("[")[0], ids, kind, lang)
    yield from _duplicates("journeys[*].stages", known["pain point"], "pain point", lang)

    if sum(target.primary for target in p.target_personas) > 1:
        yield _problem("target_personas", "primary", lang)
    yield from _emotions_off_scale(p, lang)
    inventory = [tp.id for tp in p.touchpoints]
    for i, j in enumerate(p.journeys):
        if j.compares_to is not None and j.compares_to == j.id:
            yield _problem(f"journeys[{i}].compares_to", "self_compare", lang)
        # a journey changes or retires a touchpoint of the inventory; a new one is its own
        for k, change in enumerate(j.touchpoint_changes):
            if change.status != "new" and change.id not in inventory:
                where = f"journeys[{i}].touchpoint_changes[{k}].id"
                yield _dangling(where, change.id, "touchpoint", inventory, lang)

    for path, kind in REFERENCES.items():
        for where, value, _ in references(p, path):
            if value not in known[kind]:
                yield _dangling(where, value, kind, known[kind], lang)
