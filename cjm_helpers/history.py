"""Who changed what in a project since a form opened it, read from the project's history.

When several people work on one project (a workshop room, JupyterLab with collaboration),
a form shows lines such as "Ana changed personas[Rina].quote at 10:42" after someone else
saved, so nobody wonders why a value moved.
"""

from __future__ import annotations

__all__ = [
    "MAX_LINES",
    "MAX_PATHS",
    "Edit",
    "changed_paths",
    "edit_lines",
    "edits_by_others",
]

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .i18n import format_date, t
from .store import ProjectStore
from .yamlio import YamlError, parse_yaml

MAX_PATHS = 3
"""Fields named per save; the rest are counted ("and 2 more")."""
MAX_LINES = 5
"""Saves shown; the newest ones."""
_LABELS = ("name", "title", "description", "id")
"""What names a list item in a path: the first of these it has."""


@dataclass(frozen=True)
class Edit:
    """One save by someone else: who, when, and the fields it changed."""

    author: str
    saved_at: dt.datetime
    paths: tuple[str, ...]


def _label(item: dict[str, Any]) -> str:
    for key in _LABELS:
        if item.get(key):
            return str(item[key])
    return ""


def changed_paths(before: Any, after: Any, prefix: str = "") -> list[str]:
    """The fields that differ, as paths: ``personas[Rina].quote``, ``objectives.scope``.

    Items of a list that carry an id are matched by id and named by their name (or
    title); any other list that differs is one change.
    """
    if before == after:
        return []
    if isinstance(before, dict) and isinstance(after, dict):
        out: list[str] = []
        for key in list(after) + [k for k in before if k not in after]:
            where = f"{prefix}.{key}" if prefix else str(key)
            out += changed_paths(before.get(key), after.get(key), where)
        return out
    if (
        isinstance(before, list)
        and isinstance(after, list)
        and all(isinstance(x, dict) and "id" in x for x in before + after)
    ):
        was = {x["id"]: x for x in before}
        now = {x["id"]: x for x in after}
        out = []
        for key in list(now) + [k for k in was if k not in now]:
            item = now.get(key) or was[key]
            where = f"{prefix}[{_label(item)}]"
            if key not in was or key not in now:
                out.append(where)
            else:
                out += changed_paths(was[key], now[key], where)
        return out
    return [prefix or "project"]


def _data(text: str) -> Any:
    try:
        return parse_yaml(text)
    except YamlError:
        return None


def edits_by_others(store: ProjectStore) -> list[Edit]:
    """The saves others made since ``store`` first loaded its project, oldest first."""
    edits = []
    for version, before, after in store.saved_by_others():
        paths = changed_paths(_data(before), _data(after))
        if paths:
            edits.append(Edit(version.author, version.saved_at, tuple(paths)))
    return edits


def _when(moment: dt.datetime, lang: str, today: dt.date) -> str:
    local = moment.astimezone()
    clock = local.strftime("%H:%M")
    return clock if local.date() == today else f"{format_date(local.date(), lang)} {clock}"


def edit_lines(edits: list[Edit], lang: str = "en", today: dt.date | None = None) -> list[str]:
    """One line per save, newest last: "Ana changed personas[Rina].quote at 10:42"."""
    today = today or dt.date.today()
    lines = []
    for edit in edits[-MAX_LINES:]:
        what = ", ".join(edit.paths[:MAX_PATHS])
        if len(edit.paths) > MAX_PATHS:
            what += " " + t("history.more", lang, n=len(edit.paths) - MAX_PATHS)
        who = edit.author or t("history.someone", lang)
        lines.append(
            t("history.changed", lang, who=who, what=what, when=_when(edit.saved_at, lang, today))
        )
    return lines
