"""The analyses rewritten for speed give the answers of their definitions, worked by hand and in plain Python."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjm_helpers.overlay import attribution, funnel, load_events, top_paths
from cjm_helpers.overlay.attribution import path_counts
from cjm_helpers.overlay.paths import time_between_stages

EVENTS = ["view", "menu", "cart", "pay"]


def log_of(rows: list[tuple], **kwargs):  # type: ignore[no-untyped-def]
    columns = ["user_id", "timestamp", "event", "stage", "touchpoint"][: len(rows[0])]
    return load_events(pd.DataFrame(rows, columns=columns), **kwargs)


def test_funnel_with_a_step_twice_counts_the_return_visit() -> None:
    rows = [  # a: view, cart, view (all three in order); b: view, view, cart (no return after the cart)
        ("a", "2026-01-01 08:00:00", "view"),
        ("a", "2026-01-01 08:01:00", "cart"),
        ("a", "2026-01-01 08:02:00", "view"),
        ("b", "2026-01-01 08:00:00", "view"),
        ("b", "2026-01-01 08:01:00", "view"),
        ("b", "2026-01-01 08:02:00", "cart"),
        # c: cart and view at the same second, view first in the file, then nothing: view, cart in order
        ("c", "2026-01-01 09:00:00", "view"),
        ("c", "2026-01-01 09:00:00", "cart"),
    ]
    result = funnel(log_of(rows), steps=["view", "cart", "view"])
    assert result["users_open"].tolist() == [3, 3, 3]
    assert result["users_closed"].tolist() == [3, 3, 1]


def test_path_counts_hold_steps_and_ends_worked_by_hand() -> None:
    rows = [  # a: x, x, y, then pays (converted; path x > y); b: y, x, y (path y > x > y)
        ("a", "2026-01-01 08:00:00", "see", "s", "x"),
        ("a", "2026-01-01 08:01:00", "see", "s", "x"),
        ("a", "2026-01-01 08:02:00", "see", "s", "y"),
        ("a", "2026-01-01 08:03:00", "pay", "s", "y"),
        ("a", "2026-01-01 08:04:00", "see", "s", "x"),
        ("b", "2026-01-01 08:00:00", "see", "s", "y"),
        ("b", "2026-01-01 08:01:00", "see", "s", "x"),
        ("b", "2026-01-01 08:02:00", "see", "s", "y"),
    ]
    counts = path_counts(log_of(rows, conversion_events=["pay"]))
    got = {(r.prev, r.key, r.converted): (r.steps, r.ends) for r in counts.itertuples()}
    assert got == {
        (None, "x", True): (1, 0),
        ("x", "x", True): (0, 0),
        ("x", "y", True): (1, 1),
        (None, "y", False): (1, 0),
        ("y", "x", False): (1, 0),
        ("x", "y", False): (1, 1),
    }
    result = attribution(log_of(rows, conversion_events=["pay"])).set_index("key")
    assert result.loc["x", "conversions_first"] == 1 and result.loc["y", "conversions_last"] == 1


def test_stage_times_skip_a_pair_nobody_went_through() -> None:
    rows = [
        ("a", "2026-01-01 08:00:00", "e1", "one"),
        ("a", "2026-01-01 10:00:00", "e2", "two"),
        ("b", "2026-01-01 08:00:00", "e1", "one"),
        ("b", "2026-01-01 09:00:00", "e2", "two"),
        ("b", "2026-01-01 07:00:00", "e3", "three"),
    ]  # b reached three before two: not in order
    result = time_between_stages(log_of(rows))
    assert result["users"].tolist() == [2, 0]
    assert result.loc[0, "median_hours"] == pytest.approx(1.5)
    assert result.loc[0, "mean_hours"] == pytest.approx(1.5)
    assert pd.isna(result.loc[1, "median_hours"])


# --- against plain Python on random logs -----------------------------------------------------

drawn_rows = st.lists(
    st.tuples(
        st.sampled_from("abcd"),
        st.integers(0, 9),
        st.sampled_from(EVENTS),
        st.sampled_from(["p", "q", None]),
    ),
    min_size=1,
    max_size=40,
)
FAST = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def frame_of(drawn: list[tuple[str, int, str, str | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(u, f"2026-01-01 08:{m:02d}:00", e, tp) for u, m, e, tp in drawn],
        columns=["user_id", "timestamp", "event", "touchpoint"],
    )


def paths_by_user(frame: pd.DataFrame) -> dict[str, list[tuple[str, str | None]]]:
    """Each user's (event, touchpoint) in time order, ties in file order."""
    ordered = frame.reset_index().sort_values(["user_id", "timestamp", "index"], kind="stable")
    return {u: list(zip(g["event"], g["touchpoint"])) for u, g in ordered.groupby("user_id")}


