"""The shape of the queries behind the overlay's speed: no copy of a Parquet log, no join for a column the log
lacks, duplicates counted exactly through a row hash. Each result is checked against the slow shape."""

from __future__ import annotations

import random
import re

import ibis
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cjm_helpers.overlay import funnel, gaps, kpis, load_events, top_paths, transitions
from cjm_helpers.overlay.attribution import attribution
from cjm_helpers.overlay.events import count_duplicates, default_backend
from cjm_helpers.overlay.paths import time_between_stages
from cjm_helpers.paths import SAMPLE_PROJECT
from cjm_helpers.store import load_project


@pytest.fixture(scope="module")
def project():  # type: ignore[no-untyped-def]
    return load_project(SAMPLE_PROJECT)


def sample_frame(project, users: int = 60, seed: int = 7) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """Events of the sample project's touchpoints, with ties in time and a few exact copies."""
    rng = random.Random(seed)
    events = [e for tp in project.touchpoints for e in tp.events]
    rows = []
    for u in range(users):
        start = pd.Timestamp("2026-02-01") + pd.Timedelta(minutes=rng.randrange(10_000))
        for k in range(rng.randrange(1, 9)):
            ts = start + pd.Timedelta(minutes=rng.choice([0, 0, 3, 40]) * k)
            rows.append(
                {
                    "user_id": f"u{u}",
                    "session_id": f"s{u}-{k // 3}",
                    "timestamp": ts,
                    "event": rng.choice(events),
                    "channel": rng.choice(["web", "app", None]),
                }
            )
    rows += rows[:5:2]  # three exact copies
    frame = pd.DataFrame(rows)
    frame["timestamp"] = frame["timestamp"].astype("datetime64[us]")
    return frame


def analyses(log) -> dict[str, pd.DataFrame]:  # type: ignore[no-untyped-def]
    return {
        "funnel": funnel(log),
        "transitions": transitions(log),
        "paths": top_paths(log, n=10, on="touchpoint"),
        "stage_times": time_between_stages(log),
        "gaps": gaps(log),
        "kpis": kpis(log),
        "attribution": attribution(log),
        "attribution_channel": attribution(log, by="channel"),
        "unmatched": log.unmatched_events(),
    }


def test_a_cached_parquet_log_is_not_copied_and_gives_the_same_results(tmp_path, project) -> None:  # type: ignore[no-untyped-def]
    frame = sample_frame(project)
    path = tmp_path / "events.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    con = default_backend()

    def tables() -> set[str]:
        return {row[0] for row in con.raw_sql("SELECT table_name FROM duckdb_tables()").fetchall()}

    before = tables()
    log = load_events(path, project=project)
    cached = log.cached()
    assert tables() == before  # the file is the cache: no table of the whole log
    assert cached.table is log.table
    # the same figures as from the log kept in memory (the CSV path) and from a frame
    from_frame = load_events(frame, project=project).cached()
    ours, theirs = analyses(cached), analyses(from_frame)
    for name in ours:
        pd.testing.assert_frame_equal(ours[name], theirs[name], check_dtype=False, obj=name)
    assert cached.duplicate_rows == from_frame.duplicate_rows == 3


