"""The overlay's analyses against the queries an analyst would write directly on the raw Parquet.

Run: .venv/bin/python benchmarks/bench_overlay.py [--sizes 1000000,10000000] [--repeats 3] [--100m]

For each size the suite's own generator (:func:`cjm_helpers.overlay.generate_events`, seeded,
in chunks of 200,000 customers) writes a Parquet log with native types (text ids, a real
timestamp column); logs are kept in ``--data`` so a second run reuses them. 100M events are
ten copies of the 10M log with the customers renamed (generating them one by one takes hours).

Each analysis runs three ways, each in a fresh process: cjm (``load_events(...).cached()`` on
the Parquet file, then the analysis, as ``cjm overlay`` and the notebooks run it; the analysis
alone, after the log is cached, is shown too), hand-written DuckDB SQL and hand-written
polars, both on the raw file (native types, the reader's row number as the tie-break, no
row-number window, no join the analysis does not need, one group-by where one will do). The
analyses are every one ``cjm overlay`` runs on an event log, as it runs them: open and closed
funnel by stage, transitions, the top 15 paths by touchpoint (repeats merged), time between
stages, the Markov attribution by touchpoint, then gaps (switches of device, channel and
department, and the drop-off after them), the KPIs, the Markov attribution by channel and the
events of no touchpoint. Variants are interleaved and each is run ``--repeats`` times; the
median wall time of the work (imports excluded) and the peak resident memory are printed, with
the ratio of cjm to the faster hand-written variant. End to end is ``cjm overlay`` (a whole
process, imports, figures and the HTML summary included) against the sum of the hand-written
queries' work for all nine analyses, and against an analyst's script that runs the nine DuckDB
queries one after another in one process (its start and imports counted, as cjm's are); the
run's own clock splits it (the first five analyses, the four others, loading, figures, the
HTML page, and the rest: imports, command line, writing), and its analyses alone (and with
loading) are compared with the same sum. The comparison of the first five alone (the five the
issue first measured) is printed too, labelled. Every hand-written result is checked equal to cjm's first.

cjm's clock starts after ``cjm_helpers.overlay`` and Ibis's DuckDB backend are imported, as the
hand-written variants start after ``duckdb`` or ``polars`` is; ``cjm overlay`` end to end counts every
import. A Parquet log read by DuckDB is not copied into memory by ``.cached()``: each analysis
reads the file, as the hand-written queries do.

polars is needed for the polars variant: it is installed from constraints.txt when missing
(or install it yourself: .venv/bin/pip install -c constraints.txt polars). The machine is
usually shared: compare ratios from the same run, not seconds across runs.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import pickle
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CHUNK_USERS = 200_000
EVENTS_PER_USER = 3.93  # the generator makes about four events per customer on the sample project
ANALYSES = (
    "funnel",
    "transitions",
    "top_paths",
    "stage_times",
    "markov",
    "gaps",
    "kpis",
    "channel_markov",
    "unmatched",
)
"""Every analysis ``cjm overlay`` runs on an event log (no survey, no tickets), in its order; the first five
are the ones the issue measured first."""
FIVE = ANALYSES[:5]
HAND = ("duckdb", "polars")
TOP = 15
"""As many paths as ``cjm overlay`` lists."""
GAP_KINDS = ("device", "channel", "department")
TOLERANCE = 1e-9


# --- data -------------------------------------------------------------------------------------


def make_log(events: int, folder: Path) -> Path:
    """A Parquet log of about ``events`` rows from the suite's generator (kept for later runs)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from cjm_helpers.overlay.generate import generate_events
    from cjm_helpers.paths import SAMPLE_PROJECT
    from cjm_helpers.store import load_project

    path = folder / f"events_{events}.parquet"
    if path.exists():
        return path
    if events >= 100_000_000:
        return _replicate(make_log(10_000_000, folder), events // 10_000_000, path)
    project = load_project(SAMPLE_PROJECT)
    users = max(1, round(events / EVENTS_PER_USER))
    partial = path.with_suffix(".partial")
    writer = None
    written = 0
    started = time.perf_counter()
    for seed, start in enumerate(range(0, users, CHUNK_USERS)):
        frame = generate_events(project, users=min(CHUNK_USERS, users - start), seed=seed)
        frame["user_id"] = frame["user_id"].str.replace("u", f"u{seed}-", n=1, regex=False)
        frame["session_id"] = frame["session_id"].str.replace("u", f"u{seed}-", n=1, regex=False)
        frame["timestamp"] = frame["timestamp"].astype("datetime64[us]")
        table = pa.Table.from_pandas(frame, preserve_index=False)
        writer = writer or pq.ParquetWriter(partial, table.schema)
        writer.write_table(table)
        written += len(frame)
        print(f"\r  generating: {written:,} events", end="", flush=True)
    assert writer is not None
    writer.close()
    partial.rename(path)
    print(
        f"\r  generated {written:,} events of {users:,} customers in {time.perf_counter() - started:.0f} s"
        f" -> {path}",
        flush=True,
    )
    return path


def _replicate(source: Path, copies: int, path: Path) -> Path:
    import duckdb

    parts = " UNION ALL ".join(
        f"SELECT 'r{k}-' || user_id AS user_id, 'r{k}-' || session_id AS session_id, timestamp, event, channel, "
        f"device FROM read_parquet('{source}')"
        for k in range(copies)
    )
    partial = path.with_suffix(".partial")
    con = duckdb.connect()
    con.execute(f"SET temp_directory = '{path.parent / 'duckdb-tmp'}'")
    # a bounded copy: with DuckDB's defaults (80% of memory, rows kept in order) it held 14 GiB
    con.execute("SET memory_limit = '2GB'")
    con.execute("SET preserve_insertion_order = false")
    con.execute(f"COPY ({parts}) TO '{partial}' (FORMAT parquet, ROW_GROUP_SIZE 200000)")
    partial.rename(path)
    print(f"  wrote {copies} renamed copies of {source.name} -> {path}", flush=True)
    return path


Row = tuple[str, str, str, int, str | None, str | None, str | None]
Setup = tuple[list[Row], list[str], tuple[str, ...], Any, dict[str, list[str]]]
MAP_COLUMNS = ["event", "tp", "stage", "stage_order", "tp_channel", "tp_device", "tp_department"]


def mapping() -> Setup:
    """What the analyst reads off the inventory: (event, touchpoint, stage, stage order, channel, device,
    department), stages, conversions, then the project (for cjm) and the events behind each KPI.

    The KPI events are the ones cjm guesses from the inventory's event names (the sample project names
    none). Read before the clock starts, in every variant."""
    from cjm_helpers.overlay.events import default_conversion_events
    from cjm_helpers.overlay.kpis import KINDS, NOT_AN_ACTION, PATTERNS
    from cjm_helpers.paths import SAMPLE_PROJECT
    from cjm_helpers.store import load_project

    project = load_project(SAMPLE_PROJECT)
    stages = project.stage_ids()
    rows: dict[str, Row] = {}
    for tp in project.touchpoints:
        for event in tp.events:
            rows.setdefault(
                event,
                (
                    event,
                    tp.id,
                    tp.stage,
                    stages.index(tp.stage),
                    tp.channel or None,
                    tp.device or None,
                    tp.owner_department or None,
                ),
            )
    conversions = default_conversion_events(project)
    kpi = {
        kind: sorted(
            e
            for e in rows
            if re.search(PATTERNS[kind], e, re.IGNORECASE)
            and e not in conversions
            and not NOT_AN_ACTION.search(e)
        )
        for kind in KINDS
    }
    return list(rows.values()), stages, conversions, project, kpi


# --- cjm ----------------------------------------------------------------------------------------


LOADED_AT: list[float] = []
"""When cjm's log was loaded and cached in this process: the analysis alone is timed from there."""


def cjm_run(analysis: str, path: str, setup: Setup) -> Any:
    """One analysis as ``cjm overlay`` and the notebooks run it: load and cache the log, then analyse."""
    from cjm_helpers import overlay as ov
    from cjm_helpers.overlay.paths import time_between_stages

    log = ov.load_events(path, project=setup[3]).cached()
    LOADED_AT.append(time.perf_counter())
    if analysis == "funnel":
        f = ov.funnel(log)
        return [(i, int(r.users_open), int(r.users_closed)) for i, r in enumerate(f.itertuples())]
    if analysis == "transitions":
        f = ov.transitions(log)
        return sorted((r[0], r[1], int(r[2]), int(r[3])) for r in f.itertuples(index=False))
    if analysis == "top_paths":
        f = ov.top_paths(log, n=TOP, on="touchpoint")
        return [(r.path, int(r.steps), int(r.count)) for r in f.itertuples()]
    if analysis == "stage_times":
        f = time_between_stages(log)
        return [
            (i, int(r.users), r.q1_hours, r.median_hours, r.q3_hours, r.mean_hours)
            for i, r in enumerate(f.itertuples())
            if r.users
        ]
    if analysis in ("markov", "channel_markov"):
        f = ov.attribution(log, by="channel" if analysis == "channel_markov" else "touchpoint")
        return {r.key: float(r.removal_effect) for r in f.itertuples()}
    if analysis == "gaps":
        f = ov.gaps(log)
        return [(r.kind, bool(r.switched), int(r.steps), int(r.drop_offs)) for r in f.itertuples()]
    if analysis == "kpis":
        f = ov.kpis(log)
        return [(r.kpi, float(r.numerator), float(r.denominator)) for r in f.itertuples()]
    if analysis == "unmatched":
        f = log.unmatched_events()
        return [(r.event, int(r.events), int(r.users)) for r in f.itertuples()]
    raise SystemExit(f"unknown analysis {analysis}")


def kpi_rows(
    c: dict[str, int], kpi: dict[str, list[str]], conversions: tuple[str, ...]
) -> list[tuple[str, float, float]]:
    """(KPI, numerator, denominator) from the hand-written counts, by the rules of cjm's KPI table: each KPI
    only where its events exist and its denominator is not zero (no tickets here)."""
    wanted = [("bounce_rate", c["single"], c["visits"])]
    if conversions:
        wanted.append(("conversion_rate", c["converted"], c["users"]))
    if kpi["checkout"] and conversions:
        wanted.append(
            ("checkout_abandonment", c["checkout"] - c["checkout_converted"], c["checkout"])
        )
    if kpi["impression"] and kpi["click"]:
        wanted.append(("click_through_rate", c["clicks"], c["impressions"]))
    if kpi["scroll"]:
        wanted.append(("scroll_rate", c["scrolled"], c["users"]))
    if c["converted"]:
        for kind in ("review", "referral"):
            if kpi[kind]:
                wanted.append((f"{kind}s_per_customer", c[f"{kind}s"], c["converted"]))
    return [(k, float(n), float(d)) for k, n, d in wanted if d]


KPI_COUNTS = (
    "users",
    "converted",
    "checkout",
    "checkout_converted",
    "scrolled",
    "reviews",
    "referrals",
    "impressions",
    "clicks",
    "visits",
    "single",
)


# --- hand-written DuckDB SQL -------------------------------------------------------------------


def _codes(stages: list[str]) -> list[str]:
    return [chr(65 + i) for i in range(len(stages))]


def duckdb_run(analysis: str, path: str, setup: Setup) -> Any:
    import duckdb
    import pandas as pd

    rows, stages, conversions, _, kpi = setup
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    m = pd.DataFrame(rows, columns=MAP_COLUMNS)
    m["code"] = [chr(65 + s) for s in m["stage_order"]]
    con.register("m_frame", m)
    # a table, not the registered frame: a join with a pandas frame scans it row by row (5x slower)
    con.execute("CREATE TABLE m AS SELECT * FROM m_frame")
    src = f"read_parquet('{path}', file_row_number = true)"
    conv = ", ".join(f"'{c}'" for c in conversions) or "NULL"

    def among(kind: str) -> str:
        return "event IN (" + (", ".join(f"'{e}'" for e in kpi[kind]) or "NULL") + ")"

    if analysis == "funnel":
        codes = _codes(stages)
        opened = ", ".join(f"count(*) FILTER (WHERE contains(p, '{c}'))" for c in codes)
        closed = ", ".join(
            f"count(*) FILTER (WHERE p LIKE '%{'%'.join(codes[: i + 1])}%')"
            for i in range(len(codes))
        )
        got = con.execute(f"""
            WITH u AS (SELECT string_agg(m.code, '' ORDER BY e.timestamp, e.file_row_number) AS p
                       FROM {src} e JOIN m USING (event) GROUP BY e.user_id)
            SELECT {opened}, {closed} FROM u""").fetchone()
        k = len(codes)
        return [(i, int(got[i]), int(got[k + i])) for i in range(k)]
    if analysis == "transitions":
        got = con.execute(f"""
            SELECT event, nxt, count(DISTINCT user_id), count(*) FROM (
              SELECT user_id, event, lead(event) OVER (PARTITION BY user_id ORDER BY timestamp, file_row_number) nxt
              FROM {src}) WHERE nxt IS NOT NULL GROUP BY ALL""").fetchall()
        return sorted((a, b, int(u), int(n)) for a, b, u, n in got)
    if analysis == "top_paths":
        got = con.execute(f"""
            WITH e AS (SELECT user_id, coalesce(m.tp, event) label, timestamp, file_row_number
                       FROM {src} LEFT JOIN m USING (event)),
                 d AS (SELECT *, lag(label) OVER (PARTITION BY user_id ORDER BY timestamp, file_row_number) prev
                       FROM e),
                 u AS (SELECT string_agg(label, ' > ' ORDER BY timestamp, file_row_number) path, count(*) steps
                       FROM d WHERE prev IS DISTINCT FROM label GROUP BY user_id)
            SELECT path, steps, count(*) n FROM u GROUP BY ALL ORDER BY n DESC, path LIMIT {TOP}""").fetchall()
        return [(p, int(s), int(n)) for p, s, n in got]
    if analysis == "stage_times":
        firsts = ", ".join(
            f"min(timestamp) FILTER (WHERE stage_order = {i}) f{i}" for i in range(len(stages))
        )
        pairs = []
        for i in range(len(stages) - 1):
            h, ok = f"(epoch(f{i + 1}) - epoch(f{i})) / 3600.0", f"FILTER (WHERE f{i + 1} >= f{i})"
            pairs.append(
                f"count(*) {ok}, quantile_cont({h}, 0.25) {ok}, quantile_cont({h}, 0.5) {ok}, "
                f"quantile_cont({h}, 0.75) {ok}, avg({h}) {ok}"
            )
        got = con.execute(f"""
            WITH u AS (SELECT user_id, {firsts} FROM {src} JOIN m USING (event) GROUP BY user_id)
            SELECT {", ".join(pairs)} FROM u""").fetchone()
        return [
            (i, int(got[5 * i]), *got[5 * i + 1 : 5 * i + 5])
            for i in range(len(stages) - 1)
            if got[5 * i]
        ]
    if analysis in ("markov", "channel_markov"):
        key = "coalesce(channel, m.tp_channel)" if analysis == "channel_markov" else "m.tp"
        got = con.execute(f"""
            WITH e AS (SELECT user_id, timestamp ts, file_row_number rn, event, {key} AS key
                       FROM {src} LEFT JOIN m USING (event)),
                 c AS (SELECT user_id, min({{'ts': ts, 'rn': rn}}) first_conv FROM e WHERE event IN ({conv})
                       GROUP BY user_id),
                 k AS (SELECT e.user_id, ts, rn, key, first_conv IS NOT NULL converted FROM e LEFT JOIN c USING (user_id)
                       WHERE key IS NOT NULL AND (first_conv IS NULL OR {{'ts': ts, 'rn': rn}} < first_conv)),
                 w AS (SELECT key, converted, lag(key) OVER o before, lead(key) OVER o after FROM k
                       WINDOW o AS (PARTITION BY user_id ORDER BY ts, rn))
            SELECT before, key, converted, count(*) FILTER (WHERE before IS DISTINCT FROM key) steps,
                   count(*) FILTER (WHERE after IS NULL) ends
            FROM w GROUP BY ALL""").fetchall()
        return removal_effects(got)
    if analysis == "gaps":
        lags = ", ".join(f"{k}, lag({k}) OVER o p_{k}" for k in GAP_KINDS)
        figures = ", ".join(
            f"count(*) FILTER (WHERE {k} {op} p_{k}), count(*) FILTER (WHERE {k} {op} p_{k} AND dropped)"
            for k in GAP_KINDS
            for op in ("<>", "=")
        )
        got = con.execute(f"""
            WITH e AS (SELECT user_id, timestamp ts, file_row_number rn, event IN ({conv}) conv,
                              coalesce(device, m.tp_device) device, coalesce(channel, m.tp_channel) channel,
                              m.tp_department department
                       FROM {src} LEFT JOIN m USING (event)),
                 w AS (SELECT {lags}, lead(rn) OVER o IS NULL AND NOT bool_or(conv) OVER u dropped FROM e
                       WINDOW o AS (PARTITION BY user_id ORDER BY ts, rn), u AS (PARTITION BY user_id))
            SELECT {figures} FROM w""").fetchone()
        return [
            (k, switched, int(got[4 * i + 2 * j]), int(got[4 * i + 2 * j + 1]))
            for i, k in enumerate(GAP_KINDS)
            for j, switched in enumerate((True, False))
        ]
    if analysis == "kpis":
        got = con.execute(f"""
            WITH u AS (SELECT bool_or(event IN ({conv})) converted, bool_or({among("checkout")}) checkout,
                              bool_or({among("scroll")}) scrolled, count(*) FILTER ({among("review")}) reviews,
                              count(*) FILTER ({among("referral")}) referrals,
                              count(*) FILTER ({among("impression")}) impressions,
                              count(*) FILTER ({among("click")}) clicks
                       FROM {src} GROUP BY user_id),
                 s AS (SELECT count(*) = 1 single FROM {src} GROUP BY coalesce(session_id, user_id))
            SELECT count(*), count(*) FILTER (converted), count(*) FILTER (checkout),
                   count(*) FILTER (checkout AND converted), count(*) FILTER (scrolled), sum(reviews),
                   sum(referrals), sum(impressions), sum(clicks),
                   (SELECT count(*) FROM s), (SELECT count(*) FILTER (single) FROM s)
            FROM u""").fetchone()
        return kpi_rows(dict(zip(KPI_COUNTS, (int(v or 0) for v in got))), kpi, conversions)
    if analysis == "unmatched":
        got = con.execute(f"""
            SELECT event, count(*) n, count(DISTINCT user_id) FROM {src} ANTI JOIN m USING (event)
            GROUP BY event ORDER BY n DESC, event""").fetchall()
        return [(e, int(n), int(u)) for e, n, u in got]
    raise SystemExit(f"unknown analysis {analysis}")


# --- hand-written polars -------------------------------------------------------------------------


def polars_run(analysis: str, path: str, setup: Setup) -> Any:
    import polars as pl

    rows, stages, conversions, _, kpi = setup
    m = pl.DataFrame(rows, schema=MAP_COLUMNS, orient="row").with_columns(
        code=pl.col("stage_order").map_elements(lambda s: chr(65 + s), return_dtype=pl.String)
    )
    src = pl.scan_parquet(path).with_row_index("rn")
    if analysis == "funnel":
        codes = _codes(stages)
        u = (
            src.select("user_id", "timestamp", "rn", "event")
            .join(m.lazy(), on="event")
            .group_by("user_id")
            .agg(p=pl.col("code").sort_by(["timestamp", "rn"]).str.join(""))
        )
        got = (
            u.select(
                [
                    pl.col("p").str.contains(c, literal=True).sum().alias(f"o{i}")
                    for i, c in enumerate(codes)
                ]
                + [
                    pl.col("p").str.contains(".*".join(codes[: i + 1])).sum().alias(f"c{i}")
                    for i in range(len(codes))
                ]
            )
            .collect()
            .row(0)
        )
        k = len(codes)
        return [(i, int(got[i]), int(got[k + i])) for i in range(k)]
    ordered = src.select("user_id", "timestamp", "rn", "event").sort(["user_id", "timestamp", "rn"])
    same_user_next = pl.col("user_id").shift(-1) == pl.col("user_id")
    same_user_prev = pl.col("user_id").shift(1) == pl.col("user_id")
    if analysis == "transitions":
        got = (
            ordered.with_columns(nxt=pl.when(same_user_next).then(pl.col("event").shift(-1)))
            .filter(pl.col("nxt").is_not_null())
            .group_by("event", "nxt")
            .agg(users=pl.col("user_id").n_unique(), events=pl.len())
            .collect()
        )
        return sorted((a, b, int(u), int(n)) for a, b, u, n in got.iter_rows())
    if analysis == "top_paths":
        label = pl.coalesce("tp", "event")
        got = (
            src.select("user_id", "timestamp", "rn", "event")
            .join(m.lazy().select("event", "tp"), on="event", how="left")
            .sort(["user_id", "timestamp", "rn"])
            .filter(~same_user_prev.fill_null(False) | (label.shift(1) != label))
            .group_by("user_id", maintain_order=True)
            .agg(path=label.str.join(" > "), steps=pl.len())
            .group_by("path", "steps")
            .agg(n=pl.len())
            .sort(["n", "path"], descending=[True, False])
            .head(TOP)
            .collect()
        )
        return [(p, int(s), int(n)) for p, s, n in got.iter_rows()]
    if analysis == "stage_times":
        u = (
            src.join(m.lazy(), on="event")
            .group_by("user_id")
            .agg(
                [
                    pl.col("timestamp").filter(pl.col("stage_order") == i).min().alias(f"f{i}")
                    for i in range(len(stages))
                ]
            )
        )
        figures = []
        for i in range(len(stages) - 1):
            ok = pl.col(f"f{i + 1}") >= pl.col(f"f{i}")
            h = ((pl.col(f"f{i + 1}") - pl.col(f"f{i}")).dt.total_seconds() / 3600.0).filter(ok)
            figures += [
                ok.sum().alias(f"n{i}"),
                h.quantile(0.25, "linear").alias(f"a{i}"),
                h.quantile(0.5, "linear").alias(f"b{i}"),
                h.quantile(0.75, "linear").alias(f"c{i}"),
                h.mean().alias(f"d{i}"),
            ]
        got = u.select(figures).collect().row(0)
        return [
            (i, int(got[5 * i]), *got[5 * i + 1 : 5 * i + 5])
            for i in range(len(stages) - 1)
            if got[5 * i]
        ]
    is_conv = pl.col("event").is_in(list(conversions))
    if analysis in ("markov", "channel_markov"):
        key = pl.coalesce("channel", "tp_channel") if analysis == "channel_markov" else pl.col("tp")
        k = (
            src.select("user_id", "timestamp", "rn", "event", "channel")
            .join(m.lazy().select("event", "tp", "tp_channel"), on="event", how="left")
            .with_columns(key=key)
            .sort(["user_id", "timestamp", "rn"])
            .with_columns(
                seen=is_conv.cast(pl.Int32).cum_sum().over("user_id"),
                converted=is_conv.any().over("user_id"),
            )
            .filter(pl.col("key").is_not_null() & (pl.col("seen") == 0))
            .with_columns(
                before=pl.when(same_user_prev).then(pl.col("key").shift(1)),
                after=pl.when(same_user_next).then(pl.col("key").shift(-1)),
            )
            .group_by("before", "key", "converted")
            .agg(
                steps=(pl.col("before").is_null() | (pl.col("before") != pl.col("key"))).sum(),
                ends=pl.col("after").is_null().sum(),
            )
            .collect()
        )
        return removal_effects(k.iter_rows())
    if analysis == "gaps":
        prev = {k: pl.when(same_user_prev).then(pl.col(k).shift(1)) for k in GAP_KINDS}
        dropped = same_user_next.not_().fill_null(True) & pl.col("converted").not_()
        figures = []
        for k in GAP_KINDS:
            for op, name in ((pl.Expr.ne, "yes"), (pl.Expr.eq, "no")):
                hit = op(pl.col(k), prev[k]).fill_null(False)
                figures += [
                    hit.sum().alias(f"{k}_{name}"),
                    (hit & dropped).sum().alias(f"{k}_{name}_d"),
                ]
        got = (
            src.select("user_id", "timestamp", "rn", "event", "channel", "device")
            .join(
                m.lazy().select("event", "tp_channel", "tp_device", "tp_department"),
                on="event",
                how="left",
            )
            .select(
                "user_id",
                "timestamp",
                "rn",
                converted=is_conv.any().over("user_id"),
                device=pl.coalesce("device", "tp_device"),
                channel=pl.coalesce("channel", "tp_channel"),
                department="tp_department",
            )
            .sort(["user_id", "timestamp", "rn"])
            .select(figures)
            .collect()
            .row(0)
        )
        return [
            (k, switched, int(got[4 * i + 2 * j]), int(got[4 * i + 2 * j + 1]))
            for i, k in enumerate(GAP_KINDS)
            for j, switched in enumerate((True, False))
        ]
    if analysis == "kpis":

        def among(kind: str) -> pl.Expr:
            return pl.col("event").is_in(kpi[kind])

        per_user = (
            src.group_by("user_id")
            .agg(
                converted=is_conv.any(),
                checkout=among("checkout").any(),
                scrolled=among("scroll").any(),
                reviews=among("review").sum(),
                referrals=among("referral").sum(),
                impressions=among("impression").sum(),
                clicks=among("click").sum(),
            )
            .select(
                users=pl.len(),
                converted=pl.col("converted").sum(),
                checkout=pl.col("checkout").sum(),
                checkout_converted=(pl.col("checkout") & pl.col("converted")).sum(),
                scrolled=pl.col("scrolled").sum(),
                reviews=pl.col("reviews").sum(),
                referrals=pl.col("referrals").sum(),
                impressions=pl.col("impressions").sum(),
                clicks=pl.col("clicks").sum(),
            )
        )
        sessions = (
            src.group_by(pl.coalesce("session_id", "user_id"))
            .agg(n=pl.len())
            .select(visits=pl.len(), single=(pl.col("n") == 1).sum())
        )
        users, visits = pl.collect_all([per_user, sessions])
        counts = {**users.row(0, named=True), **visits.row(0, named=True)}
        return kpi_rows({k: int(counts[k] or 0) for k in KPI_COUNTS}, kpi, conversions)
    if analysis == "unmatched":
        got = (
            src.join(m.lazy().select("event"), on="event", how="anti")
            .group_by("event")
            .agg(n=pl.len(), users=pl.col("user_id").n_unique())
            .sort(["n", "event"], descending=[True, False])
            .collect()
        )
        return [(e, int(n), int(u)) for e, n, u in got.iter_rows()]
    raise SystemExit(f"unknown analysis {analysis}")


def removal_effects(counts: Any) -> dict[str, float]:
    """The Markov removal effect per touchpoint from (previous, key, converted, steps, ends) counts."""
    import numpy as np

    counts = list(counts)
    keys = sorted({k for _, k, *_ in counts} | {b for b, *_ in counts if b is not None})
    index = {k: i for i, k in enumerate(keys)}
    size = len(keys)
    starts, inner, ends = np.zeros(size), np.zeros((size, size)), np.zeros((size, 2))
    for before, key, converted, steps, end in counts:
        j = index[key]
        if before is None:
            starts[j] += steps
        elif before != key:
            inner[index[before], j] += steps
        ends[j, 0 if converted else 1] += end

    def reach(removed: int | None) -> float:
        out = inner.sum(axis=1) + ends.sum(axis=1)
        out = np.where(out > 0, out, 1.0)
        q, r = inner / out[:, None], ends[:, 0] / out
        if removed is not None:
            q, r = q.copy(), r.copy()
            q[removed, :], r[removed] = 0.0, 0.0
        x = np.linalg.solve(np.eye(size) - q, r)
        if removed is not None:
            x[removed] = 0.0
        return float(starts / starts.sum() @ x)

    base = reach(None)
    return {k: max(0.0, 1.0 - reach(i) / base) if base > 0 else 0.0 for k, i in index.items()}


RUNNERS = {"cjm": cjm_run, "duckdb": duckdb_run, "polars": polars_run}
WARM_UP = {
    "cjm": ("cjm_helpers.overlay", "ibis.backends.duckdb"),
    "duckdb": ("duckdb", "pandas"),
    "polars": ("polars",),
}
"""Modules imported before the clock starts, so the work is compared, not the start-up."""


# --- processes ---------------------------------------------------------------------------------


def child(variant: str, analysis: str, path: str, result: str) -> None:
    """Run in a fresh process: imports, then the timed work; the result is pickled for the check."""
    for module in WARM_UP[variant] if analysis != "e2e" else ():  # end to end counts every import
        importlib.import_module(module)
    setup = mapping() if analysis != "e2e" else None  # the command reads the project itself
    started = time.perf_counter()
    parts: dict[str, float] = {}
    value: Any = None
    if variant != "cjm" and analysis == "e2e":
        # the analyst's script: the nine queries one after another in one process, imports included
        # (its inventory written in by hand: read here from the parent's pickle, without cjm)
        script_setup = pickle.loads(Path(result).with_suffix(".setup").read_bytes())
        value = [RUNNERS[variant](a, path, script_setup) for a in ANALYSES]
    elif variant == "cjm" and analysis == "e2e":
        import cjm_helpers.overlay.run as overlay_run
        from cjm_helpers.cli import command
        from cjm_helpers.paths import SAMPLE_PROJECT

        real_run = overlay_run.run_overlay

        def timed_run(*args: Any, **kwargs: Any) -> Any:
            results = real_run(*args, **kwargs)
            parts.update(results.seconds)
            return results

        overlay_run.run_overlay = (
            timed_run  # the command imports it when it runs: its split is kept
        )
        with tempfile.TemporaryDirectory(prefix="cjm-bench-out-") as out:
            # as the installed command runs it (its collector tuned for one run, see cjm_helpers.collector)
            sys.argv = [
                "cjm",
                "overlay",
                path,
                "--project",
                str(SAMPLE_PROJECT),
                "--out",
                out,
                "--no-progress",
            ]
            code = command()
        if code:
            raise SystemExit(code)
    else:
        assert setup is not None
        value = RUNNERS[variant](analysis, path, setup)
    finished = time.perf_counter()
    Path(result).write_bytes(pickle.dumps(value))
    print(
        json.dumps(
            {
                "seconds": finished - started,
                "analysis": finished - (LOADED_AT or [started])[0],
                "rss_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
                "parts": parts,
            }
        )
    )


def measure(variant: str, analysis: str, path: Path, result: Path) -> dict[str, float]:
    """Work seconds, whole-process wall seconds and peak memory of one variant in a fresh process."""
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            variant,
            analysis,
            str(path),
            str(result),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-3:]
        raise SystemExit(f"{variant} {analysis} failed on {path.name}:\n  " + "\n  ".join(tail))
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        "seconds": figures["seconds"],
        "analysis": figures["analysis"],
        "wall": wall,
        "rss_gib": figures["rss_gib"],
        "parts": figures.get("parts", {}),
    }


