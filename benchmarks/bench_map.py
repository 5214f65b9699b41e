"""Render times of the sample map: HTML (target well under 1 s), and for reference the other formats.

Run: .venv/bin/python benchmarks/bench_map.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from cjm_helpers.mapping import JourneyMap, compare_maps
from cjm_helpers.mapping.export import map_bytes
from cjm_helpers.paths import SAMPLE_PROJECT
from cjm_helpers.store import load_project


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median and best time of ``repeat`` runs, in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    project = load_project(SAMPLE_PROJECT)
    print(f"sample map: {SAMPLE_PROJECT.name}, journey {project.journeys[0].id}")

    rows = [
        ("html (JourneyMap + _repr_html_)", lambda: JourneyMap(project)._repr_html_(), args.repeat),
        ("html standalone page", lambda: map_bytes(project, None, "html"), args.repeat),
        ("as-is/to-be html", lambda: compare_maps(project)._repr_html_(), args.repeat),
        ("csv", lambda: map_bytes(project, None, "csv"), 5),
        ("xlsx", lambda: map_bytes(project, None, "xlsx"), 3),
        ("mermaid", lambda: map_bytes(project, None, "mermaid"), 5),
        ("png, 150 dpi", lambda: map_bytes(project, None, "png"), 2),
        ("svg", lambda: map_bytes(project, None, "svg"), 2),
    ]
    for name, fn, repeat in rows:
        median, best = timed(fn, repeat)
        print(f"{name:40s} median {median:8.1f} ms   best {best:8.1f} ms   ({repeat} runs)")


if __name__ == "__main__":
    main()
