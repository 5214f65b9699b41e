"""Bring project data written by older versions of the suite up to the current schema.

Each migration takes the plain data of version N and returns version N+1; they
run in order, so a file of any older version loads. Schema history:

* **1**: stages were a list of plain names; touchpoints said ``frontstage: true``;
  a journey's ``stages`` was a list of cells each naming its ``stage``; notes on
  the map (actions, thoughts, ...) were plain strings with no evidence level.
* **2** (current): stages have ids, touchpoints have ``visibility``, a journey's
  stages are a mapping from stage id to cell, every note is a card with an
  evidence level. Later additions are optional fields whose empty value is the old
  meaning, so version 2 files written before them load and save unchanged: a stage's
  ``phase``, ``time_span`` and ``clock``; a journey's ``stages_shown`` and
  ``touchpoint_changes``; an action's own ``emotion``; emotions in halves; the project's
  ``emotion_scale``; the lanes ``activities`` and ``context``; the evidence ``planned``.
"""

from __future__ import annotations

__all__ = ["MIGRATIONS", "migrate"]

from collections.abc import Callable
from typing import Any

from .errors import Problem, ProjectInvalid
from .i18n import t
from .model import SCHEMA_VERSION
from .text import slug

_NOTE_LANES = (
    "actions",
    "thoughts",
    "opportunities",
    "internal_actors",
    "internal_tools",
    "internal_process",
)
_PAIN_LANES = ("pain_points", "internal_pain_points")


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    stages = out.get("stages")
    if isinstance(stages, list):
        out["stages"] = [
            {"id": slug(s, limit=64, fallback=f"stage-{i + 1}"), "name": s}
            if isinstance(s, str)
            else s
            for i, s in enumerate(stages)
        ]
    touchpoints = out.get("touchpoints")
    if isinstance(touchpoints, list):
        new_tps = []
        for tp in touchpoints:
            if isinstance(tp, dict) and "frontstage" in tp:
                tp = dict(tp)
                tp["visibility"] = "frontstage" if tp.pop("frontstage") else "backstage"
            new_tps.append(tp)
        out["touchpoints"] = new_tps
    journeys = out.get("journeys")
    if isinstance(journeys, list):
        out["journeys"] = [_journey_v1_to_v2(j) for j in journeys]
    out["schema_version"] = 2
    return out


def _journey_v1_to_v2(journey: Any) -> Any:
    if not isinstance(journey, dict):
        return journey
    journey = dict(journey)
    cells = journey.get("stages")
    if isinstance(cells, list):
        mapping: dict[str, Any] = {}
        for cell in cells:
            if isinstance(cell, dict) and isinstance(cell.get("stage"), str):
                cell = dict(cell)
                mapping[slug(cell.pop("stage"), limit=64, fallback="item")] = _cell_v1_to_v2(
                    cell, journey.get("id", "j")
                )
        journey["stages"] = mapping
    return journey


def _cell_v1_to_v2(cell: dict[str, Any], journey_id: str) -> dict[str, Any]:
    for lane in _NOTE_LANES:
        if isinstance(cell.get(lane), list):
            cell[lane] = [{"text": n} if isinstance(n, str) else n for n in cell[lane]]
    for lane in _PAIN_LANES:
        if isinstance(cell.get(lane), list):
            cell[lane] = [
                {"id": slug(f"{journey_id}-{n}", limit=64, fallback="item"), "text": n}
                if isinstance(n, str)
                else n
                for n in cell[lane]
            ]
    return cell


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2}


def migrate(data: Any, source: str | None = None) -> Any:
    """Upgrade plain project data to the current schema_version, step by step."""
    if not isinstance(data, dict):
        return data
    version = data.get("schema_version", SCHEMA_VERSION)
    if not isinstance(version, int) or isinstance(version, bool):
        raise ProjectInvalid(
            [
                Problem(
                    "schema_version",
                    t("errors.schema.not_number", version=repr(version), current=SCHEMA_VERSION),
                )
            ],
            source,
        )
    if version > SCHEMA_VERSION:
        raise ProjectInvalid(
            [
                Problem(
                    "schema_version",
                    t("errors.schema.too_new", version=version, current=SCHEMA_VERSION),
                )
            ],
            source,
        )
    if version < 1:
        raise ProjectInvalid(
            [Problem("schema_version", t("errors.schema.too_old", version=version))], source
        )
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](data)
        version += 1
    return data
