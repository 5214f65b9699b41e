"""The Markov path counts by touchpoint and by channel together, from one sorted pass over the log.

Each count needs every customer's events in time order, the key before each event and
whether the path ends after it. One pass finds both keys' neighbours only with window
functions that skip nulls (``LAST_VALUE(... IGNORE NULLS)``), which Ibis cannot write; so
this pass is SQL, written for DuckDB and translated by sqlglot for the log's engine, around
the Ibis table of the keyed events. DuckDB and Spark run it, when both keys are wanted (the
overlay asks with ``both_keys``). One key alone, other engines, a later conversion and
excluded keys keep the Ibis query of :func:`.attribution.path_count_table`, which counts
the same (tested). Measured on 1M events: 0.28 s for both keys against 0.43 s for the two
Ibis queries; on 10M, 2.7 s against 4.2 s.
"""

from __future__ import annotations

__all__ = [
    "ENGINES",
    "KEYS",
    "both_path_counts",
    "keyed_key",
    "not_blank",
    "not_blank_bytewise",
    "typed_counts",
]

from collections.abc import Sequence
from typing import Any

import ibis
import ibis.expr.operations as ops
import ibis.expr.types as ir
import pandas as pd
import sqlglot

from .events import backend_name

ENGINES: frozenset[str] = frozenset({"duckdb", "pyspark"})
"""The engines that run the pass (window functions that skip nulls, ``COUNT(*) FILTER``)."""
KEYS: dict[str, str] = {"touchpoint": "tp", "channel": "ch"}
"""Each key the pass counts, with its short name in the query."""

_WALK = "PARTITION BY user_id ORDER BY ts, seq"
_NEIGHBOURS = "\n".join(
    f"""
    LAST_VALUE({k} IGNORE NULLS) OVER ({_WALK}
      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS {k}_before,
    FIRST_VALUE(CASE WHEN conv = 1 THEN 1 WHEN {k} IS NOT NULL THEN 0 END IGNORE NULLS)
      OVER ({_WALK} ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS {k}_next,"""
    for k in KEYS.values()
)
_COUNTS = ",\n".join(
    f"""
  COUNT(*) FILTER (WHERE {k} IS NOT NULL AND ({k}_before IS NULL OR {k}_before <> {k})) AS {k}_steps,
  COUNT(*) FILTER (WHERE {k} IS NOT NULL AND ({k}_next IS NULL OR {k}_next = 1)) AS {k}_ends"""
    for k in KEYS.values()
)
PASS_SQL = f"""
SELECT tp_before, tp, ch_before, ch, converted,{_COUNTS}
FROM (
  SELECT tp, ch,{_NEIGHBOURS}
    SUM(conv) OVER ({_WALK} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS done,
    MAX(conv) OVER (PARTITION BY user_id) = 1 AS converted
  FROM keyed_events
) AS walked
WHERE done = 0
GROUP BY tp_before, tp, ch_before, ch, converted
"""
"""Each event before a customer's first conversion, with the touchpoint and the channel before it
(nulls skipped) and whether the next event with that key or a conversion is a conversion (or
none is: the path ends), counted by both keys' steps at once."""

PASS_SCHEMA = ibis.schema(
    {
        **{f"{k}{part}": "string" for k in KEYS.values() for part in ("_before", "")},
        "converted": "boolean",
        **{f"{k}_{count}": "int64" for k in KEYS.values() for count in ("steps", "ends")},
    }
)
"""The columns :data:`PASS_SQL` gives."""


def keyed_key(
    table: ir.Table, by: str, exclude: Sequence[str] = (), bytewise: bool = False
) -> ir.StringValue:
    """``by`` as text where it names a usable key (not missing, not blank, not excluded), else null.

    ``bytewise``: the engine compares text byte by byte (DuckDB, Spark), see
    :func:`not_blank_bytewise`.
    """
    key = table[by].cast("string")
    usable = key.notnull() & (not_blank_bytewise(key) if bytewise else not_blank(key))
    if exclude:
        usable = usable & ~key.isin([str(k) for k in exclude])
    return ibis.ifelse(usable, key, ibis.null("string"))


def not_blank(key: ir.StringValue) -> ir.BooleanValue:
    """Whether a key has more than spaces; trimmed only when it starts with one (trimming every key is slow)."""
    return ibis.ifelse(key.left(1).isin([" ", "\t", "\n"]), key.strip() != "", key.length() > 0)


def not_blank_bytewise(key: ir.StringValue) -> ir.BooleanValue:
    """:func:`not_blank` where text sorts by its bytes: a key from "!" up starts with no space, so
    only the few below it are trimmed, and the comparison reads each key's first bytes only."""
    return ibis.ifelse(key >= "!", True, key.strip() != "")


def both_path_counts(log: Any, conversions: Sequence[str]) -> dict[str, pd.DataFrame] | None:
    """Path counts (prev, key, converted, steps, ends) for every key in :data:`KEYS`, from one pass.

    None when the log's engine cannot run the pass or its table lacks a key. Kept on the
    log (``remembered``) while its table stays the same, so the second analysis reads them.
    """
    table = getattr(log, "table", None)
    if table is None or not set(KEYS) <= set(table.columns):
        return None
    if backend_name(log.backend) not in ENGINES:
        return None
    names = tuple(str(c) for c in conversions)

    def count() -> dict[str, pd.DataFrame]:
        return _split(_pass(table, names, log.backend).to_pandas())

    remembered = getattr(log, "remembered", None)
    return remembered(("path_counts", names), count) if callable(remembered) else count()


def _pass(table: ir.Table, conversions: Sequence[str], backend: Any) -> ir.Table:
    """The pass as an Ibis table: the keyed events in Ibis, the walk over them in SQL."""
    keyed = table.select(
        "user_id",
        "ts",
        "seq",
        **{short: keyed_key(table, by, bytewise=True) for by, short in KEYS.items()},
        conv=table.event.isin(list(conversions) or ["\0"]).cast("int64"),
    )
    keyed = keyed.filter(keyed.tp.notnull() | keyed.ch.notnull() | (keyed.conv == 1))
    # as Table.sql builds it, with the result's columns given: Table.sql would ask the engine
    # for them before Ibis has sent it the tables it holds in memory (the touchpoints)
    query = (
        PASS_SQL
        if backend_name(backend) == "duckdb"
        else sqlglot.transpile(PASS_SQL, read="duckdb", write=backend.dialect)[0]
    )
    view = ops.SQLStringView(
        parent=keyed.alias("keyed_events").op(), query=query, schema=PASS_SCHEMA
    )
    return view.to_expr()


def _split(counted: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Each key's own counts from the pass's counts by both keys at once."""
    out: dict[str, pd.DataFrame] = {}
    for by, k in KEYS.items():
        rows = counted[counted[k].notna()]
        frame = (
            rows.groupby([f"{k}_before", k, "converted"], dropna=False, sort=False)[
                [f"{k}_steps", f"{k}_ends"]
            ]
            .sum()
            .reset_index()
        )
        frame.columns = ["prev", "key", "converted", "steps", "ends"]
        out[by] = typed_counts(frame)
    return out


def typed_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Path counts as :func:`.attribution.path_counts` gives them: a path's first step has ``prev``
    None, the counts are whole numbers and ``converted`` a flag, whichever engine counted them."""
    frame["prev"] = frame["prev"].astype(object).where(frame["prev"].notna(), None)
    return frame.astype({"steps": "int64", "ends": "int64", "converted": bool})
