"""Every analysis gives the same answer on PySpark (local mode) as on DuckDB, for the same inputs.

The inputs cover what went wrong before: a project whose touchpoints leave channel,
device and department blank, cached and uncached logs, CSV and Parquet files, events
that share a timestamp (ties kept in file order), sub-second times, and text timestamps
with a named zone (converted, and checked against pandas' own conversion). Results
must be equal to the last digit: counts exactly, shares and hours to 1e-12.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from cjm_helpers.overlay import (
    attribution,
    funnel,
    gaps,
    kpis,
    load_events,
    switch_points,
    top_paths,
    transitions,
)
from cjm_helpers.overlay.events import EventLog, spark_python_env
from cjm_helpers.overlay.paths import time_between_stages
from cjm_helpers.paths import SAMPLE_EVENTS

pytestmark = pytest.mark.spark

ZONE = "Europe/Warsaw"
BLANK_TOUCHPOINTS = 4
"""How many of the sample project's touchpoints lose their channel, device and department."""


@pytest.fixture(scope="module")
def spark_backend():  # type: ignore[no-untyped-def]
    import ibis
    from pyspark.sql import SparkSession

    spark_python_env()
    spark = (
        SparkSession.builder.master("local[1]")
        .appName("cjm-tests")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    yield ibis.pyspark.connect(spark)
    spark.stop()


@pytest.fixture(scope="module")
def blank_project(sample_project):  # type: ignore[no-untyped-def]
    """The sample project with some touchpoints' channel, device and department left blank."""
    touchpoints = [
        tp.model_copy(update={"channel": "", "device": "", "owner_department": ""})
        if i < BLANK_TOUCHPOINTS
        else tp
        for i, tp in enumerate(sample_project.touchpoints)
    ]
    assert any(tp.events for tp in touchpoints[:BLANK_TOUCHPOINTS])
    return sample_project.model_copy(update={"touchpoints": touchpoints})


def sample_with_ties_and_fractions() -> pd.DataFrame:
    """The sample log (text cells), with sub-second times and extra events sharing a user's timestamp."""
    frame = pd.read_csv(SAMPLE_EVENTS, dtype=str, keep_default_na=False)
    frame["timestamp"] = [
        f"{ts}.{(i * 137) % 1000:03d}" if i % 3 else ts for i, ts in enumerate(frame["timestamp"])
    ]
    ties = frame.iloc[::50].copy()
    ties["event"] = ties["event"].map(lambda e: "menu_view" if e != "menu_view" else "add_to_cart")
    ties["channel"] = ""  # blank in the log: the touchpoint's (maybe blank) value is used
    mixed = pd.concat([frame, ties]).sort_index(kind="stable").reset_index(drop=True)
    return mixed


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    """The same log as CSV (local Warsaw times written with the zone's name) and Parquet (UTC timestamps)."""
    folder = tmp_path_factory.mktemp("parity")
    frame = sample_with_ties_and_fractions()
    csv = frame.assign(timestamp=frame["timestamp"] + f" {ZONE}")
    csv.to_csv(folder / "events.csv", index=False)
    local = pd.to_datetime(frame["timestamp"], format="ISO8601")
    utc = local.dt.tz_localize(ZONE, ambiguous=True, nonexistent="shift_forward").dt.tz_convert(
        "UTC"
    )
    parquet = frame.assign(timestamp=utc.dt.tz_localize(None).astype("datetime64[us]"))
    parquet.to_parquet(folder / "events.parquet", index=False)
    return {"csv": folder / "events.csv", "parquet": folder / "events.parquet"}


def facts(log: EventLog) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "events": log.count(),
                "duplicates": log.duplicate_rows,
                "sessions": log.has_sessions,
                "conversions": ",".join(log.conversion_events),
                "stages": ",".join(log.stages),
            }
        ]
    )


ANALYSES: dict[str, tuple[Callable[[EventLog], pd.DataFrame], list[str]]] = {
    "log": (facts, ["events"]),
    "funnel by stage": (funnel, ["step"]),
    "funnel by event": (
        lambda log: funnel(log, ["add_to_cart", "checkout_start", "payment_success"]),
        ["step"],
    ),
    "transitions": (transitions, ["from", "to"]),
    "transitions by session": (lambda log: transitions(log, by="session"), ["from", "to"]),
    "transitions on touchpoint": (lambda log: transitions(log, on="touchpoint"), ["from", "to"]),
    "top paths": (lambda log: top_paths(log, n=20), ["path"]),
    "top paths by session on stage": (
        lambda log: top_paths(log, n=20, by="session", on="stage"),
        ["path"],
    ),
    "top paths on touchpoint": (lambda log: top_paths(log, n=20, on="touchpoint"), ["path"]),
    "time between stages": (time_between_stages, ["from_stage"]),
    "gaps": (gaps, ["kind", "switched"]),
    "switch points device": (lambda log: switch_points(log, "device", n=50), ["from", "to"]),
    "switch points channel": (lambda log: switch_points(log, "channel", n=50), ["from", "to"]),
    "switch points department": (
        lambda log: switch_points(log, "department", n=50),
        ["from", "to"],
    ),
    "kpis": (kpis, ["kpi"]),
    "attribution": (attribution, ["key"]),
    "attribution by channel": (lambda log: attribution(log, by="channel"), ["key"]),
    "attribution, both keys in one pass": (
        lambda log: attribution(log, both_keys=True),
        ["key"],
    ),
    "attribution by channel from that pass": (
        lambda log: attribution(log, by="channel", both_keys=True),
        ["key"],
    ),
    "unmatched events": (lambda log: log.unmatched_events(), ["event"]),
}


