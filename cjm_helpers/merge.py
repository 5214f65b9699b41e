"""Three-way merge of project data, so two notebooks saving at once lose nothing.

``base`` is what both editors started from, ``mine`` is what is being saved and
``theirs`` is what another session saved meanwhile. Changes on one side only are
kept; the same change on both sides is kept once; different changes to the same
field are conflicts. Lists of parts with ids are merged part by part.
"""

from __future__ import annotations

__all__ = ["three_way_merge"]

from typing import Any

_MISSING = object()


def _is_id_list(value: Any) -> bool:
    return (
        isinstance(value, list)
        and all(isinstance(v, dict) and isinstance(v.get("id"), str) for v in value)
        and len({v["id"] for v in value}) == len(value)
    )


def three_way_merge(base: Any, mine: Any, theirs: Any) -> tuple[Any, list[str]]:
    """Merge two edits of ``base``; return the result and the paths that conflict."""
    conflicts: list[str] = []
    merged = _merge(base, mine, theirs, "", conflicts)
    return merged, conflicts


def _merge(base: Any, mine: Any, theirs: Any, path: str, conflicts: list[str]) -> Any:
    if mine == theirs:
        return mine
    if mine == base:
        return theirs
    if theirs == base:
        return mine
    if all(isinstance(x, dict) for x in (base, mine, theirs)):
        return _merge_dicts(base, mine, theirs, path, conflicts)
    if all(_is_id_list(x) for x in (base, mine, theirs)):
        return _merge_id_lists(base, mine, theirs, path, conflicts)
    if all(isinstance(x, list) for x in (base, mine, theirs)) and _both_append(base, mine, theirs):
        return theirs + mine[len(base) :]  # two logs that only grew: theirs came first
    conflicts.append(f"{path or 'the project'}: changed in both sessions")
    return mine


def _both_append(base: list, mine: list, theirs: list) -> bool:
    return mine[: len(base)] == base and theirs[: len(base)] == base


def _merge_dicts(base: dict, mine: dict, theirs: dict, path: str, conflicts: list[str]) -> dict:
    out: dict[str, Any] = {}
    keys = list(mine) + [k for k in theirs if k not in mine]
    for key in keys:
        sub = f"{path}.{key}" if path else str(key)
        value = _merge_optional(
            base.get(key, _MISSING),
            mine.get(key, _MISSING),
            theirs.get(key, _MISSING),
            sub,
            conflicts,
        )
        if value is not _MISSING:
            out[key] = value
    return out


def _merge_optional(base: Any, mine: Any, theirs: Any, path: str, conflicts: list[str]) -> Any:
    if mine is _MISSING or theirs is _MISSING:
        if mine is theirs:
            return _MISSING
        present = theirs if mine is _MISSING else mine
        if base is _MISSING:
            return present  # added on one side only
        if present == base:
            return _MISSING  # removed on one side, untouched on the other
        conflicts.append(f"{path}: removed in one session and changed in the other")
        return present
    if base is _MISSING:
        base = None
    return _merge(base, mine, theirs, path, conflicts)


def _merge_id_lists(base: list, mine: list, theirs: list, path: str, conflicts: list[str]) -> list:
    by_base = {v["id"]: v for v in base}
    by_mine = {v["id"]: v for v in mine}
    by_theirs = {v["id"]: v for v in theirs}
    order = [v["id"] for v in mine] + [v["id"] for v in theirs if v["id"] not in by_mine]
    out = []
    for item_id in order:
        sub = f"{path}[id={item_id}]"
        value = _merge_optional(
            by_base.get(item_id, _MISSING),
            by_mine.get(item_id, _MISSING),
            by_theirs.get(item_id, _MISSING),
            sub,
            conflicts,
        )
        if value is not _MISSING:
            out.append(value)
    return out