IN_E2E = {
    "funnel": "funnel",
    "transitions": "transitions",
    "top_paths": "top_paths",
    "stage_times": "time_between_stages",
    "markov": "attribution",
    "gaps": "gaps",
    "kpis": "kpis",
    "channel_markov": "attribution_channel",
    "unmatched": "unmatched_events",
}
"""The overlay's step that answers each benchmarked analysis (its Markov steps are ``attribution...``)."""


def e2e_split(parts: dict[str, float], wall: float) -> dict[str, float]:
    """Where ``cjm overlay``'s wall time went: the first five analyses, the four others, loading, figures,
    the rest."""
    five = sum(parts.get(IN_E2E[a], 0.0) for a in FIVE)
    figures = sum(v for k, v in parts.items() if k.endswith(".png"))
    load = parts.get("load", 0.0)
    html = parts.get("summary.html", 0.0)
    others = sum(parts.values()) - five - figures - load - html
    return {
        "five analyses": five,
        "four other analyses": others,
        "loading and checks": load,
        "figures": figures,
        "summary.html": html,
        "imports, command line, writing": wall - five - others - load - figures - html,
    }


def same(analysis: str, ours: Any, theirs: Any) -> str | None:
    """None when two results agree (floats to 1e-9 relative), else what differs."""
    if analysis in ("markov", "channel_markov"):
        if set(ours) != set(theirs):
            return f"keys differ: {sorted(set(ours) ^ set(theirs))}"
        bad = [
            k
            for k in ours
            if not math.isclose(ours[k], theirs[k], rel_tol=TOLERANCE, abs_tol=1e-12)
        ]
        return f"removal effects differ for {bad[:3]}" if bad else None
    if len(ours) != len(theirs):
        return f"{len(ours)} rows against {len(theirs)}"
    for a, b in zip(ours, theirs):
        for x, y in zip(a, b):
            if isinstance(x, float) or isinstance(y, float):
                if not math.isclose(float(x), float(y), rel_tol=TOLERANCE, abs_tol=1e-9):
                    return f"{a} against {b}"
            elif x != y:
                return f"{a} against {b}"
    return None


