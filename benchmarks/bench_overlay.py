"""The whole overlay at 1M and 10M events against the same analyses hand-written in DuckDB SQL and polars.

Run: .venv/bin/python benchmarks/bench_overlay.py [--sizes 1000000,10000000] [--100m]

For each size it generates a seeded event log for the sample project (Parquet, in a
temporary folder), then runs each variant in a fresh process and prints its wall time,
its peak memory (the process's maximum resident set) and the ratio to the faster
hand-written variant. The analyses: closed funnel by stage, transitions, top paths,
time between stages, the three gap kinds, and the Markov attribution's path counts
(the removal effects are then solved on the small matrix, the same numpy code for all).
Targets: within 1.5x of the faster hand-written version at 10M events, peak memory
under 2 GiB at 10M, and 100M events processed without running out of memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

USERS_PER_EVENT = 1 / 4.0  # the generator makes about four events per user


def make_log(events: int, folder: Path) -> Path:
    """A Parquet event log of about ``events`` rows, written in chunks to keep memory flat."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from cjm_helpers.overlay.generate import generate_events
    from cjm_helpers.paths import SAMPLE_PROJECT
    from cjm_helpers.store import load_project

    project = load_project(SAMPLE_PROJECT)
    path = folder / f"events_{events}.parquet"
    users = max(1, int(events * USERS_PER_EVENT))
    chunk = 200_000
    writer = None
    written = 0
    for seed, start in enumerate(range(0, users, chunk)):
        frame = generate_events(project, users=min(chunk, users - start), seed=seed)
        frame["user_id"] = frame["user_id"].str.replace("u", f"u{seed}-", n=1, regex=False)
        frame["session_id"] = frame["session_id"].str.replace("u", f"u{seed}-", n=1, regex=False)
        table = pa.Table.from_pandas(frame, preserve_index=False)
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
        written += len(frame)
    assert writer is not None
    writer.close()
    print(f"  generated {written:,} events of {users:,} users -> {path.name}", flush=True)
    return path


# --- the three variants, each run in its own process ------------------------------------------


def run_ours(path: str) -> None:
    from cjm_helpers import overlay as ov
    from cjm_helpers.overlay.paths import time_between_stages
    from cjm_helpers.paths import SAMPLE_PROJECT
    from cjm_helpers.store import load_project

    log = ov.load_events(path, project=load_project(SAMPLE_PROJECT)).cached()
    ov.funnel(log)
    ov.transitions(log)
    ov.top_paths(log, n=10)
    time_between_stages(log)
    ov.gaps(log)
    ov.attribution(log)


def _mapping_rows() -> list[tuple[str, str, str, int, str, str, str]]:
    from cjm_helpers.paths import SAMPLE_PROJECT
    from cjm_helpers.store import load_project

    project = load_project(SAMPLE_PROJECT)
    order = {s: i for i, s in enumerate(project.stage_ids())}
    return [(e, tp.id, tp.stage, order[tp.stage], tp.channel, tp.device, tp.owner_department)
            for tp in project.touchpoints for e in tp.events]


