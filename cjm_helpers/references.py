"""Cross-reference checks: every id a part mentions must exist in the project.

These run after the structure is valid and report every problem at once, each
with the path of the offending field and the ids that would have been valid.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

from .errors import Problem
from .i18n import Message
from .model import Project

KINDS = ("stage", "persona", "touchpoint", "journey", "resource", "kpi", "opportunity", "action", "pain_point")
"""The parts an id can name; each has its own sentences in ``locales/*/validation.yaml`` (grammar differs)."""


def _problem(path: str, key: str, **values: object) -> Problem:
    said = Message(f"validation.{key}", values)
    return Problem(path, said.text(), said)


def _known(ids: Iterable[str]) -> str | Message:
    ids = list(ids)
    if not ids:
        return Message("validation.known_none")
    if len(ids) > 8:
        return Message("validation.known_many", {"first": ids[0], "last": ids[-1], "count": len(ids)})
    return ", ".join(ids)


def _dangling(path: str, value: str, kind: str, known: list[str]) -> Problem:
    return _problem(path, f"dangling.{kind}", value=repr(value), known=_known(known))


def _duplicates(path: str, ids: list[str], kind: str) -> Iterator[Problem]:
    for value, count in Counter(ids).items():
        if count > 1:
            yield _problem(path, f"duplicate.{kind}", value=repr(value), count=count)


def reference_problems(project: Project) -> list[Problem]:
    """All dangling references and duplicate ids in a structurally valid project."""
    return list(_iter_problems(project))


def _iter_problems(p: Project) -> Iterator[Problem]:
    stages = p.stage_ids()
    personas = [x.id for x in p.personas]
    touchpoints = [x.id for x in p.touchpoints]
    journeys = [x.id for x in p.journeys]
    kpis = [x.id for x in p.kpis]
    opportunities = [x.id for x in p.opportunities]

    for path, ids, kind in (
        ("stages", stages, "stage"),
        ("personas", personas, "persona"),
        ("touchpoints", touchpoints, "touchpoint"),
        ("journeys", journeys, "journey"),
        ("resources", [x.id for x in p.resources], "resource"),
        ("kpis", kpis, "kpi"),
        ("opportunities", opportunities, "opportunity"),
        ("actions", [x.id for x in p.actions], "action"),
    ):
        yield from _duplicates(path, ids, kind)

    pain_point_ids: list[str] = []
    for j in p.journeys:
        for cell in j.stages.values():
            pain_point_ids += [pp.id for pp in cell.pain_points + cell.internal_pain_points]
    yield from _duplicates("journeys[*].stages", pain_point_ids, "pain_point")

    if sum(t.primary for t in p.target_personas) > 1:
        yield _problem("target_personas", "two_primary")
    for i, t in enumerate(p.target_personas):
        if t.persona not in personas:
            yield _dangling(f"target_personas[{i}].persona", t.persona, "persona", personas)

    for i, tp in enumerate(p.touchpoints):
        if tp.stage not in stages:
            yield _dangling(f"touchpoints[{i}].stage", tp.stage, "stage", stages)

    for i, j in enumerate(p.journeys):
        base = f"journeys[{i}]"
        if j.persona not in personas:
            yield _dangling(f"{base}.persona", j.persona, "persona", personas)
        if j.compares_to is not None and j.compares_to not in journeys:
            yield _dangling(f"{base}.compares_to", j.compares_to, "journey", journeys)
        if j.compares_to == j.id:
            yield _problem(f"{base}.compares_to", "compares_to_itself")
        for stage_id, cell in j.stages.items():
            if stage_id not in stages:
                yield _dangling(f"{base}.stages.{stage_id}", stage_id, "stage", stages)
            for k, tp_id in enumerate(cell.touchpoints):
                if tp_id not in touchpoints:
                    yield _dangling(
                        f"{base}.stages.{stage_id}.touchpoints[{k}]", tp_id, "touchpoint", touchpoints
                    )

    for i, r in enumerate(p.resources):
        if r.touchpoint is not None and r.touchpoint not in touchpoints:
            yield _dangling(f"resources[{i}].touchpoint", r.touchpoint, "touchpoint", touchpoints)

    for i, w in enumerate(p.walkthrough):
        if w.stage not in stages:
            yield _dangling(f"walkthrough[{i}].stage", w.stage, "stage", stages)
        if w.touchpoint is not None and w.touchpoint not in touchpoints:
            yield _dangling(f"walkthrough[{i}].touchpoint", w.touchpoint, "touchpoint", touchpoints)

    for i, k in enumerate(p.kpis):
        if k.stage is not None and k.stage not in stages:
            yield _dangling(f"kpis[{i}].stage", k.stage, "stage", stages)
        if k.touchpoint is not None and k.touchpoint not in touchpoints:
            yield _dangling(f"kpis[{i}].touchpoint", k.touchpoint, "touchpoint", touchpoints)

    for i, o in enumerate(p.opportunities):
        for k, pp in enumerate(o.pain_points):
            if pp not in pain_point_ids:
                yield _dangling(f"opportunities[{i}].pain_points[{k}]", pp, "pain_point", pain_point_ids)
        for k, kpi in enumerate(o.kpis):
            if kpi not in kpis:
                yield _dangling(f"opportunities[{i}].kpis[{k}]", kpi, "kpi", kpis)

    for i, a in enumerate(p.actions):
        if a.opportunity not in opportunities:
            yield _dangling(f"actions[{i}].opportunity", a.opportunity, "opportunity", opportunities)