def ensure_polars() -> bool:
    try:
        import polars  # noqa: F401
    except ImportError:
        command = [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "-c",
            str(ROOT / "constraints.txt"),
            "polars",
        ]
        print(f"polars is missing; installing it: {' '.join(command)}", flush=True)
        if subprocess.run(command, check=False).returncode != 0:
            print(
                "  could not install polars; run: .venv/bin/pip install -c constraints.txt polars "
                "(the polars variant is left out)",
                flush=True,
            )
            return False
    return True


def run_size(
    path: Path, variants: tuple[str, ...], repeats: int, work: Path, analyses: tuple[str, ...]
) -> dict[str, Any]:
    """Every analysis by every variant, interleaved, ``repeats`` times, then ``cjm overlay`` end to end."""
    runs: dict[tuple[str, str], list[dict[str, float]]] = {}
    script = work / "e2e-script.pickle" if set(analyses) == set(ANALYSES) else None
    if script is not None:  # the analyst's script reads its inventory without cjm
        rows, stages, conversions, _, kpi = mapping()
        script.with_suffix(".setup").write_bytes(
            pickle.dumps((rows, stages, conversions, None, kpi))
        )
    for rep in range(repeats):
        for analysis in analyses:
            order = variants[rep % len(variants) :] + variants[: rep % len(variants)]
            for variant in order:
                runs.setdefault((analysis, variant), []).append(
                    measure(variant, analysis, path, work / f"{analysis}.{variant}.{rep}.pickle")
                )
        runs.setdefault(("e2e", "cjm"), []).append(measure("cjm", "e2e", path, work / "e2e.pickle"))
        if script is not None:
            runs.setdefault(("e2e", "duckdb"), []).append(measure("duckdb", "e2e", path, script))
        print(f"  round {rep + 1} of {repeats} done", flush=True)
    for analysis in analyses:
        ours = pickle.loads((work / f"{analysis}.cjm.0.pickle").read_bytes())
        for variant in variants[1:]:
            theirs = pickle.loads((work / f"{analysis}.{variant}.0.pickle").read_bytes())
            problem = same(analysis, ours, theirs)
            if problem:
                raise SystemExit(f"{analysis}: {variant} does not compute what cjm does: {problem}")
    if script is not None:
        for analysis, theirs in zip(ANALYSES, pickle.loads(script.read_bytes())):
            ours = pickle.loads((work / f"{analysis}.cjm.0.pickle").read_bytes())
            problem = same(analysis, ours, theirs)
            if problem:
                raise SystemExit(f"{analysis}: the analyst's script does not compute it: {problem}")
    return {
        f"{a}|{v}": {
            "seconds": statistics.median(r["seconds"] for r in rs),
            "analysis": statistics.median(r["analysis"] for r in rs),
            "wall": statistics.median(r["wall"] for r in rs),
            "rss_gib": max(r["rss_gib"] for r in rs),
            "parts": {
                k: statistics.median(r["parts"].get(k, 0.0) for r in rs)
                for k in rs[0].get("parts", {})
            },
        }
        for (a, v), rs in runs.items()
    }


