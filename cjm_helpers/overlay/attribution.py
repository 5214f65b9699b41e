"""Which touchpoints (or channels) lead customers to convert: three attribution models.

* **first touch**: each converting customer credits the first touchpoint of their path;
* **last touch**: ... the last touchpoint before converting;
* **Markov removal effect**: a first-order Markov chain (start → touchpoints →
  conversion or drop-out) is fitted to all paths, converting or not; a touchpoint's
  removal effect is the share of conversion probability lost when it is removed
  (everyone who would enter it drops out). Shares are removal effects normalised
  to sum to one.

A customer's path is their events in time order (ties in file order), keyed by
touchpoint or channel, with events of no touchpoint (or channel) left out and
consecutive repeats merged. For a customer who converted (reached any of
``log.conversion_events``, or the events named in ``conversion_events``) the path
stops before the first conversion event, or before the ``occurrence``-th one (2: a
second order). Keys named in ``exclude_from_last`` get no last-touch credit.
Customers with an empty path have nothing to credit and are left out.

The paths are counted in the engine, so the work runs where the log lives (DuckDB,
Spark, ...): with Ibis, or for touchpoints and channels together in one pass
(:mod:`.attribution_pass`). Only a table of at most (keys² x 2) counts comes back to
pandas, and the Markov chain is solved on that small matrix with numpy.
"""

from __future__ import annotations

__all__ = [
    "ATTRIBUTION_COLUMNS",
    "attribution",
    "conversion_probability",
    "markov_removal_effects",
    "path_count_table",
    "path_counts",
]

from collections.abc import Sequence
from typing import Any, Literal

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from .. import i18n
from ..errors import DataError
from .attribution_pass import KEYS, both_path_counts, keyed_key, not_blank, typed_counts

ATTRIBUTION_COLUMNS: tuple[str, ...] = (
    "key",
    "label",
    "conversions_first",
    "conversions_last",
    "removal_effect",
    "first_touch",
    "last_touch",
    "markov_removal",
)
"""Columns of :func:`attribution`; the three shares each sum to one."""


def _cut_at_conversion(
    log: Any,
    by: str,
    conversion_events: Sequence[str] | None = None,
    occurrence: int = 1,
) -> ir.Table:
    """Each customer's keyed events before their conversion: user_id, ts, seq, key, converted.

    The conversion is the ``occurrence``-th event (1 = the first) among
    ``conversion_events`` (default: the log's); customers with fewer never converted.
    """
    table = log.table
    if by not in ("touchpoint", "channel"):
        raise DataError(i18n.t("errors.overlay.attribution_by", by=repr(by)))
    if by not in table.columns:
        source = getattr(log, "source", None) or i18n.t("errors.overlay.the_log")
        raise DataError(
            i18n.t("errors.overlay.attribution_column", source=source, column=repr(by), by=by)
        )
    if conversion_events is None:
        conversion_events = getattr(log, "conversion_events", ()) or ()
    conversions = [str(e) for e in conversion_events]
    t = table.select("user_id", "ts", "seq", "event", key=table[by].cast("string"))
    # each converting customer's chosen conversion (time, then file order), from the few conversion events
    conv = t.filter(t.event.isin(conversions or ["\0"]))
    conv = conv.mutate(
        n=ibis.row_number().over(ibis.window(group_by=conv.user_id, order_by=[conv.ts, conv.seq]))
    )
    first = conv.filter(conv.n == max(int(occurrence), 1) - 1).select(
        cuser=conv.user_id, cts=conv.ts, cseq=conv.seq
    )
    t = t.filter(t.key.notnull() & not_blank(t.key))
    t = t.left_join(first, t.user_id == first.cuser)
    before_conversion = t.cts.isnull() | (t.ts < t.cts) | ((t.ts == t.cts) & (t.seq < t.cseq))
    return t.filter(before_conversion).select(
        "user_id", "ts", "seq", "key", converted=t.cts.notnull()
    )


def path_counts(
    log: Any,
    by: Literal["touchpoint", "channel"] = "touchpoint",
    conversion_events: Sequence[str] | None = None,
    occurrence: int = 1,
    exclude: Sequence[str] = (),
    both_keys: bool = False,
) -> pd.DataFrame:
    """Counted steps and ends of every customer's path: columns prev, key, converted, steps, ends.

    ``steps`` counts the path steps onto ``key`` from ``prev`` (missing for a path's
    first step) by customers who converted or not; ``ends`` counts the paths whose
    last step is ``key`` (a row with steps 0 can carry ends only). ``conversion_events``
    and ``occurrence`` choose the conversion (see :func:`_cut_at_conversion`); keys in
    ``exclude`` are left out of the paths. Computed in the engine; the result is small.
    ``both_keys``: when both touchpoints and channels are wanted, count them together in
    one pass (:mod:`.attribution_pass`, first conversion, where the engine can), kept on
    the log for the other key: faster than two passes, slower than one.
    """
    if both_keys and max(int(occurrence), 1) == 1 and not exclude and by in KEYS:
        both = both_path_counts(log, _conversion_names(log, conversion_events))
        if both is not None:
            return both[by].copy()
    return typed_counts(
        path_count_table(log, by, conversion_events, occurrence, exclude).to_pandas()
    )


