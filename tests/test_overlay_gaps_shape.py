"""Gaps at engine speed: one sort of only the columns the counts read, and the same counts as a plain
reading of the rules (previous event in time order, ties in file order, drop-off on a lost last event)."""

from __future__ import annotations

import random

import ibis.expr.operations as ops
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cjm_helpers.overlay import gaps, load_events
from cjm_helpers.overlay.gaps import GAP_KINDS, gap_counts, switch_points
from cjm_helpers.paths import SAMPLE_PROJECT
from cjm_helpers.store import load_project


@pytest.fixture(scope="module")
def project():  # type: ignore[no-untyped-def]
    return load_project(SAMPLE_PROJECT)


def _frame(project, users: int = 80, seed: int = 3) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """Events of the sample's touchpoints with ties in time, missing channels and devices, some conversions."""
    rng = random.Random(seed)
    events = [e for tp in project.touchpoints for e in tp.events]
    rows = []
    for u in range(users):
        start = pd.Timestamp("2026-03-01") + pd.Timedelta(minutes=rng.randrange(5_000))
        for k in range(rng.randrange(1, 8)):
            rows.append(
                {
                    "user_id": f"u{u}",
                    "session_id": f"s{u}",
                    "timestamp": start + pd.Timedelta(minutes=rng.choice([0, 0, 5]) * k),
                    "event": rng.choice(events),
                    "channel": rng.choice(["web", "app", "email", None]),
                    "device": rng.choice(["Mobile", "Desktop", None]),
                }
            )
    frame = pd.DataFrame(rows).sample(frac=1.0, random_state=seed).reset_index(drop=True)
    frame["timestamp"] = frame["timestamp"].astype("datetime64[us]")
    return frame


@pytest.fixture(scope="module")
def parquet_log(tmp_path_factory, project):  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("gaps") / "events.parquet"
    frame = _frame(project)
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    return frame, load_events(path, project=project).cached()


def _window_reads(expr) -> tuple[set[tuple[str, ...]], int]:  # type: ignore[no-untyped-def]
    """The columns of every table a window of the query reads, and how many different sorts the windows need."""
    read: set[tuple[str, ...]] = set()
    sorts = set()
    for window in expr.op().find(ops.WindowFunction):
        sorts.add((tuple(window.group_by), tuple(window.order_by)))
        for field in window.find(ops.Field, filter=ops.Value):
            read.add(tuple(field.rel.schema.names))
    return read, len(sorts)


def test_gaps_sort_only_the_columns_they_count_in_one_sort(parquet_log) -> None:  # type: ignore[no-untyped-def]
    _, log = parquet_log
    read, sorts = _window_reads(gap_counts(log))
    # the whole log (session, touchpoint, stage...) is not carried through the sort: at 10M events that
    # payload made the sort spill and take three times the hand-written query
    assert read == {("user_id", "ts", "seq", *GAP_KINDS, "conv")}
    assert sorts == 1


def _expected(frame: pd.DataFrame, project) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """The gaps table by the rules, in pandas: the department and missing device or channel from the inventory."""
    inventory = {
        e: (tp.channel or None, tp.device or None, tp.owner_department or None)
        for tp in reversed(project.touchpoints)
        for e in tp.events
    }
    conversions = set(load_events(frame, project=project).conversion_events)
    f = frame.reset_index(names="seq")
    f["channel"] = f["channel"].fillna(f["event"].map(lambda e: inventory[e][0]))
    f["device"] = f["device"].fillna(f["event"].map(lambda e: inventory[e][1]))
    f["department"] = f["event"].map(lambda e: inventory[e][2])
    f = f.sort_values(["user_id", "timestamp", "seq"], kind="stable")
    last = ~f.duplicated("user_id", keep="last")
    converted = f["event"].isin(conversions).groupby(f["user_id"]).transform("any")
    dropped = last & ~converted
    rows = []
    for kind in GAP_KINDS:
        prev = f.groupby("user_id")[kind].shift(1)
        known = f[kind].notna() & prev.notna()
        for switched in (True, False):
            hit = known & ((f[kind] != prev) == switched)
            steps, drops = int(hit.sum()), int((hit & dropped).sum())
            rows.append((kind, switched, steps, drops))
    return pd.DataFrame(rows, columns=["kind", "switched", "steps", "drop_offs"])


def test_gaps_count_what_the_rules_say(parquet_log, project) -> None:  # type: ignore[no-untyped-def]
    frame, log = parquet_log
    got = gaps(log)
    pd.testing.assert_frame_equal(
        got[["kind", "switched", "steps", "drop_offs"]], _expected(frame, project)
    )
    assert got["steps"].sum() > 0 and got["drop_offs"].sum() > 0  # the sample exercises both
    # the same from the log kept in memory as from the Parquet file
    pd.testing.assert_frame_equal(gaps(load_events(frame, project=project)), got)


def test_switch_points_count_only_real_switches(parquet_log) -> None:  # type: ignore[no-untyped-def]
    _, log = parquet_log
    points = switch_points(log, "device", n=50)
    counts = gaps(log).set_index(["kind", "switched"])
    assert int(points["steps"].sum()) == int(counts.loc[("device", True), "steps"])
    assert int(points["drop_offs"].sum()) == int(counts.loc[("device", True), "drop_offs"])
    assert (points["from"] != points["to"]).all()
