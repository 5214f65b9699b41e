"""Funnel by stage or by named events: open (ever reached) and closed (reached in order).

* ``users_open``: users with at least one event at the step, whenever it happened;
* ``users_closed``: users who reached the step after reaching every earlier step,
  in time order, ties in file order (``seq``); each step counts from the earliest
  qualifying event, so a closed funnel never grows from one step to the next;
* ``conversion``: ``users_closed`` as a share of the first step's ``users_closed``;
* ``drop_off``: the share of the previous step's closed users that did not reach
  this one in order (0 at the first step).

Written once with Ibis; only one row per step comes back to pandas.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir
import pandas as pd

from .. import i18n
from ..errors import DataError
from .events import EventLog

FUNNEL_COLUMNS: tuple[str, ...] = ("step", "users_open", "users_closed", "conversion", "drop_off")


def with_position(table: ir.Table, keys: Sequence[str] = ("user_id",)) -> ir.Table:
    """Add ``pos``: 0-based place of each event in its user's (or key's) time order, ties by seq."""
    window = ibis.window(group_by=[table[k] for k in keys], order_by=[table.ts, table.seq])
    return table.mutate(pos=ibis.row_number().over(window))


def funnel(log: EventLog, steps: Sequence[str] | None = None) -> pd.DataFrame:
    """Funnel over the project's stages, or over the named events (``steps``) in that order."""
    if steps:
        level, names = "event", [str(s) for s in steps]
    else:
        level, names = "stage", list(log.stages)
    if not names:
        raise DataError(i18n.t("errors.overlay.no_funnel_stages", source=log.source))
    t = log.table
    opened = t.agg(**{f"o{i}": t.user_id.nunique(where=t[level] == name) for i, name in enumerate(names)})
    ordered = with_position(t.filter(t[level].isin(names)).select("user_id", "ts", "seq", level))
    level_tables: list[ir.Table] = []
    previous: ir.Table | None = None
    for name in names:
        candidates = ordered.filter(ordered[level] == name).select("user_id", "pos")
        if previous is None:
            current = candidates.group_by("user_id").agg(p=candidates.pos.min())
        else:
            joined = candidates.join(previous, "user_id")
            joined = joined.filter(joined.pos > joined.p)
            current = joined.group_by("user_id").agg(p=joined.pos.min())
        level_tables.append(current)
        previous = current
    counts = ibis.union(*[lt.agg(k=ibis.literal(i, "int64"), n=lt.count()) for i, lt in enumerate(level_tables)])
    open_row = opened.execute().iloc[0]
    closed = dict(counts.execute().astype("int64").itertuples(index=False, name=None))
    rows = []
    first = closed.get(0, 0)
    for i, name in enumerate(names):
        users_closed = int(closed.get(i, 0))
        before = int(closed.get(i - 1, 0)) if i else users_closed
        rows.append({
            "step": name,
            "users_open": int(open_row[f"o{i}"]),
            "users_closed": users_closed,
            "conversion": users_closed / first if first else 0.0,
            "drop_off": (1 - users_closed / before) if i and before else 0.0,
        })
    return pd.DataFrame(rows, columns=list(FUNNEL_COLUMNS))
