"""The same Ibis analytics on PySpark (local mode) give DuckDB's answers on the sample data."""

from __future__ import annotations

import pandas as pd
import pytest

from cjm_helpers.overlay import attribution, funnel, gaps, kpis, load_events, top_paths, transitions
from cjm_helpers.overlay.paths import time_between_stages
from cjm_helpers.paths import SAMPLE_EVENTS

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark_backend():  # type: ignore[no-untyped-def]
    import ibis
    from pyspark.sql import SparkSession

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
def logs(spark_backend, sample_project):  # type: ignore[no-untyped-def]
    frame = pd.read_csv(SAMPLE_EVENTS, dtype=str)
    duck = load_events(frame, project=sample_project)
    spark = load_events(frame, project=sample_project, backend=spark_backend)
    return duck, spark


def same(left: pd.DataFrame, right: pd.DataFrame, keys: list[str]) -> None:
    left = left.sort_values(keys).reset_index(drop=True)
    right = right.sort_values(keys).reset_index(drop=True)
    pd.testing.assert_frame_equal(left, right, check_dtype=False, check_exact=False, rtol=1e-9)


def test_funnel_agrees(logs) -> None:  # type: ignore[no-untyped-def]
    duck, spark = logs
    same(funnel(duck), funnel(spark), ["step"])
    steps = ["add_to_cart", "checkout_start", "payment_success"]
    same(funnel(duck, steps), funnel(spark, steps), ["step"])


def test_transitions_and_paths_agree(logs) -> None:  # type: ignore[no-untyped-def]
    duck, spark = logs
    same(transitions(duck), transitions(spark), ["from", "to"])
    same(transitions(duck, by="session"), transitions(spark, by="session"), ["from", "to"])
    same(top_paths(duck, n=5, on="stage"), top_paths(spark, n=5, on="stage"), ["path"])


def test_gaps_kpis_and_stage_times_agree(logs) -> None:  # type: ignore[no-untyped-def]
    duck, spark = logs
    same(gaps(duck), gaps(spark), ["kind", "switched"])
    same(kpis(duck), kpis(spark), ["kpi"])
    same(time_between_stages(duck), time_between_stages(spark), ["from_stage"])


def test_attribution_agrees(logs) -> None:  # type: ignore[no-untyped-def]
    duck, spark = logs
    same(attribution(duck), attribution(spark), ["key"])
    same(attribution(duck, by="channel"), attribution(spark, by="channel"), ["key"])