def test_a_log_without_touchpoint_or_stage_columns_joins_the_inventory_once(project) -> None:  # type: ignore[no-untyped-def]
    frame = sample_frame(project)
    lean = load_events(frame, project=project)
    sql = ibis.to_sql(lean.table)
    assert sql.count("JOIN") == 1
    assert "log_stage" not in sql.split("FROM", 1)[0]  # no mapping of a stage the log does not have
    # the same table as when the log has the columns, empty
    full = load_events(frame.assign(touchpoint=None, stage=None), project=project)
    assert ibis.to_sql(full.table).count("JOIN") == 2
    key = ["seq"]
    pd.testing.assert_frame_equal(
        lean.table.order_by(key).execute(), full.table.order_by(key).execute(), check_dtype=False
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_duplicates_through_the_row_hash_are_exact(seed: int) -> None:
    rng = random.Random(seed)
    rows = [
        {
            "user_id": rng.choice(["a", "b", "c"]),
            "session_id": rng.choice(["s1", None]),
            "ts": pd.Timestamp("2026-01-01") + pd.Timedelta(minutes=rng.randrange(3)),
            "event": rng.choice(["view", "cart"]),
            "touchpoint": rng.choice(["tp1", None]),
            "stage": None,
            "channel": rng.choice(["web", None]),
            "device": None,
            "department": "sales",
        }
        for _ in range(200)
    ]
    frame = pd.DataFrame(rows)
    expected = int(frame.astype(str).duplicated().sum())  # None and NaN read as one 'missing'
    table = ibis.memtable(
        frame.astype(object).where(frame.notna(), None),
        schema={c: "timestamp" if c == "ts" else "string" for c in frame.columns},
    )
    assert count_duplicates(table) == expected


def test_the_command_line_starts_without_the_notebook_machinery() -> None:
    # nbformat pulls in jsonschema's format checkers, seconds of start-up for every `cjm overlay`
    import subprocess
    import sys

    code = (
        "import sys; from cjm_helpers.cli import build_parser; build_parser(); "
        "print(sorted(m for m in ('nbformat', 'jsonschema') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"


def reference_path_counts(
    frame: pd.DataFrame, conversions: set[str], exclude: tuple[str, ...] = ()
) -> pd.DataFrame:
    """The Markov counts worked out customer by customer in plain Python."""
    counted: dict[tuple[object, str, bool], list[int]] = {}
    ordered = frame.assign(seq=range(len(frame))).sort_values(["user_id", "timestamp", "seq"])
    for _, rows in ordered.groupby("user_id", sort=False):
        events, keys = list(rows["event"]), list(rows["channel"])
        cut = next((i for i, e in enumerate(events) if e in conversions), None)
        kept = keys[: len(keys) if cut is None else cut]
        path = [k for k in kept if isinstance(k, str) and k.strip() and k not in exclude]
        for i, k in enumerate(path):
            prev = path[i - 1] if i else None
            cell = counted.setdefault((prev, k, cut is not None), [0, 0])
            cell[0] += int(prev is None or prev != k)
            cell[1] += int(i == len(path) - 1)
    return pd.DataFrame(
        [(p, k, c, s, e) for (p, k, c), (s, e) in counted.items()],
        columns=["prev", "key", "converted", "steps", "ends"],
    )


@pytest.mark.parametrize("seed", [11, 12])
def test_markov_counts_match_a_customer_by_customer_count(tmp_path, seed: int) -> None:  # type: ignore[no-untyped-def]
    from cjm_helpers.overlay.attribution import path_counts

    rng = random.Random(seed)
    rows = []
    for u in range(80):
        start = pd.Timestamp("2026-03-01") + pd.Timedelta(minutes=rng.randrange(500))
        for k in range(rng.randrange(1, 10)):
            rows.append(
                {
                    "user_id": f"u{u}",
                    "timestamp": start + pd.Timedelta(minutes=rng.choice([0, 0, 5]) * k),
                    "event": rng.choice(["view", "cart", "buy", "buy", "help"]),
                    "channel": rng.choice(["web", "app", "mail", "web", None, " "]),
                }
            )
    frame = pd.DataFrame(rows)
    frame["timestamp"] = frame["timestamp"].astype("datetime64[us]")
    path = tmp_path / "events.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    key = ["converted", "key", "prev"]
    expected = reference_path_counts(frame, {"buy"})
    expected = expected.sort_values(key, na_position="first").reset_index(drop=True)
    expected["prev"] = expected["prev"].astype(object).where(expected["prev"].notna(), None)
    for log in (
        load_events(path, conversion_events=["buy"]).cached(),
        load_events(frame, conversion_events=["buy"]).cached(),
    ):
        got = path_counts(log, by="channel")
        pd.testing.assert_frame_equal(
            got[expected.columns].sort_values(key, na_position="first").reset_index(drop=True),
            expected,
            check_dtype=False,
        )


def random_channel_log(seed: int) -> pd.DataFrame:
    """Customers with ties in time, blank and missing channels, several purchases each."""
    rng = random.Random(seed)
    rows = []
    for u in range(80):
        start = pd.Timestamp("2026-03-01") + pd.Timedelta(minutes=rng.randrange(500))
        for k in range(rng.randrange(1, 10)):
            rows.append(
                {
                    "user_id": f"u{u}",
                    "timestamp": start + pd.Timedelta(minutes=rng.choice([0, 0, 5]) * k),
                    "event": rng.choice(["view", "cart", "buy", "buy", "help"]),
                    "channel": rng.choice(["web", "app", "mail", "web", None, " ", "  x"]),
                }
            )
    frame = pd.DataFrame(rows)
    frame["timestamp"] = frame["timestamp"].astype("datetime64[us]")
    return frame


@pytest.mark.parametrize("exclude", [("app",), ("web", "  x")])
def test_markov_counts_leaving_keys_out_match_a_customer_by_customer_count(
    tmp_path, exclude: tuple[str, ...]
) -> None:  # type: ignore[no-untyped-def]
    from cjm_helpers.overlay.attribution import path_counts

    frame = random_channel_log(13)
    path = tmp_path / "events.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    key = ["converted", "key", "prev"]
    expected = reference_path_counts(frame, {"buy"}, exclude)
    expected = expected.sort_values(key, na_position="first").reset_index(drop=True)
    expected["prev"] = expected["prev"].astype(object).where(expected["prev"].notna(), None)
    got = path_counts(load_events(path, conversion_events=["buy"]), by="channel", exclude=exclude)
    pd.testing.assert_frame_equal(
        got[expected.columns].sort_values(key, na_position="first").reset_index(drop=True),
        expected,
        check_dtype=False,
    )


def test_markov_counts_for_the_first_conversion_sort_once_and_join_nothing(
    tmp_path, project
) -> None:  # type: ignore[no-untyped-def]
    from cjm_helpers.overlay.attribution import path_count_table

    path = tmp_path / "events.parquet"
    pq.write_table(pa.Table.from_pandas(sample_frame(project), preserve_index=False), path)
    log = load_events(path, project=project).cached()
    joins_of_the_log = ibis.to_sql(log.table).count("JOIN")
    for by in ("touchpoint", "channel"):
        sql = ibis.to_sql(path_count_table(log, by=by))
        assert sql.count("JOIN") == joins_of_the_log  # no join back to the customers' conversions
        windows = set(
            re.findall(r"OVER \(\s*PARTITION BY (.*?)\s+ORDER BY (.*?)\s+ROWS", sql, re.S)
        )
        assert len(windows) == 1  # one sort of each customer's events


def test_gaps_count_every_kind_in_one_query_over_one_sort(tmp_path, project) -> None:  # type: ignore[no-untyped-def]
    from cjm_helpers.overlay.gaps import gap_counts

    path = tmp_path / "events.parquet"
    pq.write_table(pa.Table.from_pandas(sample_frame(project), preserve_index=False), path)
    sql = ibis.to_sql(gap_counts(load_events(path, project=project).cached()))
    assert "UNION" not in sql and not sql.lstrip().startswith(
        "WITH"
    )  # the sorted log is not kept to be read again


@pytest.mark.parametrize("by", ["user", "session"])
def test_paths_in_duckdb_are_built_without_a_sorted_window(tmp_path, project, by: str) -> None:  # type: ignore[no-untyped-def]
    from cjm_helpers.overlay.paths import _path_counts

    frame = sample_frame(project)
    path = tmp_path / "events.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    log = load_events(path, project=project).cached()
    sql = ibis.to_sql(_path_counts(log, by, "touchpoint"))
    assert "PARTITION BY" not in sql  # one ordered list per user, repeats dropped within it
    # the same paths as from the log given as a frame (kept in memory, not read from the file)
    from_frame = top_paths(load_events(frame, project=project), n=50, by=by, on="touchpoint")
    pd.testing.assert_frame_equal(top_paths(log, n=50, by=by, on="touchpoint"), from_frame)


def test_a_text_column_an_analysis_does_not_read_costs_nothing(tmp_path, project) -> None:  # type: ignore[no-untyped-def]
    frame = sample_frame(project)
    frame.loc[::7, "channel"] = "nUlL"
    path = tmp_path / "events.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    log = load_events(path)  # no inventory: the plan is the reading alone
    con = default_backend()
    plan = con.raw_sql("EXPLAIN " + ibis.to_sql(log.table.select("user_id", "event"))).fetchall()
    assert "MARK" not in plan[0][1]  # the missing-word check of channel, device, session is dropped
    channels = log.table.select("channel").execute()["channel"]
    assert "nUlL" not in set(channels.dropna())  # a missing word in any case is missing


def test_click_through_counts_events_from_the_per_customer_pass() -> None:
    # u1: 3 impressions, 1 click; u2: 1 impression, 2 clicks; u3: none -> 3 clicks of 4 impressions
    events = ["ad_view"] * 3 + ["promo_click", "ad_view", "promo_click", "promo_click", "home"]
    users = ["u1"] * 4 + ["u2"] * 3 + ["u3"]
    frame = pd.DataFrame(
        {
            "user_id": users,
            "timestamp": [f"2026-01-01 08:0{i}:00" for i in range(len(users))],
            "event": events,
        }
    )
    table = kpis(load_events(frame, conversion_events=["home"]))
    row = table.set_index("kpi").loc["click_through_rate"]
    assert (row["numerator"], row["denominator"]) == (3.0, 4.0)
    assert row["value"] == pytest.approx(0.75)


@pytest.mark.parametrize("by", ["user", "session"])
def test_top_paths_fall_back_to_the_spilling_query_when_duckdb_runs_out_of_memory(
    tmp_path, project, by: str, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """100M events: the ordered lists did not fit DuckDB's memory; the window query spills."""
    import duckdb

    from cjm_helpers.overlay import paths

    frame = sample_frame(project)
    path = tmp_path / "events.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    log = load_events(path, project=project).cached()
    expected = top_paths(log, n=50, by=by, on="touchpoint")

    real, asked = paths._path_counts, []

    def lists_do_not_fit(log, by, on, spill=False):  # type: ignore[no-untyped-def]
        asked.append(not spill)
        if not spill:
            raise duckdb.OutOfMemoryException("Out of Memory Error: failed to allocate")
        return real(log, by, on, spill=True)

    monkeypatch.setattr(paths, "_path_counts", lists_do_not_fit)
    pd.testing.assert_frame_equal(top_paths(log, n=50, by=by, on="touchpoint"), expected)
    assert asked == [True, False]


def test_analyses_of_event_names_read_the_log_without_the_inventory_join(tmp_path, project) -> None:  # type: ignore[no-untyped-def]
    from cjm_helpers.overlay.paths import steps_table

    frame = sample_frame(project)
    path = tmp_path / "events.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    log = load_events(path, project=project).cached()
    assert "JOIN" in ibis.to_sql(log.table)
    assert "JOIN" not in ibis.to_sql(steps_table(log, on="event"))
    assert "JOIN" in ibis.to_sql(steps_table(log, on="touchpoint"))
    # the same figures as the joined table gives
    joined = load_events(frame, project=project).cached()  # kept in memory: events() reads that
    pd.testing.assert_frame_equal(transitions(log), transitions(joined), check_dtype=False)
    pd.testing.assert_frame_equal(kpis(log), kpis(joined), check_dtype=False)
    pd.testing.assert_frame_equal(
        top_paths(log, n=20, on="event"), top_paths(joined, n=20, on="event"), check_dtype=False
    )


def test_a_log_whose_table_is_replaced_reads_its_events_from_the_new_table(project) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    log = load_events(sample_frame(project), project=project)
    first = log.table.order_by("seq").limit(10)
    part = dataclasses.replace(log, table=first)  # as a period's log is made
    assert part.events().count().execute() == 10
    assert int(kpis(part).query("kpi == 'bounce_rate'")["denominator"].iloc[0]) <= 10


def test_kpis_are_counted_in_one_query(project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    log = load_events(sample_frame(project), project=project).cached()
    log.event_names()  # asked once per log (the notes ask it first in a run)
    calls: list[str] = []
    backend = type(default_backend())
    real = backend.execute

    def counted(self, expr, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(ibis.to_sql(expr))
        return real(self, expr, *args, **kwargs)

    monkeypatch.setattr(backend, "execute", counted)
    kpis(log)
    assert len(calls) == 1
    assert "JOIN" not in calls[0].replace("CROSS JOIN", "")  # the two counts, no inventory


@pytest.mark.parametrize("listed", [1, 10_000])
def test_duplicates_are_exact_whether_shared_hashes_come_back_as_a_list_or_are_joined(
    listed: int, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from cjm_helpers.overlay import events as events_module

    monkeypatch.setattr(events_module, "_SHARED_HASHES", listed)
    rows = [{"user_id": f"u{i % 5}", "event": "view", "session_id": f"s{i % 3}"} for i in range(40)]
    frame = pd.DataFrame(rows)
    expected = int(frame.duplicated().sum())  # 15 distinct rows of 40
    table = ibis.memtable(frame)
    assert expected > 1 and count_duplicates(table) == expected


def test_the_funnel_falls_back_to_the_spilling_aggregate_when_duckdb_runs_out_of_memory(
    tmp_path, project, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import importlib

    import duckdb

    funnel_module = importlib.import_module(
        "cjm_helpers.overlay.funnel"
    )  # the name is the function

    path = tmp_path / "events.parquet"
    pq.write_table(pa.Table.from_pandas(sample_frame(project), preserve_index=False), path)
    log = load_events(path, project=project).cached()
    expected = funnel(log)
    real, asked = funnel_module.ordered_join, []

    def lists_do_not_fit(table, label, sep, backend=None, spill=False):  # type: ignore[no-untyped-def]
        asked.append(spill)
        if not spill:
            raise duckdb.OutOfMemoryException("Out of Memory Error: failed to allocate")
        return real(table, label, sep, backend, spill=True)

    monkeypatch.setattr(funnel_module, "ordered_join", lists_do_not_fit)
    pd.testing.assert_frame_equal(funnel(log), expected)
    assert asked == [False, True]
    assert "ORDER BY" in ibis.to_sql(real(log.table, log.table.event, "", spill=True).name("p"))


@pytest.mark.parametrize("on", ["event", "touchpoint"])
@pytest.mark.parametrize("by", ["user", "session"])
def test_paths_kept_as_numbers_read_as_the_paths_kept_as_names(
    project, monkeypatch, on: str, by: str
) -> None:  # type: ignore[no-untyped-def]
    from cjm_helpers.overlay import paths

    frame = sample_frame(project)
    # x and y spell the same path, "a > b > c", with different steps: one path of two users
    spelled = pd.DataFrame(
        {
            "user_id": ["x", "x", "y", "y"],
            "session_id": ["sx", "sx", "sy", "sy"],
            "timestamp": pd.to_datetime(["2026-02-01 08:00", "2026-02-01 08:05"] * 2),
            "event": ["a > b", "c", "a", "b > c"],
            "channel": [None] * 4,
        }
    )
    frame = pd.concat([frame, spelled], ignore_index=True)
    frame["timestamp"] = frame["timestamp"].astype("datetime64[us]")
    log = load_events(frame, project=project).cached()
    assert paths.step_names(log, on) is not None  # the numbered lists are used
    numbered = top_paths(log, n=500, by=by, on=on)
    assert numbered.set_index("path").loc["a > b > c", "count"] == 2
    monkeypatch.setattr(paths, "step_names", lambda log, on: None)
    pd.testing.assert_frame_equal(numbered, top_paths(log, n=500, by=by, on=on))


def test_steps_are_named_in_the_lists_when_their_names_are_not_known(project) -> None:  # type: ignore[no-untyped-def]
    from cjm_helpers.overlay.paths import step_names

    frame = sample_frame(project).assign(touchpoint="tp-from-the-log")
    assert step_names(load_events(frame, project=project), "stage") is None
    assert step_names(load_events(frame), "touchpoint") is None  # no inventory: the log's own ids
    known = step_names(load_events(frame, project=project), "touchpoint")
    assert known is not None
    assert {tp.id for tp in project.touchpoints if tp.events} <= set(known)
