"""Gaps: where a customer's next step switches device, channel or department (seed 001).

A *step* is every event after a user's first, compared with the event before it in
time order (ties in file order). It is a *switch* of a kind when both events name a
device (channel, department) and the two differ. A step is a *drop-off* when it is
the user's last event and the user never converted. Comparing the drop-off rate
after a switch with the rate after no switch shows which hand-overs lose people.

Written once with Ibis; only a few counted rows come back to pandas.
"""

from __future__ import annotations

__all__ = ["GAP_COLUMNS", "GAP_KINDS", "SWITCH_COLUMNS", "gap_counts", "gaps", "switch_points"]

import ibis
import ibis.expr.types as ir
import pandas as pd

from .events import EventLog

GAP_KINDS: tuple[str, ...] = ("device", "channel", "department")
GAP_COLUMNS: tuple[str, ...] = ("kind", "switched", "steps", "drop_offs", "drop_off")
SWITCH_COLUMNS: tuple[str, ...] = ("kind", "from", "to", "steps", "users", "drop_offs", "drop_off")


def _steps(log: EventLog) -> ir.Table:
    """Every event with the previous event's device, channel and department, and whether it ends a lost journey.

    Only the columns the counts need are sorted, in one sort per user that serves every
    window (same order, whole-partition frame): the previous values, whether an event
    follows (the last event has none; event names are never missing in a loaded log)
    and whether the user ever converted. A user's first event has no previous values,
    so every count that compares with the previous event leaves it out by itself.
    """
    t = log.table
    # a column even when nothing converts (seq is never negative): a scalar cannot be taken over a window
    converted = t.event.isin(list(log.conversion_events)) if log.conversion_events else t.seq < 0
    t = t.select("user_id", "ts", "seq", *GAP_KINDS, conv=converted.cast("int8"))
    per_user = ibis.window(group_by=t.user_id, order_by=[t.ts, t.seq])
    whole_user = ibis.window(
        group_by=t.user_id, order_by=[t.ts, t.seq], preceding=None, following=None
    )
    steps = t.mutate(
        is_last=t.conv.lead().over(per_user).isnull(),
        user_converted=t.conv.max().over(whole_user),
        **{f"prev_{k}": t[k].lag().over(per_user) for k in GAP_KINDS},
    )
    return steps.mutate(dropped=(steps.is_last & (steps.user_converted == 0)).cast("int64"))


def gaps(log: EventLog) -> pd.DataFrame:
    """Per gap kind, steps with and without a switch, and the drop-off rate after each.

    One aggregate over the steps counts every kind at once (a union of one query per
    kind made DuckDB keep the whole sorted log in memory to read it three times).
    """
    found = gap_counts(log).execute().iloc[0].to_dict()
    rows = []
    for kind in GAP_KINDS:
        for switched, label in ((True, "yes"), (False, "no")):
            steps, drops = (
                _whole(found[f"{kind}_{label}_steps"]),
                _whole(found[f"{kind}_{label}_drops"]),
            )
            rows.append(
                {
                    "kind": kind,
                    "switched": switched,
                    "steps": steps,
                    "drop_offs": drops,
                    "drop_off": drops / steps if steps else float("nan"),
                }
            )
    return pd.DataFrame(rows, columns=list(GAP_COLUMNS))


def gap_counts(log: EventLog) -> ir.Table:
    """The one-row query behind :func:`gaps`: ``{kind}_{yes|no}_steps`` and ``..._drops`` per gap kind."""
    s = _steps(log)
    figures: dict[str, ir.Scalar] = {}
    for kind in GAP_KINDS:
        known = s[kind].notnull() & s[f"prev_{kind}"].notnull()
        for switched, label in ((True, "yes"), (False, "no")):
            hit = known & ((s[kind] != s[f"prev_{kind}"]) == switched)
            figures[f"{kind}_{label}_steps"] = hit.cast("int64").sum()
            figures[f"{kind}_{label}_drops"] = (hit & (s.dropped == 1)).cast("int64").sum()
    return s.agg(**figures)


def _whole(value: object) -> int:
    """A count from an aggregate, where an empty input sums to null."""
    return 0 if value is None or pd.isna(value) else int(value)  # type: ignore[call-overload]


def switch_points(log: EventLog, kind: str = "channel", n: int = 10) -> pd.DataFrame:
    """The ``n`` most frequent switches of one kind (from -> to), with their drop-off rate."""
    if kind not in GAP_KINDS:
        from .. import i18n
        from ..errors import DataError

        raise DataError(
            i18n.t("errors.overlay.gap_kind", kind=repr(kind), kinds=", ".join(GAP_KINDS))
        )
    s = _steps(log)
    prev = s[f"prev_{kind}"]
    moved = s.filter(s[kind].notnull() & prev.notnull() & (s[kind] != prev))
    agg = moved.group_by([moved[f"prev_{kind}"].name("from"), moved[kind].name("to")]).agg(
        steps=moved.count(), users=moved.user_id.nunique(), drop_offs=moved.dropped.sum()
    )
    out = agg.order_by([ibis.desc("steps"), "from", "to"]).limit(n).execute()
    out = out.astype({"steps": "int64", "users": "int64", "drop_offs": "int64"})
    out.insert(0, "kind", kind)
    out["drop_off"] = out["drop_offs"] / out["steps"]
    return out[list(SWITCH_COLUMNS)].reset_index(drop=True)