def path_count_table(
    log: Any,
    by: Literal["touchpoint", "channel"] = "touchpoint",
    conversion_events: Sequence[str] | None = None,
    occurrence: int = 1,
    exclude: Sequence[str] = (),
) -> ir.Table:
    """The Ibis query behind :func:`path_counts` (prev, key, converted, steps, ends).

    For the first conversion it is one sorted pass per customer over their keyed and
    conversion events, with no join: a running count of conversion events marks the
    cut (the events before the first one), the key either side of each event gives
    its step and whether it ends the path. A later conversion (``occurrence`` 2 or
    more) may follow earlier conversion events without a key, which a plain
    neighbour cannot step over, so it cuts with a join first (two passes).
    """
    if max(int(occurrence), 1) > 1:
        t = _cut_at_conversion(log, by, conversion_events, occurrence)
        if exclude:
            t = t.filter(~t.key.isin([str(k) for k in exclude]))
        w = ibis.window(group_by=t.user_id, order_by=[t.ts, t.seq])
        t = t.mutate(before=t.key.lag().over(w), after=t.key.lead().over(w))
        is_step = t.before.isnull() | (t.before != t.key)
        return t.group_by(prev=t.before, key=t.key, converted=t.converted).aggregate(
            steps=is_step.cast("int64").sum(), ends=t.after.isnull().cast("int64").sum()
        )
    table = _keyed_table(log, by)
    conversions = _conversion_names(log, conversion_events)
    is_conv = table.event.isin(conversions or ["\0"])
    t = table.select(
        "user_id", "ts", "seq", key=keyed_key(table, by, exclude), conv=is_conv.cast("int64")
    )
    t = t.filter(t.key.notnull() | (t.conv == 1))
    order = [t.ts, t.seq]
    w = ibis.window(group_by=t.user_id, order_by=order)
    # before the first conversion every event of the pass has a key (a conversion event is the cut itself)
    t = t.mutate(
        done=t.conv.sum().over(ibis.cumulative_window(group_by=t.user_id, order_by=order)),
        converted=t.conv.max().over(
            ibis.window(group_by=t.user_id, order_by=order, rows=(None, None))
        )
        == 1,
        before=t.key.lag().over(w),
        next_conv=t.conv.lead().over(w),
    )
    t = t.filter(t.done == 0)
    is_step = t.before.isnull() | (t.before != t.key)
    is_end = t.next_conv.isnull() | (t.next_conv == 1)
    return t.group_by(prev=t.before, key=t.key, converted=t.converted).aggregate(
        steps=is_step.cast("int64").sum(), ends=is_end.cast("int64").sum()
    )


def _keyed_table(log: Any, by: str) -> ir.Table:
    """The log's table, once ``by`` is known to be a column of it (else a clear error)."""
    table = log.table
    if by not in ("touchpoint", "channel"):
        raise DataError(i18n.t("errors.overlay.attribution_by", by=repr(by)))
    if by not in table.columns:
        source = getattr(log, "source", None) or i18n.t("errors.overlay.the_log")
        raise DataError(
            i18n.t("errors.overlay.attribution_column", source=source, column=repr(by), by=by)
        )
    return table


def _conversion_names(log: Any, conversion_events: Sequence[str] | None) -> list[str]:
    """The events that count as converting: those named, else the log's."""
    if conversion_events is None:
        conversion_events = getattr(log, "conversion_events", ()) or ()
    return [str(e) for e in conversion_events]


def converter_reach(
    log: Any,
    by: Literal["touchpoint", "channel"] = "touchpoint",
    conversion_events: Sequence[str] | None = None,
    occurrence: int = 1,
) -> tuple[pd.DataFrame, int]:
    """How many converting customers passed each key before converting (columns key, users), and how many converted."""
    t = _cut_at_conversion(log, by, conversion_events, occurrence)
    t = t.filter(t.converted)
    reach = t.group_by("key").aggregate(users=t.user_id.nunique()).to_pandas()
    reach["users"] = reach["users"].astype("int64")
    converters = _converters(log, conversion_events, occurrence)
    return reach.sort_values(["users", "key"], ascending=[False, True]).reset_index(
        drop=True
    ), converters


def _converters(log: Any, conversion_events: Sequence[str] | None, occurrence: int) -> int:
    """Customers with at least ``occurrence`` conversion events."""
    if conversion_events is None:
        conversion_events = getattr(log, "conversion_events", ()) or ()
    table = log.table
    conv = table.filter(table.event.isin([str(e) for e in conversion_events] or ["\0"]))
    per_user = conv.group_by("user_id").aggregate(n=conv.count())
    return int(per_user.filter(per_user.n >= max(int(occurrence), 1)).count().to_pandas())


def _shares(counts: pd.Series, keys: list[str]) -> pd.Series:
    counts = counts.reindex(keys, fill_value=0).astype(float)
    total = counts.sum()
    return counts / total if total > 0 else counts * 0.0


