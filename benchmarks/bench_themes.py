"""Themes from 100,000 customer comments: how long the whole mining takes on this machine.

Run: .venv/bin/python benchmarks/bench_themes.py [--comments 100000] [--repeat 3]
Target: 100,000 comments in under 30 s (documents to themes, labels, quotes, places and trend).

The comments are the sample's English and Indonesian phrases, each varied with
words drawn from all phrases and a number, so nearly every text is distinct
(repeated texts would be analysed once and flatter the figure).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np
import pandas as pd

from cjm_helpers.overlay.feedback_samples import COMMENTS, GENERIC_COMMENTS, TICKETS
from cjm_helpers.overlay.themes import find_themes
from cjm_helpers.overlay.themes_text import WORD

STAGES = ["awareness", "consideration", "purchase", "retention", "advocacy"]


def comments(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` documents shaped like :func:`feedback_documents` output, from the sample's phrases."""
    rng = np.random.default_rng(seed)
    pools: list[tuple[str, int, str]] = []
    for stage, by_feeling in COMMENTS.items():
        for feeling, texts in by_feeling.items():
            pools += [(stage, 2 if feeling == "pos" else -2, text) for text in texts]
    pools += [("", 1, text) for text in GENERIC_COMMENTS["pos"]] + [
        ("", -1, text) for text in GENERIC_COMMENTS["neg"]
    ]
    pools += [("purchase", 0, text) for _, _, texts in TICKETS.values() for text in texts]
    vocabulary = sorted({w for _, _, text in pools for w in WORD.findall(text.lower())})
    picks = rng.integers(0, len(pools), n)
    extra = rng.integers(0, len(vocabulary), (n, 3))
    days = rng.integers(0, 120, n)
    rows = []
    start = pd.Timestamp("2026-06-01")
    for i in range(n):
        stage, score, text = pools[picks[i]]
        words = " ".join(vocabulary[j] for j in extra[i][: 1 + i % 3])
        rows.append((stage, score, f"{text} {words} {i % 97}"))
    stage, score, text = zip(*rows)
    return pd.DataFrame(
        {
            "source": "survey",
            "ref": [f"R{i}" for i in range(n)],
            "text": text,
            "stage": stage,
            "stage_name": [s.title() for s in stage],
            "stage_order": [float(STAGES.index(s)) if s else np.nan for s in stage],
            "touchpoint": "",
            "touchpoint_name": "",
            "when": start + pd.to_timedelta(days, unit="D"),
            "score": [float(s) if s else np.nan for s in score],
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    docs = comments(args.comments)
    print(f"{len(docs):,} comments, {docs['text'].nunique():,} distinct texts")
    times = []
    for run in range(args.repeat):
        started, cpu = time.perf_counter(), time.process_time()
        result = find_themes(docs)
        times.append(time.perf_counter() - started)
        print(
            f"run {run + 1}: {times[-1]:.1f} s ({time.process_time() - cpu:.1f} s CPU), {len(result.themes)} themes, "
            f"{(result.documents['theme'] == '').mean():.1%} of texts without a theme"
        )
    print(
        f"median {statistics.median(times):.1f} s for {len(docs):,} comments (target: under 30 s); "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    for row in result.themes.itertuples(index=False):
        print(
            f"  {row.theme}  {row.size:>6,}  {row.polarity:<5}  {row.stage_name:<13}  {row.label}"
        )


if __name__ == "__main__":
    main()
