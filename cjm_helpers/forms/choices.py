"""The choices fields offer: fixed lists with translated labels, and ids found in the project."""

from __future__ import annotations

__all__ = [
    "change_statuses",
    "departments",
    "emotion_scales",
    "evidence",
    "fixed",
    "ids",
    "items",
    "lanes",
    "map_types",
    "one_of",
    "pain_points",
    "phases",
    "review_fields",
    "scores",
    "statuses",
    "team_names",
    "values_of",
]

from collections.abc import Iterable
from typing import Any

from ..i18n import LANGUAGES, t
from ..model import (
    DEFAULT_STAGES,
    EVIDENCE_LEVELS,
    LANES,
    MAP_TYPES,
    OPPORTUNITY_STATUSES,
    PHASES,
    REVIEW_CADENCES,
    TOUCHPOINT_STATUSES,
)
from .fields import FieldSpec, Options

DEFAULT_STAGE_NAMES = dict(DEFAULT_STAGES)


def fixed(values: Iterable[Any], key: str | None, lang: str) -> Options:
    """Values labelled from the catalogue key ``key.<value>`` (or shown as they are)."""
    pairs = [(t(f"{key}.{v}", lang) if key else str(v), v) for v in values]
    return lambda data: pairs


def one_of(key: str, values: Iterable[Any], labels: str, lang: str, **more: Any) -> FieldSpec:
    """A dropdown of fixed values labelled from the catalogue (``labels.<value>``); one must be chosen."""
    return FieldSpec(key, "choice", fixed(values, labels, lang), optional=False, **more)


def review_fields(lang: str) -> list[FieldSpec]:
    """How often the map is reviewed and when next: asked in step 1 and again in step 8."""
    return [
        one_of("review_cadence", REVIEW_CADENCES, "views.cadence", lang),
        FieldSpec("next_review", "date"),
    ]


def phases(lang: str) -> Options:
    """Before, during or after the service, and 'no phase' (the stage is not grouped)."""
    pairs: list[tuple[str, str | None]] = [(t("formsmap.phase.none", lang), None)]
    pairs += [(t(f"mapmeaning.phase.{p}", lang), p) for p in PHASES]
    return lambda data: pairs


def change_statuses(lang: str) -> Options:
    """What a future-state journey does to a touchpoint: adds, changes or retires it."""
    return fixed(TOUCHPOINT_STATUSES, "formsmap.status", lang)


def emotion_scales(lang: str) -> Options:
    """-2..+2 or -3..+3 (a project that never chose reads as -2..+2: the field's default)."""
    return fixed((2, 3), "formsmap.scale", lang)


def evidence(lang: str) -> Options:
    return fixed(EVIDENCE_LEVELS, "common.evidence", lang)


def scores() -> Options:
    return fixed(range(1, 6), None, "en")


def map_types(lang: str) -> Options:
    return fixed(MAP_TYPES, "common.map_type", lang)


def statuses(lang: str) -> Options:
    return fixed(OPPORTUNITY_STATUSES, "views.status", lang)


def lanes(lang: str = "en") -> Options:
    return fixed(LANES, "map.lane", lang)


def items(path: str, label: str = "name") -> Options:
    """The ids of the parts in ``data[path]``, labelled by their ``label`` field."""

    def options(data: dict[str, Any]) -> list[tuple[str, Any]]:
        out = []
        for item in data.get(path) or []:
            if isinstance(item, dict) and item.get("id"):
                out.append((f"{item.get(label) or item['id']} ({item['id']})", item["id"]))
        return out

    return options


def named(path: str, label: str = "name") -> Options:
    """The parts in ``data[path]`` by their ``label`` field, for picking several (a name seen twice gets its id)."""

    def options(data: dict[str, Any]) -> list[tuple[str, Any]]:
        parts = [i for i in data.get(path) or [] if isinstance(i, dict) and i.get("id")]
        seen = _counts(str(i.get(label) or "") for i in parts)
        out = []
        for item in parts:
            shown = str(item.get(label) or "") or str(item["id"])
            if seen[shown] > 1:
                shown = f"{shown} ({item['id']})"
            out.append((shown, item["id"]))
        return out

    return options


def _counts(names: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for name in names:
        out[name] = out.get(name, 0) + 1
    return out


def touchpoints(lang: str) -> Options:
    """Touchpoints by name and stage ('Instagram ad · Awareness'), grouped by stage in stage order."""

    def options(data: dict[str, Any]) -> list[tuple[str, Any]]:
        stages = {
            str(s.get("id")): stage_label(s, lang)
            for s in data.get("stages") or []
            if isinstance(s, dict)
        }
        order = {stage: i for i, stage in enumerate(stages)}
        parts = [t for t in data.get("touchpoints") or [] if isinstance(t, dict) and t.get("id")]
        parts.sort(key=lambda tp: order.get(str(tp.get("stage")), len(order)))
        seen = _counts(str(tp.get("name") or "") for tp in parts)
        out = []
        for tp in parts:
            name = str(tp.get("name") or "") or str(tp["id"])
            where = stages.get(str(tp.get("stage")), str(tp.get("stage") or ""))
            shown = f"{name} · {where}" if where else name
            if seen[name] > 1:
                shown = f"{shown} ({tp['id']})"
            out.append((shown, tp["id"]))
        return out

    return options


def stage_label(stage: dict[str, Any], lang: str) -> str:
    """A stage's name as the map shows it: a default stage left untouched is said in ``lang``."""
    if DEFAULT_STAGE_NAMES.get(str(stage.get("id"))) == stage.get("name"):
        return t(f"common.stage.{stage.get('id')}", lang)
    return str(stage.get("name") or stage.get("id") or "")


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
    """Every pain point in the project's journeys, by its text (shortened)."""
    out: dict[str, str] = {}
    for journey in data.get("journeys") or []:
        for cell in (journey.get("stages") or {}).values():
            for key in ("pain_points", "internal_pain_points"):
                for p in cell.get(key) or []:
                    if isinstance(p, dict) and p.get("id"):
                        text = " ".join(str(p.get("text") or p["id"]).split())
                        out.setdefault(p["id"], text if len(text) <= 90 else text[:89] + "…")
    return [(text, p) for p, text in out.items()]


def team_names(data: dict[str, Any]) -> list[tuple[str, Any]]:
    team = (data.get("objectives") or {}).get("team") or []
    return [(m["name"], m["name"]) for m in team if isinstance(m, dict) and m.get("name")]


def languages() -> Options:
    """The languages of the course, each named in itself (a learner finds their own)."""
    pairs = [(t(f"learner.language.{lang}", lang), lang) for lang in LANGUAGES]
    return lambda data: pairs


COMMON_CURRENCIES = ("IDR", "PLN", "EUR", "USD", "GBP", "SGD", "MYR")


def currencies(data: dict[str, Any]) -> list[tuple[str, Any]]:
    """The project's currency first, then ones learners often use."""
    current = str(data.get("currency") or "")
    return [(c, c) for c in dict.fromkeys([current, *COMMON_CURRENCIES]) if c]


def departments(data: dict[str, Any]) -> list[tuple[str, Any]]:
    seen: dict[str, None] = {}
    for m in (data.get("objectives") or {}).get("team") or []:
        if isinstance(m, dict) and m.get("department"):
            seen[m["department"]] = None
    for tp in data.get("touchpoints") or []:
        if isinstance(tp, dict) and tp.get("owner_department"):
            seen[tp["owner_department"]] = None
    return [(d, d) for d in seen]
