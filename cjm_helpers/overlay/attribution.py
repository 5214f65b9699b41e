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
``log.conversion_events``) the path stops before the first conversion event.
Customers with an empty path have nothing to credit and are left out.

The paths are counted with Ibis, so the work runs where the log lives (DuckDB,
Spark, ...); only a table of at most (keys² x 2) counts comes back to pandas,
and the Markov chain is solved on that small matrix with numpy.
"""

from __future__ import annotations

from typing import Any, Literal

import ibis
import numpy as np
import pandas as pd

from .. import i18n
from ..errors import DataError

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


def path_counts(log: Any, by: Literal["touchpoint", "channel"] = "touchpoint") -> pd.DataFrame:
    """Counted steps and ends of every customer's path: columns prev, key, converted, steps, ends.

    ``steps`` counts the path steps onto ``key`` from ``prev`` (missing for a path's
    first step) by customers who converted or not; ``ends`` counts the paths whose
    last step is ``key`` (a row with steps 0 can carry ends only). One sorted pass per
    customer, over their keyed events and conversions together, finds where the first
    conversion falls and the keys either side of each step. Computed with Ibis; the
    result is small.
    """
    table = log.table
    if by not in ("touchpoint", "channel"):
        raise DataError(i18n.t("errors.overlay.attribution_by", by=repr(by)))
    if by not in table.columns:
        source = getattr(log, "source", None) or i18n.t("errors.overlay.the_log")
        raise DataError(
            i18n.t("errors.overlay.attribution_column", source=source, column=repr(by), by=by)
        )
    conversions = [str(e) for e in (getattr(log, "conversion_events", ()) or ())]
    key = table[by].cast("string")
    has_key = key.notnull() & (key.strip() != "")
    is_conv = table.event.isin(conversions) if conversions else table.seq < 0
    # one sort per customer over their keyed events and conversions: the events before the first
    # conversion are a run at the start, so the steps either side of each of them are its neighbours
    t = table.filter(has_key | is_conv).select(
        "user_id", "ts", "seq", key=ibis.ifelse(has_key, key, ibis.null("string")), conv=is_conv
    )
    order = [t.ts, t.seq]
    so_far = ibis.window(group_by=t.user_id, order_by=order, preceding=None, following=0)
    whole = ibis.window(group_by=t.user_id, order_by=order, preceding=None, following=None)
    w = ibis.window(group_by=t.user_id, order_by=order)
    t = t.mutate(
        seen=t.conv.cast("int8").max().over(so_far),
        converted=t.conv.cast("int8").max().over(whole),
        before=t.key.lag().over(w),
        next_conv=t.conv.lead().over(w),
    )
    t = t.filter(t.key.notnull() & (t.seen == 0))
    # a step is the first of a run of the same key (consecutive repeats merge); the last event before
    # the conversion (or of the path) ends it
    is_step = t.before.isnull() | (t.before != t.key)
    ends = t.next_conv.fill_null(True)
    counts = t.group_by(prev=t.before, key=t.key, converted=t.converted == 1).aggregate(
        steps=is_step.cast("int64").sum(), ends=ends.cast("int64").sum()
    )
    frame = counts.to_pandas()
    frame["prev"] = frame["prev"].astype(object).where(frame["prev"].notna(), None)
    frame["steps"] = frame["steps"].astype("int64")
    frame["ends"] = frame["ends"].astype("int64")
    frame["converted"] = frame["converted"].astype(bool)
    return frame


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


def attribution(log: Any, by: Literal["touchpoint", "channel"] = "touchpoint") -> pd.DataFrame:
    """First-touch, last-touch and Markov removal-effect shares per touchpoint or channel.

    Columns: key, label (touchpoint name when the log has a project), conversions_first,
    conversions_last (converting customers crediting the key), removal_effect (0..1),
    first_touch, last_touch, markov_removal (shares, each summing to one when anyone
    converted, all zero otherwise). Sorted by markov_removal, largest first.
    """
    counts = path_counts(log, by)
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
