"""Decision data on the sample: how long clustering, attribution for a chosen conversion and periods take.

Run: .venv/bin/python benchmarks/bench_decisions.py [--respondents 5000] [--repeat 3]
Target: each under 5 s on the sample; clustering 5,000 respondents (k chosen) under 10 s.

The larger survey repeats the sample's respondents under new ids with their numeric
answers nudged, so the clusters stay realistic while the rows grow.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from cjm_helpers.overlay import load_events, load_survey
from cjm_helpers.overlay.conversion import decision_attribution
from cjm_helpers.overlay.periods import compare_periods
from cjm_helpers.overlay.segments import find_segments
from cjm_helpers.paths import SAMPLE_PROJECT
from cjm_helpers.store import load_project


def larger_survey(survey: pd.DataFrame, respondents: int, seed: int = 0) -> pd.DataFrame:
    """The sample survey grown to about ``respondents`` respondents, answers nudged by ±1."""
    rng = np.random.default_rng(seed)
    ids = survey["respondent_id"].unique()
    copies = []
    for copy in range(max(1, respondents // len(ids))):
        frame = survey.copy()
        frame["respondent_id"] = frame["respondent_id"] + f"-{copy}"
        nudge = rng.integers(-1, 2, len(frame))
        frame["emotion"] = (frame["emotion"] + nudge).clip(-2, 2)
        frame["csat"] = (frame["csat"] + nudge).clip(1, 5)
        copies.append(frame)
    return load_survey(pd.concat(copies, ignore_index=True))


def timed(work: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    project = load_project(SAMPLE_PROJECT)
    folder = SAMPLE_PROJECT.parent
    log = load_events(folder / "events.csv", project=project).cached()
    survey = load_survey(folder / "survey.csv")
    big = larger_survey(survey, args.respondents)
    september = (dt.date(2026, 9, 1), dt.date(2026, 9, 30))
    october = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    rows = [
        ("clusters, sample survey (k chosen)", lambda: find_segments(survey)),
        (
            f"clusters, {big['respondent_id'].nunique():,} respondents (k chosen)",
            lambda: find_segments(big),
        ),
        ("attribution, second orders", lambda: decision_attribution(log, occurrence=2)),
        (
            "attribution, reorder event",
            lambda: decision_attribution(log, conversion_events=["reorder"]),
        ),
        ("two periods compared", lambda: compare_periods(log, september, october, survey=survey)),
    ]
    for name, work in rows:
        print(f"{name:<45} {timed(work, args.repeat):6.2f} s (median of {args.repeat})")


if __name__ == "__main__":
    main()
