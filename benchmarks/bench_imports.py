"""Start-up cost of the entry points: how long a fresh interpreter takes to import each one.

Run: .venv/bin/python benchmarks/bench_imports.py [--repeats 5]

Each entry point (the command line's parser, `cjm overlay --help`, the overlay's run module,
a chapter's setup cell without its project) is imported in a fresh process, interleaved,
``--repeats`` times; the median wall time is printed with the heavy libraries it loaded, so a
module that starts pulling seaborn, scipy or the map package in again shows at once. The
machine is usually shared: compare figures from the same run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

ENTRY_POINTS: dict[str, str] = {
    "interpreter alone": "pass",
    "cjm parser": "from cjm_helpers.cli import build_parser\nbuild_parser()",
    "cjm overlay --help": (
        "from cjm_helpers.cli import main\nimport contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n        main(['overlay', '--help'])\n    except SystemExit:\n        pass"
    ),
    "overlay run module": "import cjm_helpers.overlay.run",
    "chapter setup": (
        "import matplotlib.pyplot\nfrom cjm_helpers.notebook import setup_plots\nsetup_plots()"
    ),
}

HEAVY = ("seaborn", "scipy", "cjm_helpers.mapping.figure", "matplotlib", "pandas", "ibis")

REPORT = "\nimport json, sys\nprint(json.dumps([h for h in {heavy!r} if h in sys.modules]))"


def run_once(code: str) -> tuple[float, list[str]]:
    """Seconds for a fresh interpreter to run ``code``, and the heavy modules it loaded."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code + REPORT.format(heavy=HEAVY)],
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - started, json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs of each entry point")
    args = parser.parse_args()
    seconds: dict[str, list[float]] = {name: [] for name in ENTRY_POINTS}
    loaded: dict[str, list[str]] = {}
    for _ in range(args.repeats):
        for name, code in ENTRY_POINTS.items():
            took, heavy = run_once(code)
            seconds[name].append(took)
            loaded[name] = heavy
    print(f"fresh-interpreter imports, median of {args.repeats} (interleaved):")
    for name, runs in seconds.items():
        heavy = ", ".join(loaded[name]) or "none of them"
        print(f"  {name:<20} {statistics.median(runs):6.2f} s   heavy libraries: {heavy}")


if __name__ == "__main__":
    main()