def report(
    size: int, figures: dict[str, Any], variants: tuple[str, ...], analyses: tuple[str, ...]
) -> None:
    print(f"\n{size:,} events: median of the runs, work seconds (imports excluded), peak memory")
    head = "".join(f"{v:>17s}" for v in variants)
    print(f"  {'analysis':14s}{head}   cjm/best  cjm analysis alone (log loaded and cached before)")
    hand_total = dict.fromkeys(variants[1:], 0.0)
    five_total = dict.fromkeys(variants[1:], 0.0)
    for analysis in analyses:
        cells = "".join(
            f"{figures[f'{analysis}|{v}']['seconds']:8.2f} s {figures[f'{analysis}|{v}']['rss_gib']:4.2f}G"
            for v in variants
        )
        best = min(figures[f"{analysis}|{v}"]["seconds"] for v in variants[1:])
        for v in variants[1:]:
            hand_total[v] += figures[f"{analysis}|{v}"]["seconds"]
            if analysis in FIVE:
                five_total[v] += figures[f"{analysis}|{v}"]["seconds"]
        alone = figures[f"{analysis}|cjm"]["analysis"]
        print(
            f"  {analysis:14s}{cells}   {figures[f'{analysis}|cjm']['seconds'] / best:6.2f}x  "
            f"{alone:7.2f} s = {alone / best:5.2f}x"
        )
    e2e = figures["e2e|cjm"]
    print(
        f"  cjm overlay end to end (one whole process, all nine analyses, figures, HTML): {e2e['wall']:.2f} s, "
        f"peak {e2e['rss_gib']:.2f} GiB"
    )
    parts = e2e.get("parts", {})
    split = e2e_split(parts, e2e["wall"])
    print(
        "    where it went (each figure is drawn while the next analysis runs, so the parts can add up to "
        "more than the whole): " + ", ".join(f"{k} {v:.2f} s" for k, v in split.items())
    )
    print(
        "    its analyses (its own clock): "
        + ", ".join(f"{a} {parts.get(IN_E2E[a], 0.0):.2f} s" for a in analyses)
    )
    ran = sum(parts.get(IN_E2E[a], 0.0) for a in analyses)
    for v, total in hand_total.items():
        if set(analyses) == set(ANALYSES):
            print(
                f"    against the {v} queries for all {len(ANALYSES)} analyses it runs, summed ({total:.2f} s): "
                f"{e2e['wall'] / total:.2f}x; its analyses alone ({ran:.2f} s): {ran / total:.2f}x; "
                f"its analyses and loading ({ran + split['loading and checks']:.2f} s): "
                f"{(ran + split['loading and checks']) / total:.2f}x"
            )
        five = five_total[v]
        if set(FIVE) <= set(analyses) and five:
            print(
                f"    (first five analyses only) against the five {v} queries' work, summed ({five:.2f} s): "
                f"{e2e['wall'] / five:.2f}x; its five analyses alone ({split['five analyses']:.2f} s): "
                f"{split['five analyses'] / five:.2f}x"
            )
    script = figures.get("e2e|duckdb")
    if script:
        print(
            "    against an analyst's script that runs the nine duckdb queries one after another in one "
            f"process, its start and imports counted as cjm's are ({script['wall']:.2f} s): "
            f"{e2e['wall'] / script['wall']:.2f}x"
        )
    print(
        "  (targets: each analysis <= 1.5x, end to end <= 1.5x, peak memory < 2 GiB at 10M)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="1000000,10000000", help="event counts, comma-separated")
    parser.add_argument(
        "--repeats", type=int, default=3, help="runs of each variant (the median is shown)"
    )
    parser.add_argument(
        "--100m",
        dest="hundred",
        action="store_true",
        help="also run `cjm overlay` once on 100M events with the default settings",
    )
    parser.add_argument(
        "--only", default=",".join(ANALYSES), help="analyses to run, comma-separated"
    )
    parser.add_argument(
        "--data",
        default=str(Path(tempfile.gettempdir()) / "cjm-bench-data"),
        help="folder for the generated logs (kept for the next run)",
    )
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    analyses = tuple(a for a in args.only.split(",") if a)
    variants: tuple[str, ...] = (
        ("cjm", "duckdb", "polars") if ensure_polars() else ("cjm", "duckdb")
    )
    data = Path(args.data)
    data.mkdir(parents=True, exist_ok=True)
    print(
        f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (shared: compare ratios "
        "from the same run)",
        flush=True,
    )
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="cjm-bench-") as tmp:
        for size in [int(s) for s in args.sizes.split(",") if s]:
            print(f"{size:,} events", flush=True)
            path = make_log(size, data)
            results[str(size)] = run_size(path, variants, args.repeats, Path(tmp), analyses)
            report(size, results[str(size)], variants, analyses)
        if args.hundred:
            path = make_log(100_000_000, data)
            print("100,000,000 events: cjm overlay once, default settings", flush=True)
            figures = measure("cjm", "e2e", path, Path(tmp) / "e2e.pickle")
            print(
                f"  cjm overlay end to end: {figures['wall']:.1f} s, peak {figures['rss_gib']:.2f} GiB",
                flush=True,
            )
            results["100000000"] = {"e2e|cjm": figures}
    print(json.dumps(results))


if __name__ == "__main__":
    main()