SQL_STEPS = """
CREATE TEMP TABLE ev AS
SELECT e.user_id, e.session_id, CAST(e.timestamp AS TIMESTAMP) AS ts, e.seq, e.event,
       m.tp, m.stage, m.stage_order, COALESCE(e.channel, m.channel) AS channel,
       COALESCE(e.device, m.device) AS device, m.department
FROM (SELECT *, row_number() OVER () - 1 AS seq FROM read_parquet('{path}')) e
LEFT JOIN mapping m ON e.event = m.event;
CREATE TEMP TABLE pos AS
SELECT *, row_number() OVER (PARTITION BY user_id ORDER BY ts, seq) AS pos FROM ev;
-- closed funnel over the stages
CREATE TEMP TABLE f0 AS SELECT user_id, min(pos) p FROM pos WHERE stage_order = 0 GROUP BY 1;
CREATE TEMP TABLE f1 AS SELECT a.user_id, min(a.pos) p FROM pos a JOIN f0 USING (user_id) WHERE a.stage_order = 1 AND a.pos > f0.p GROUP BY 1;
CREATE TEMP TABLE f2 AS SELECT a.user_id, min(a.pos) p FROM pos a JOIN f1 USING (user_id) WHERE a.stage_order = 2 AND a.pos > f1.p GROUP BY 1;
CREATE TEMP TABLE f3 AS SELECT a.user_id, min(a.pos) p FROM pos a JOIN f2 USING (user_id) WHERE a.stage_order = 3 AND a.pos > f2.p GROUP BY 1;
CREATE TEMP TABLE f4 AS SELECT a.user_id, min(a.pos) p FROM pos a JOIN f3 USING (user_id) WHERE a.stage_order = 4 AND a.pos > f3.p GROUP BY 1;
SELECT (SELECT count(*) FROM f0), (SELECT count(*) FROM f1), (SELECT count(*) FROM f2), (SELECT count(*) FROM f3), (SELECT count(*) FROM f4),
       count(DISTINCT user_id) FILTER (WHERE stage_order = 0), count(DISTINCT user_id) FILTER (WHERE stage_order = 4) FROM ev;
-- transitions
SELECT event AS "from", nxt AS "to", count(DISTINCT user_id) users, count(*) events FROM
  (SELECT user_id, event, lead(event) OVER (PARTITION BY user_id ORDER BY ts, seq) nxt FROM ev) WHERE nxt IS NOT NULL GROUP BY 1, 2;
-- top paths (repeats merged)
SELECT path, count(*) n FROM (SELECT user_id, string_agg(event, ' > ' ORDER BY ts, seq) path FROM
  (SELECT *, lag(event) OVER (PARTITION BY user_id ORDER BY ts, seq) prev FROM ev) WHERE prev IS NULL OR prev <> event GROUP BY 1)
  GROUP BY 1 ORDER BY 2 DESC LIMIT 10;
-- time between stages
WITH firsts AS (SELECT user_id, stage_order, min(ts) first FROM ev WHERE stage_order IS NOT NULL GROUP BY 1, 2)
SELECT a.stage_order, count(*), quantile_cont(epoch(b.first) - epoch(a.first), [0.25, 0.5, 0.75])
FROM firsts a JOIN firsts b ON a.user_id = b.user_id AND b.stage_order = a.stage_order + 1 AND b.first >= a.first GROUP BY 1;
-- gaps
WITH s AS (SELECT *, lag(device) OVER w pd, lag(channel) OVER w pc, lag(department) OVER w pdep,
                  row_number() OVER w - 1 AS p, count(*) OVER (PARTITION BY user_id) - 1 AS lastp,
                  max(CASE WHEN event = 'payment_success' THEN 1 ELSE 0 END) OVER (PARTITION BY user_id) conv
           FROM ev WINDOW w AS (PARTITION BY user_id ORDER BY ts, seq))
SELECT 'device' kind, device <> pd sw, count(*), sum(CASE WHEN p = lastp AND conv = 0 THEN 1 ELSE 0 END) FROM s WHERE p > 0 AND device IS NOT NULL AND pd IS NOT NULL GROUP BY 1, 2
UNION ALL SELECT 'channel', channel <> pc, count(*), sum(CASE WHEN p = lastp AND conv = 0 THEN 1 ELSE 0 END) FROM s WHERE p > 0 AND channel IS NOT NULL AND pc IS NOT NULL GROUP BY 1, 2
UNION ALL SELECT 'department', department <> pdep, count(*), sum(CASE WHEN p = lastp AND conv = 0 THEN 1 ELSE 0 END) FROM s WHERE p > 0 AND department IS NOT NULL AND pdep IS NOT NULL GROUP BY 1, 2;
"""

SQL_MARKOV = """
WITH c AS (SELECT *, min(CASE WHEN event = 'payment_success' THEN pos END) OVER (PARTITION BY user_id) conv_pos FROM pos),
k AS (SELECT user_id, pos, tp AS key, conv_pos FROM c WHERE tp IS NOT NULL AND (conv_pos IS NULL OR pos < conv_pos)),
d AS (SELECT * FROM (SELECT *, lag(key) OVER (PARTITION BY user_id ORDER BY pos) before FROM k) WHERE before IS NULL OR before <> key),
e AS (SELECT *, lag(key) OVER w prev, lead(key) OVER w after FROM d WINDOW w AS (PARTITION BY user_id ORDER BY pos))
SELECT prev, key, after IS NULL AS last, conv_pos IS NOT NULL AS converted, count(*) AS n FROM e GROUP BY 1, 2, 3, 4
"""


