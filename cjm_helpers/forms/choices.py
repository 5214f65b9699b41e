"""The choices fields offer: fixed lists with translated labels, and ids found in the project."""

from __future__ import annotations

__all__ = [
    "departments",
    "evidence",
    "fixed",
    "ids",
    "items",
    "lanes",
    "map_types",
    "pain_points",
    "scores",
    "statuses",
    "team_names",
    "values_of",
]

from collections.abc import Iterable
from typing import Any

from ..i18n import t
from ..model import EVIDENCE_LEVELS, LANES, MAP_TYPES, OPPORTUNITY_STATUSES
from .fields import Options


def fixed(values: Iterable[Any], key: str | None, lang: str) -> Options:
    """Values labelled from the catalogue key ``key.<value>`` (or shown as they are)."""
    pairs = [(t(f"{key}.{v}", lang) if key else str(v), v) for v in values]
    return lambda data: pairs


def evidence(lang: str) -> Options:
    return fixed(EVIDENCE_LEVELS, "common.evidence", lang)


def scores() -> Options:
    return fixed(range(1, 6), None, "en")


def map_types(lang: str) -> Options:
    return fixed(MAP_TYPES, "common.map_type", lang)


def statuses(lang: str) -> Options:
    return fixed(OPPORTUNITY_STATUSES, "views.status", lang)


def lanes() -> Options:
    return fixed(LANES, None, "en")


def items(path: str, label: str = "name") -> Options:
    """The ids of the parts in ``data[path]``, labelled by their ``label`` field."""

    def options(data: dict[str, Any]) -> list[tuple[str, Any]]:
        out = []
        for item in data.get(path) or []:
            if isinstance(item, dict) and item.get("id"):
                out.append((f"{item.get(label) or item['id']} ({item['id']})", item["id"]))
        return out

    return options


def ids(path: str) -> Options:
    """The ids of the parts in ``data[path]`` (for free-typed references)."""
    return lambda data: [
        (str(i["id"]), i["id"]) for i in data.get(path) or [] if isinstance(i, dict) and i.get("id")
    ]


def values_of(path: str, key: str, *more: tuple[str, str]) -> Options:
    """Values already used for ``key`` in ``data[path]`` (suggestions for free text)."""

    def options(data: dict[str, Any]) -> list[tuple[str, Any]]:
        seen: dict[str, None] = {}
        for p, k in ((path, key), *more):
            container: Any = data
            for part in p.split("."):
                container = container.get(part) if isinstance(container, dict) else None
            for item in container or []:
                value = item.get(k) if isinstance(item, dict) else None
                if value:
                    seen[str(value)] = None
        return [(v, v) for v in seen]

    return options


def pain_points(data: dict[str, Any]) -> list[tuple[str, Any]]:
    """Every pain point id in the project's journeys."""
    out: dict[str, None] = {}
    for journey in data.get("journeys") or []:
        for cell in (journey.get("stages") or {}).values():
            for key in ("pain_points", "internal_pain_points"):
                for p in cell.get(key) or []:
                    if isinstance(p, dict) and p.get("id"):
                        out[p["id"]] = None
    return [(p, p) for p in out]


def team_names(data: dict[str, Any]) -> list[tuple[str, Any]]:
    team = (data.get("objectives") or {}).get("team") or []
    return [(m["name"], m["name"]) for m in team if isinstance(m, dict) and m.get("name")]


def departments(data: dict[str, Any]) -> list[tuple[str, Any]]:
    seen: dict[str, None] = {}
    for m in (data.get("objectives") or {}).get("team") or []:
        if isinstance(m, dict) and m.get("department"):
            seen[m["department"]] = None
    for tp in data.get("touchpoints") or []:
        if isinstance(tp, dict) and tp.get("owner_department"):
            seen[tp["owner_department"]] = None
    return [(d, d) for d in seen]
