"""The one pass that counts the Markov paths by touchpoint and by channel together gives the counts
of the Ibis query for each key alone, and runs once for both."""

from __future__ import annotations

import importlib
import tempfile
from dataclasses import replace
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjm_helpers.overlay import load_events

attribution_module = importlib.import_module("cjm_helpers.overlay.attribution")
attribution_pass = importlib.import_module("cjm_helpers.overlay.attribution_pass")

KEY_ORDER = ["converted", "key", "prev"]

drawn_rows = st.lists(
    st.tuples(
        st.sampled_from("abc"),
        st.integers(0, 6),
        st.sampled_from(["view", "cart", "pay", "help"]),
        st.sampled_from(["p", "q", None, " ", " p", "\t"]),  # blank keys are no keys
        st.sampled_from(["web", "app", None, "  ", "", "\rm", "\n"]),
    ),
    min_size=1,
    max_size=40,
)


def frame_of(drawn: list[tuple[str, int, str, str | None, str | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(u, f"2026-01-01 08:{m:02d}:00", e, tp, ch) for u, m, e, tp, ch in drawn],
        columns=["user_id", "timestamp", "event", "touchpoint", "channel"],
    )


def alone(log, by: str) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """The Ibis query for one key, as path_counts returns its counts."""
    frame = attribution_module.path_count_table(log, by).to_pandas()
    frame["prev"] = frame["prev"].astype(object).where(frame["prev"].notna(), None)
    return frame.astype({"steps": "int64", "ends": "int64", "converted": bool})


def ordered(frame: pd.DataFrame) -> pd.DataFrame:
    columns = ["prev", "key", "converted", "steps", "ends"]
    return frame[columns].sort_values(KEY_ORDER, na_position="first").reset_index(drop=True)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drawn_rows, st.sampled_from([["pay"], ["pay", "help"], ["none of them"]]))
def test_both_keys_from_one_pass_equal_each_key_counted_alone(drawn, conversions) -> None:  # type: ignore[no-untyped-def]
    frame = frame_of(drawn)
    with tempfile.TemporaryDirectory() as folder:
        parquet = Path(folder) / "events.parquet"  # Parquet text reaches the pass as written
        frame.to_parquet(parquet, index=False)
        for source in (frame, parquet):
            log = load_events(source, conversion_events=conversions)
            both = attribution_pass.both_path_counts(log, conversions)
            assert both is not None  # DuckDB runs the pass
            for by in ("touchpoint", "channel"):
                pd.testing.assert_frame_equal(ordered(both[by]), ordered(alone(log, by)))


def test_the_second_key_reads_the_first_ones_pass(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    passes: list[object] = []
    real = attribution_pass._pass

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        passes.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(attribution_pass, "_pass", counted)
    rows = [
        ("a", "2026-01-01 08:00:00", "view", "p", "web"),
        ("a", "2026-01-01 08:01:00", "cart", "q", "app"),
        ("a", "2026-01-01 08:02:00", "pay", None, "web"),
        ("b", "2026-01-01 08:00:00", "view", "q", "app"),
    ]
    log = load_events(
        pd.DataFrame(rows, columns=list(frame_of([]).columns)), conversion_events=["pay"]
    )
    alone = attribution_module.attribution(log, by="channel")  # one key wanted: its own query
    assert passes == []
    by_touchpoint = attribution_module.attribution(log, by="touchpoint", both_keys=True)
    by_channel = attribution_module.attribution(log, by="channel", both_keys=True)
    assert len(passes) == 1
    pd.testing.assert_frame_equal(by_channel, alone)
    assert set(by_touchpoint["key"]) == {"p", "q"} and set(by_channel["key"]) == {"web", "app"}
    # a log whose table was replaced (a period's filter) counts its own rows
    first_only = replace(log, table=log.table.filter(log.table.user_id == "a"))
    counts = attribution_module.path_counts(first_only, by="channel", both_keys=True)
    assert counts["steps"].sum() == 2
    assert len(passes) == 2


def test_a_later_conversion_or_excluded_keys_use_the_query_for_one_key(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def no_pass(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the pass counts only the first conversion, with every key")

    monkeypatch.setattr(attribution_pass, "_pass", no_pass)
    rows = [
        ("a", "2026-01-01 08:00:00", "view", "p", "web"),
        ("a", "2026-01-01 08:01:00", "cart", "q", "app"),
        ("a", "2026-01-01 08:02:00", "pay", None, None),
        ("a", "2026-01-01 08:03:00", "view", "r", "web"),
        ("a", "2026-01-01 08:04:00", "pay", None, None),
    ]
    log = load_events(
        pd.DataFrame(rows, columns=list(frame_of([]).columns)), conversion_events=["pay"]
    )
    second = attribution_module.path_counts(log, by="touchpoint", occurrence=2, both_keys=True)
    assert set(second.loc[second["converted"], "key"]) == {"p", "q", "r"}
    trimmed = attribution_module.path_counts(log, by="channel", exclude=["web"], both_keys=True)
    assert set(trimmed["key"]) == {"app"}
