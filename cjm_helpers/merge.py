"""Three-way merge of project data, so two notebooks saving at once lose nothing.

``base`` is what both editors started from, ``mine`` is what is being saved and
``theirs`` is what another session saved meanwhile. Changes on one side only are
kept; the same change on both sides is kept once; different changes to the same
field are conflicts. Lists of parts with ids are merged part by part.
"""

from __future__ import annotations

__all__ = ["three_way_merge"]

from collections.abc import Callable, Iterator
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
    def sub(key: Any) -> str:
        return f"{path}.{key}" if path else str(key)

    return dict(_merge_keyed(base, mine, theirs, sub, conflicts))


def _merge_keyed(
    base: dict,
    mine: dict,
    theirs: dict,
    sub: Callable[[Any], str],
    conflicts: list[str],
) -> Iterator[tuple[Any, Any]]:
    """(key, merged value) for mine's keys, then theirs' new ones; keys the merge removes are left out.

    Dicts and lists of parts with ids are both merged this way: a part is its dict's entry.
    """
    for key in list(mine) + [k for k in theirs if k not in mine]:
        value = _merge_optional(
            base.get(key, _MISSING),
            mine.get(key, _MISSING),
            theirs.get(key, _MISSING),
            sub(key),
            conflicts,
        )
        if value is not _MISSING:
            yield key, value


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
    def by_id(parts: list) -> dict:
        return {v["id"]: v for v in parts}

    def sub(item_id: Any) -> str:
        return f"{path}[id={item_id}]"

    merged = _merge_keyed(by_id(base), by_id(mine), by_id(theirs), sub, conflicts)
    return [value for _, value in merged]
