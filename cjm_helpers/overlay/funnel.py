"""Funnel by stage or by named events: open (ever reached) and closed (reached in order).

* ``users_open``: users with at least one event at the step, whenever it happened;
* ``users_closed``: users who reached the step after reaching every earlier step,
  in time order, ties in file order (``seq``); each step counts from the earliest
  qualifying event, so a closed funnel never grows from one step to the next;
* ``conversion``: ``users_closed`` as a share of the first step's ``users_closed``;
* ``drop_off``: the share of the previous step's closed users that did not reach
  this one in order (0 at the first step).

Written once with Ibis, in one pass: each user's funnel events become a short
string of one letter per step, in time order; a user reached a step openly when
their string holds its letter, and in order when the string holds the letters of
every step up to it as a subsequence (``LIKE '%A%B%C%'``). One row comes back.
"""

from __future__ import annotations

__all__ = ["FIRST_LETTER", "FUNNEL_COLUMNS", "funnel", "funnel_counts", "step_letters"]

from collections.abc import Sequence

import pandas as pd

from .. import i18n
from ..errors import DataError
from .events import EventLog
from .paths import ordered_join, when_lists_fit

FUNNEL_COLUMNS: tuple[str, ...] = ("step", "users_open", "users_closed", "conversion", "drop_off")
FIRST_LETTER = 0xE000
"""Steps are written as letters from Unicode's private use area: never in a name, never special in LIKE."""


def step_letters(names: Sequence[str]) -> dict[str, str]:
    """One letter per distinct step name, in order of first appearance."""
    letters: dict[str, str] = {}
    for name in names:
        letters.setdefault(name, chr(FIRST_LETTER + len(letters)))
    return letters


def funnel_counts(log: EventLog, level: str, names: Sequence[str]) -> tuple[list[int], list[int]]:
    """Users who reached each step at all (open) and in order (closed), from one grouped pass."""
    t = log.events() if level == "event" else log.table
    letters = step_letters(names)
    steps = t.filter(t[level].isin(list(letters))).select("user_id", "ts", "seq", level)
    steps = steps.mutate(letter=steps[level].substitute(letters))
    codes = [letters[name] for name in names]

    def counted(spill: bool) -> pd.DataFrame:
        per_user = steps.group_by("user_id").agg(
            p=ordered_join(steps, steps.letter, "", log.backend, spill=spill)
        )
        return per_user.agg(
            **{f"o{i}": per_user.p.contains(c).cast("int64").sum() for i, c in enumerate(codes)},
            **{
                f"c{i}": per_user.p.like("%" + "%".join(codes[: i + 1]) + "%").cast("int64").sum()
                for i in range(len(codes))
            },
        ).execute()

    row = when_lists_fit(counted).iloc[0]

    def count(key: str) -> int:
        value = row[key]
        return 0 if value is None or pd.isna(value) else int(value)

    return [count(f"o{i}") for i in range(len(codes))], [count(f"c{i}") for i in range(len(codes))]


def funnel(log: EventLog, steps: Sequence[str] | None = None) -> pd.DataFrame:
    """Funnel over the project's stages, or over the named events (``steps``) in that order."""
    if steps:
        level, names = "event", [str(s) for s in steps]
    else:
        level, names = "stage", list(log.stages)
    if not names:
        raise DataError(i18n.t("errors.overlay.no_funnel_stages", source=log.source))
    opened, closed = funnel_counts(log, level, names)
    rows = []
    first = closed[0]
    for i, name in enumerate(names):
        before = closed[i - 1] if i else closed[i]
        rows.append(
            {
                "step": name,
                "users_open": opened[i],
                "users_closed": closed[i],
                "conversion": closed[i] / first if first else 0.0,
                "drop_off": (1 - closed[i] / before) if i and before else 0.0,
            }
        )
    return pd.DataFrame(rows, columns=list(FUNNEL_COLUMNS))