def conversion_probability(
    starts: np.ndarray, inner: np.ndarray, ends: np.ndarray, removed: int | None = None
) -> float:
    """Probability that a walk from the start reaches conversion, optionally with one key removed.

    ``starts[i]`` counts paths starting at key i, ``inner[i, j]`` steps i → j,
    ``ends[i] = (to conversion, to drop-out)``. Removing key k sends everyone who
    would enter it to drop-out.
    """
    m = len(starts)
    if m == 0 or starts.sum() == 0:
        return 0.0
    out = inner.sum(axis=1) + ends.sum(axis=1)
    out = np.where(out > 0, out, 1.0)
    q = inner / out[:, None]
    r = ends[:, 0] / out
    start = starts / starts.sum()
    if removed is not None:
        q = q.copy()
        r = r.copy()
        q[removed, :] = 0.0
        r[removed] = 0.0
        start = start.copy()
    # absorption into conversion: x = q x + r  =>  (I - q) x = r
    x = np.linalg.solve(np.eye(m) - q, r)
    if removed is not None:
        x[removed] = 0.0
    return float(start @ x)


def markov_removal_effects(counts: pd.DataFrame) -> tuple[list[str], np.ndarray, float]:
    """Keys, their removal effects (0..1) and the chain's conversion probability."""
    keys = sorted(set(counts["key"]) | set(counts["prev"].dropna()))
    index = {k: i for i, k in enumerate(keys)}
    m = len(keys)
    starts = np.zeros(m)
    inner = np.zeros((m, m))
    ends = np.zeros((m, 2))
    for prev, key, converted, steps, ends_here in counts[
        ["prev", "key", "converted", "steps", "ends"]
    ].itertuples(index=False):
        j = index[key]
        if prev is None or pd.isna(prev):
            starts[j] += steps
        elif prev != key:
            inner[index[prev], j] += steps
        ends[j, 0 if converted else 1] += ends_here
    base = conversion_probability(starts, inner, ends)
    effects = np.zeros(m)
    if base > 0:
        for k in range(m):
            effects[k] = max(
                0.0, 1.0 - conversion_probability(starts, inner, ends, removed=k) / base
            )
    return keys, effects, base


def attribution(
    log: Any,
    by: Literal["touchpoint", "channel"] = "touchpoint",
    conversion_events: Sequence[str] | None = None,
    occurrence: int = 1,
    exclude_from_last: Sequence[str] = (),
    both_keys: bool = False,
) -> pd.DataFrame:
    """First-touch, last-touch and Markov removal-effect shares per touchpoint or channel.

    Columns: key, label (touchpoint name when the log has a project), conversions_first,
    conversions_last (converting customers crediting the key), removal_effect (0..1),
    first_touch, last_touch, markov_removal (shares, each summing to one when anyone
    converted, all zero otherwise). Sorted by markov_removal, largest first.
    ``conversion_events`` and ``occurrence`` choose what converting is (default: the
    log's conversion events, the first one); keys in ``exclude_from_last`` never get
    last-touch credit (the touch before them does), e.g. the checkout where the
    conversion itself happens. ``both_keys``: the other key will be asked for too, so
    both are counted in one pass (see :func:`path_counts`).
    """
    counts = path_counts(log, by, conversion_events, occurrence, both_keys=both_keys)
    if counts.empty:
        return pd.DataFrame(
            {
                c: pd.Series(dtype="float64" if c not in ("key", "label") else "object")
                for c in ATTRIBUTION_COLUMNS
            }
        )
    keys, effects, _ = markov_removal_effects(counts)
    converted = counts[counts["converted"]]
    first = converted[converted["prev"].isna()].groupby("key")["steps"].sum()
    if exclude_from_last:
        trimmed = path_counts(log, by, conversion_events, occurrence, exclude=exclude_from_last)
        last = trimmed[trimmed["converted"]].groupby("key")["ends"].sum()
    else:
        last = converted.groupby("key")["ends"].sum()
    effect_series = pd.Series(effects, index=keys)
    frame = pd.DataFrame(
        {
            "key": keys,
            "conversions_first": first.reindex(keys, fill_value=0).astype("int64").to_numpy(),
            "conversions_last": last.reindex(keys, fill_value=0).astype("int64").to_numpy(),
            "removal_effect": effects,
            "first_touch": _shares(first, keys).to_numpy(),
            "last_touch": _shares(last, keys).to_numpy(),
            "markov_removal": _shares(effect_series, keys).to_numpy(),
        }
    )
    frame.insert(1, "label", [_label(log, by, k) for k in keys])
    frame = frame.sort_values(
        ["markov_removal", "last_touch", "key"], ascending=[False, False, True]
    )
    return frame.reset_index(drop=True)


def _label(log: Any, by: str, key: str) -> str:
    project = getattr(log, "project", None)
    if by == "touchpoint" and project is not None:
        for tp in project.touchpoints:
            if tp.id == key:
                return tp.name
    return key