def run_duckdb(path: str) -> None:
    import duckdb

    from cjm_helpers.overlay.attribution import markov_removal_effects

    con = duckdb.connect()
    con.execute("CREATE TEMP TABLE mapping (event VARCHAR, tp VARCHAR, stage VARCHAR, stage_order INT, "
                "channel VARCHAR, device VARCHAR, department VARCHAR)")
    con.executemany("INSERT INTO mapping VALUES (?, ?, ?, ?, ?, ?, ?)", _mapping_rows())
    for statement in SQL_STEPS.format(path=path).split(";"):
        if statement.strip():
            con.execute(statement).fetchall()
    markov_removal_effects(con.execute(SQL_MARKOV).df())


def run_polars(path: str) -> None:
    import polars as pl

    from cjm_helpers.overlay.attribution import markov_removal_effects

    mapping = pl.DataFrame(_mapping_rows(), schema=["event", "tp", "stage", "stage_order", "m_channel", "device_m",
                                                    "department"], orient="row")
    ev = (pl.scan_parquet(path).with_row_index("seq")
          .with_columns(pl.col("timestamp").str.to_datetime("%Y-%m-%d %H:%M:%S").alias("ts"))
          .join(mapping.lazy(), on="event", how="left")
          .with_columns(pl.coalesce("channel", "m_channel").alias("channel"),
                        pl.coalesce("device", "device_m").alias("device"))
          .sort(["user_id", "ts", "seq"])
          .with_columns(pl.int_range(pl.len()).over("user_id").alias("pos"))
          ).collect()
    # closed funnel
    previous = None
    for order in range(5):
        cand = ev.filter(pl.col("stage_order") == order).select("user_id", "pos")
        if previous is None:
            current = cand.group_by("user_id").agg(pl.col("pos").min().alias("p"))
        else:
            current = (cand.join(previous, on="user_id").filter(pl.col("pos") > pl.col("p"))
                       .group_by("user_id").agg(pl.col("pos").min().alias("p")))
        previous = current
    by_user = ev.with_columns(pl.col("event").shift(-1).over("user_id").alias("nxt"))
    (by_user.filter(pl.col("nxt").is_not_null()).group_by("event", "nxt")
     .agg(pl.col("user_id").n_unique().alias("users"), pl.len().alias("events")))
    merged = by_user.filter((pl.col("event").shift(1).over("user_id") != pl.col("event"))
                            | pl.col("event").shift(1).over("user_id").is_null())
    (merged.group_by("user_id", maintain_order=True).agg(pl.col("event").str.join(" > ").alias("path"))
     .group_by("path").len().sort("len", descending=True).head(10))
    firsts = ev.filter(pl.col("stage_order").is_not_null()).group_by("user_id", "stage_order").agg(
        pl.col("ts").min().alias("first"))
    nxt = firsts.with_columns((pl.col("stage_order") - 1).alias("stage_order")).rename({"first": "next_first"})
    pairs = firsts.join(nxt, on=["user_id", "stage_order"]).filter(pl.col("next_first") >= pl.col("first"))
    pairs.with_columns(((pl.col("next_first") - pl.col("first")).dt.total_seconds() / 3600).alias("h")).group_by(
        "stage_order").agg(pl.len(), pl.col("h").quantile(0.25).alias("q1"), pl.col("h").median().alias("q2"),
                            pl.col("h").quantile(0.75).alias("q3"))
    s = ev.with_columns(
        pl.col("device").shift(1).over("user_id").alias("pd"), pl.col("channel").shift(1).over("user_id").alias("pc"),
        pl.col("department").shift(1).over("user_id").alias("pdep"),
        (pl.len().over("user_id") - 1).alias("lastp"),
        (pl.col("event") == "payment_success").any().over("user_id").alias("conv"),
    ).filter(pl.col("pos") > 0).with_columns(((pl.col("pos") == pl.col("lastp")) & ~pl.col("conv")).alias("dropped"))
    for col, prev in (("device", "pd"), ("channel", "pc"), ("department", "pdep")):
        (s.filter(pl.col(col).is_not_null() & pl.col(prev).is_not_null())
         .group_by(pl.col(col) != pl.col(prev)).agg(pl.len(), pl.col("dropped").sum()))
    conv = ev.with_columns(pl.when(pl.col("event") == "payment_success").then(pl.col("pos")).min().over("user_id")
                           .alias("conv_pos"))
    k = conv.filter(pl.col("tp").is_not_null() & (pl.col("conv_pos").is_null() | (pl.col("pos") < pl.col("conv_pos"))))
    k = k.filter((pl.col("tp").shift(1).over("user_id") != pl.col("tp")) | pl.col("tp").shift(1).over("user_id").is_null())
    k = k.with_columns(pl.col("tp").shift(1).over("user_id").alias("prev"),
                       pl.col("tp").shift(-1).over("user_id").is_null().alias("last"),
                       pl.col("conv_pos").is_not_null().alias("converted"))
    counts = k.group_by("prev", "tp", "last", "converted").agg(pl.len().alias("n")).rename({"tp": "key"})
    markov_removal_effects(counts.to_pandas())


