"""Time to draw the sample map when a persona quote or card is 100 KB of text (the target: about
the same as a normal map, and growing in proportion to the text, never with its square).

Run: .venv/bin/python benchmarks/bench_long_text.py [--kb 100]
"""

from __future__ import annotations

import argparse
import time

from cjm_helpers.mapping.export import map_bytes
from cjm_helpers.mapping.figure import clip
from cjm_helpers.paths import SAMPLE_PROJECT
from cjm_helpers.store import load_project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--kb", type=int, default=100, help="size of the long text in kB (default 100)"
    )
    args = parser.parse_args()
    project = load_project(SAMPLE_PROJECT)
    for kb in sorted({args.kb // 4 or 1, args.kb}):
        text = ("I just want to pay without queueing twice " * (kb * 1000 // 42 + 1))[: kb * 1000]
        start = time.perf_counter()
        clip(text, 3.0)
        clipped = time.perf_counter() - start
        persona = project.personas[0].model_copy(update={"quote": text, "name": text})
        long_project = project.model_copy(update={"personas": [persona, *project.personas[1:]]})
        start = time.perf_counter()
        map_bytes(long_project, None, "png")
        drawn = time.perf_counter() - start
        print(
            f"{kb:>4} kB quote and name: clip {clipped * 1000:8.2f} ms, whole PNG map {drawn:6.2f} s"
        )


if __name__ == "__main__":
    main()