def run_all(log: EventLog) -> dict[str, pd.DataFrame]:
    out = {}
    for name, (analysis, keys) in ANALYSES.items():
        out[name] = analysis(log).sort_values(keys, kind="stable").reset_index(drop=True)
    return out


def assert_same(left: dict[str, pd.DataFrame], right: dict[str, pd.DataFrame], what: str) -> None:
    for name in ANALYSES:
        try:
            pd.testing.assert_frame_equal(
                left[name], right[name], check_dtype=False, check_exact=False, rtol=1e-12, atol=0
            )
        except AssertionError as exc:
            raise AssertionError(f"{what}: {name} differs\n{exc}") from None


@pytest.fixture(scope="module")
def reference(files, blank_project) -> dict[str, pd.DataFrame]:  # type: ignore[no-untyped-def]
    return run_all(load_events(files["parquet"], project=blank_project))


def load(files: dict[str, Path], kind: str, cached: bool, project, backend) -> EventLog:  # type: ignore[no-untyped-def]
    log = load_events(files[kind], project=project, backend=backend)
    return log.cached() if cached else log


@pytest.mark.parametrize(("kind", "cached"), [("csv", False), ("csv", True), ("parquet", True)])
def test_duckdb_gives_the_same_from_csv_and_parquet_cached_or_not(
    files,
    blank_project,
    reference,  # type: ignore[no-untyped-def]
    kind: str,
    cached: bool,
) -> None:
    assert_same(
        reference,
        run_all(load(files, kind, cached, blank_project, "duckdb")),
        f"duckdb {kind} {cached}",
    )


# Spark answers each query in a second or more, so it reads the CSV cached and the Parquet
# uncached (the other two pairings are each covered once here and on DuckDB above).
@pytest.mark.parametrize(("kind", "cached"), [("csv", True), ("parquet", False)])
def test_every_analysis_agrees_on_spark(
    files,
    blank_project,
    spark_backend,
    reference,  # type: ignore[no-untyped-def]
    kind: str,
    cached: bool,
) -> None:
    log = load(files, kind, cached, blank_project, spark_backend)
    assert_same(reference, run_all(log), f"pyspark {kind} {'cached' if cached else 'uncached'}")


def test_blank_touchpoint_fields_stay_blank_on_spark(files, blank_project, spark_backend) -> None:  # type: ignore[no-untyped-def]
    log = load_events(files["parquet"], project=blank_project, backend=spark_backend)
    values = log.table.select("channel", "device", "department").distinct().execute()
    for column in values.columns:
        assert not values[column].dropna().astype(str).str.contains("ClassDict|net.razorvine").any()
    assert gaps(log).loc[lambda f: f["switched"], "steps"].sum() > 0


def test_a_dataframe_cached_on_spark_with_a_project(spark_backend, blank_project) -> None:  # type: ignore[no-untyped-def]
    frame = sample_with_ties_and_fractions().head(400)
    duck = load_events(frame, project=blank_project)
    spark = load_events(frame, project=blank_project, backend=spark_backend).cached()
    for name in ("log", "transitions on touchpoint", "attribution by channel"):
        analysis, keys = ANALYSES[name]
        pd.testing.assert_frame_equal(
            analysis(duck).sort_values(keys).reset_index(drop=True),
            analysis(spark).sort_values(keys).reset_index(drop=True),
            check_dtype=False,
            check_exact=False,
            rtol=1e-12,
            atol=0,
        )


def test_stage_times_keep_fractions_of_a_second(spark_backend) -> None:  # type: ignore[no-untyped-def]
    # a reaches purchase 1.75 s after awareness, b 0.5 s: median 1.125 s
    frame = pd.DataFrame(
        {
            "user_id": ["a", "a", "b", "b"],
            "event": ["v", "c", "v", "c"],
            "stage": ["awareness", "purchase"] * 2,
            "timestamp": [
                "2026-01-01 08:00:00",
                "2026-01-01 08:00:01.750",
                "2026-01-01 08:00:00.250",
                "2026-01-01 08:00:00.750",
            ],
        }
    )
    for backend in ("duckdb", spark_backend):
        result = time_between_stages(load_events(frame, backend=backend))
        assert result.loc[0, "median_hours"] * 3600 == pytest.approx(1.125, rel=1e-12)