WARM_UP = {"run_ours": "import cjm_helpers.overlay",
           "run_duckdb": "import duckdb, cjm_helpers.overlay.attribution",
           "run_polars": "import polars, cjm_helpers.overlay.attribution"}
"""Imports done before the clock starts, so the figures compare the work, not start-up."""

VARIANTS = {"cjm (Ibis on DuckDB)": "run_ours", "hand-written DuckDB SQL": "run_duckdb",
            "hand-written polars": "run_polars"}


def measure(function: str, path: Path) -> tuple[float, float]:
    """Wall seconds and peak resident memory (GiB) of one variant in a fresh process."""
    code = (f"import sys, time, resource; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
            f"import bench_overlay as b; {WARM_UP[function]}; t = time.perf_counter(); b.{function}({str(path)!r}); "
            "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
        raise SystemExit(f"{function} failed on {path.name}: {tail[0]}")
    seconds, kib = done.stdout.split()[-2:]
    return float(seconds), int(kib) / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,10000000", help="event counts, comma-separated")
    parser.add_argument("--100m", dest="hundred", action="store_true", help="also run 100M events (ours only)")
    parser.add_argument("--skip-polars", action="store_true", help="leave polars out (it holds all in memory)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    results: dict[int, dict[str, tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="cjm-bench-") as tmp:
        for size in sizes:
            print(f"{size:,} events", flush=True)
            path = make_log(size, Path(tmp))
            results[size] = {}
            for label, function in VARIANTS.items():
                if args.skip_polars and "polars" in label:
                    continue
                results[size][label] = measure(function, path)
                seconds, gib = results[size][label]
                print(f"  {label:28s} {seconds:8.2f} s   peak {gib:5.2f} GiB", flush=True)
            hand = min(v[0] for k, v in results[size].items() if "hand-written" in k)
            ours = results[size]["cjm (Ibis on DuckDB)"][0]
            print(f"  ratio to the faster hand-written version: {ours / hand:.2f}x (target <= 1.5x)", flush=True)
            path.unlink()
        if args.hundred:
            os.environ.setdefault("CJM_DUCKDB_MEMORY", "8GB")  # 1 GB (the default) is too little at 100M
            print(f"100,000,000 events (ours only, DuckDB memory {os.environ['CJM_DUCKDB_MEMORY']})", flush=True)
            path = make_log(100_000_000, Path(tmp))
            seconds, gib = measure("run_ours", path)
            print(f"  cjm (Ibis on DuckDB)          {seconds:8.2f} s   peak {gib:5.2f} GiB", flush=True)
    print(json.dumps({str(k): v for k, v in results.items()}))


if __name__ == "__main__":
    main()
