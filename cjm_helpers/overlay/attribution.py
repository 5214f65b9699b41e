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
Spark, ...); only a table of at most (keys² x 4) counts comes back to pandas,
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
    "key", "label", "conversions_first", "conversions_last", "removal_effect",
    "first_touch", "last_touch", "markov_removal",
)
"""Columns of :func:`attribution`; the three shares each sum to one."""


def path_counts(log: Any, by: Literal["touchpoint", "channel"] = "touchpoint") -> pd.DataFrame:
    """Counted steps of every customer's path: columns prev, key, last, converted, n.

    ``prev`` is the previous key (missing for the first step), ``last`` says whether
    the step ends the path, ``converted`` whether its customer converted, ``n`` how
    many steps share these four values. Computed with Ibis; the result is small.
    """
    table = log.table
    if by not in ("touchpoint", "channel"):
        raise DataError(i18n.t("errors.overlay.attribution_by", by=repr(by)))
    if by not in table.columns:
        source = getattr(log, "source", None) or i18n.t("errors.overlay.the_log")
        raise DataError(i18n.t("errors.overlay.attribution_column", source=source, column=repr(by), by=by))
    conversions = [str(e) for e in (getattr(log, "conversion_events", ()) or ())]
    t = table.select("user_id", "ts", "seq", "event", key=table[by].cast("string"))
    per_user = ibis.window(group_by=t.user_id, order_by=[t.ts, t.seq])
    t = t.mutate(pos=ibis.row_number().over(per_user))
    if conversions:
        conv_pos = ibis.ifelse(t.event.isin(conversions), t.pos, ibis.null("int64"))
    else:  # nobody can convert: a column of nulls (a bare null scalar cannot be windowed)
        conv_pos = ibis.ifelse(t.pos < 0, t.pos, ibis.null("int64"))
    t = t.mutate(conv_pos=conv_pos.min().over(ibis.window(group_by=t.user_id)))
    t = t.filter(t.key.notnull() & (t.key.strip() != "") & (t.conv_pos.isnull() | (t.pos < t.conv_pos)))
    # merge consecutive repeats of the same key
    w = ibis.window(group_by=t.user_id, order_by=t.pos)
    t = t.mutate(before=t.key.lag().over(w))
    t = t.filter(t.before.isnull() | (t.before != t.key))
    w = ibis.window(group_by=t.user_id, order_by=t.pos)
    t = t.mutate(prev=t.key.lag().over(w), after=t.key.lead().over(w), converted=t.conv_pos.notnull())
    counts = (
        t.group_by(prev=t.prev, key=t.key, last=t.after.isnull(), converted=t.converted)
        .aggregate(n=t.count())
    )
    frame = counts.to_pandas()
    frame["n"] = frame["n"].astype("int64")
    frame["last"] = frame["last"].astype(bool)
    frame["converted"] = frame["converted"].astype(bool)
    return frame


def _shares(counts: pd.Series, keys: list[str]) -> pd.Series:
    counts = counts.reindex(keys, fill_value=0).astype(float)
    total = counts.sum()
    return counts / total if total > 0 else counts * 0.0


def conversion_probability(starts: np.ndarray, inner: np.ndarray, ends: np.ndarray,
                           removed: int | None = None) -> float:
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
    for prev, key, last, converted, n in counts[["prev", "key", "last", "converted", "n"]].itertuples(
            index=False):
        j = index[key]
        if prev is None or pd.isna(prev):
            starts[j] += n
        else:
            inner[index[prev], j] += n
        if last:
            ends[j, 0 if converted else 1] += n
    base = conversion_probability(starts, inner, ends)
    effects = np.zeros(m)
    if base > 0:
        for k in range(m):
            effects[k] = max(0.0, 1.0 - conversion_probability(starts, inner, ends, removed=k) / base)
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
        return pd.DataFrame({c: pd.Series(dtype="float64" if c not in ("key", "label") else "object")
                             for c in ATTRIBUTION_COLUMNS})
    keys, effects, _ = markov_removal_effects(counts)
    converted = counts[counts["converted"]]
    first = converted[converted["prev"].isna()].groupby("key")["n"].sum()
    last = converted[converted["last"]].groupby("key")["n"].sum()
    effect_series = pd.Series(effects, index=keys)
    frame = pd.DataFrame({
        "key": keys,
        "conversions_first": first.reindex(keys, fill_value=0).astype("int64").to_numpy(),
        "conversions_last": last.reindex(keys, fill_value=0).astype("int64").to_numpy(),
        "removal_effect": effects,
        "first_touch": _shares(first, keys).to_numpy(),
        "last_touch": _shares(last, keys).to_numpy(),
        "markov_removal": _shares(effect_series, keys).to_numpy(),
    })
    frame.insert(1, "label", [_label(log, by, k) for k in keys])
    frame = frame.sort_values(["markov_removal", "last_touch", "key"], ascending=[False, False, True])
    return frame.reset_index(drop=True)


def _label(log: Any, by: str, key: str) -> str:
    project = getattr(log, "project", None)
    if by == "touchpoint" and project is not None:
        for tp in project.touchpoints:
            if tp.id == key:
                return tp.name
    return key