def reached_in_order(events: list[str], steps: list[str]) -> int:
    done = 0
    for event in events:
        if done < len(steps) and event == steps[done]:
            done += 1
    return done


@FAST
@given(drawn_rows, st.lists(st.sampled_from(EVENTS), min_size=1, max_size=4))
def test_funnel_matches_the_definition(drawn, steps) -> None:  # type: ignore[no-untyped-def]
    frame = frame_of(drawn)
    per_user = {u: [e for e, _ in p] for u, p in paths_by_user(frame).items()}
    result = funnel(load_events(frame), steps=steps)
    assert result["users_open"].tolist() == [sum(s in p for p in per_user.values()) for s in steps]
    assert result["users_closed"].tolist() == [
        sum(reached_in_order(p, steps) > i for p in per_user.values()) for i in range(len(steps))
    ]


@FAST
@given(drawn_rows)
def test_top_paths_match_the_definition(drawn) -> None:  # type: ignore[no-untyped-def]
    frame = frame_of(drawn)
    counted: dict[str, int] = {}
    for path in paths_by_user(frame).values():
        merged = [e for i, (e, _) in enumerate(path) if i == 0 or path[i - 1][0] != e]
        key = " > ".join(merged)
        counted[key] = counted.get(key, 0) + 1
    expected = sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    result = top_paths(load_events(frame), n=5)
    assert list(zip(result["path"], result["count"])) == expected
    assert result["share"].tolist() == pytest.approx(
        [n / len(paths_by_user(frame)) for _, n in expected]
    )


@FAST
@given(drawn_rows)
def test_markov_path_counts_match_the_definition(drawn) -> None:  # type: ignore[no-untyped-def]
    frame = frame_of(drawn)
    steps: dict[tuple, int] = {}
    ends: dict[tuple, int] = {}
    for path in paths_by_user(frame).values():
        converted = any(e == "pay" for e, _ in path)
        before_pay = path[: [e for e, _ in path].index("pay")] if converted else path
        keys = [tp for _, tp in before_pay if pd.notna(tp)]
        merged = [k for i, k in enumerate(keys) if i == 0 or keys[i - 1] != k]
        for i, key in enumerate(merged):
            steps[(merged[i - 1] if i else None, key, converted)] = (
                steps.get((merged[i - 1] if i else None, key, converted), 0) + 1
            )
        if merged:
            ends[(merged[-1], converted)] = ends.get((merged[-1], converted), 0) + 1
    counts = path_counts(load_events(frame, conversion_events=["pay"]))
    got_steps = (
        counts[counts["steps"] > 0]
        .groupby(["prev", "key", "converted"], dropna=False)["steps"]
        .sum()
    )
    got_ends = counts.groupby(["key", "converted"])["ends"].sum()
    assert {
        (None if pd.isna(p) else p, k, bool(c)): int(n) for (p, k, c), n in got_steps.items()
    } == steps
    assert {(k, bool(c)): int(n) for (k, c), n in got_ends.items() if n} == ends


# --- DuckDB's memory --------------------------------------------------------------------------


def test_duckdb_memory_default_is_a_quarter_of_physical_memory() -> None:
    from cjm_helpers.overlay import events

    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert f"{max(1, int(total / 4 / 2**30))}GB" == events.DUCKDB_MEMORY
    assert events._memory_share(0.25) == events.DUCKDB_MEMORY


def run_python(code: str, **env: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **env},
    )
    return done.stdout.strip()


SETTINGS = (
    "from cjm_helpers.overlay.events import default_backend; c = default_backend(); "
    "print(c.raw_sql(\"SELECT current_setting('memory_limit'), current_setting('temp_directory')\").fetchone())"
)


def test_duckdb_memory_override_and_spill_folder_removed_at_exit(tmp_path: Path) -> None:
    limit, spill = eval(run_python(SETTINGS, CJM_DUCKDB_MEMORY="1536MB", TMPDIR=str(tmp_path)))
    assert limit in ("1.4 GiB", "1.5 GiB", "1536.0 MiB")
    assert Path(spill).parent == tmp_path
    assert not Path(spill).exists()  # removed when Python exited


def test_spill_folders_of_killed_processes_are_swept_at_the_next_start(tmp_path: Path) -> None:
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    stale = tmp_path / f"cjm-duckdb-spill-{gone}-abc"
    (stale / "spill").mkdir(parents=True)
    (stale / "spill" / "block.tmp").write_bytes(b"x" * 1024)
    live = tmp_path / f"cjm-duckdb-spill-{os.getpid()}-def"
    live.mkdir()
    unnamed = tmp_path / "cjm-duckdb-spill-q7x"
    unnamed.mkdir()

    _limit, spill = eval(run_python(SETTINGS, TMPDIR=str(tmp_path)))
    assert not stale.exists()  # its process is gone: swept
    assert live.exists() and unnamed.exists()  # a running process's, and one without a pid, kept
    assert not Path(spill).exists()
