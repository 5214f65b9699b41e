"""Wall time of running all the step notebooks with papermill, against the floor.

Run: .venv/bin/python benchmarks/bench_notebooks.py [--repeats 3]

The floor is what no notebook can avoid: one kernel start per notebook plus the
imports the notebooks need (a trivial notebook per step, nine of them, whose one
cell makes the chapters' own set-up imports, which load the package's step facade
and with it pandas, matplotlib, Ibis, the widgets and the rest of the package; the
libraries an analysis imports when it first runs, DuckDB's Ibis backend and
scikit-learn with SciPy, count as the suite's work; the figures draw with matplotlib
alone). Both run as ``cjm run`` runs them (one
kernel per notebook over IPC, a fresh run folder with its shared-table cache).
Floor and suite run interleaved, ``--repeats`` times each, on a private copy of
the sample project; the medians are compared (target: at most 1.3x the floor). A second
floor makes the same imports as each chapter (every module its kernel had loaded at the
end, found in one untimed run of the chapters), so the libraries count as the floor's and
the ratio to it is what the chapters cost beyond their imports. The slowest cells of the last suite run are listed
with how long each took, to show where the time above the floor goes. The machine
is usually shared: compare the ratio, not seconds across runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import nbformat

from cjm_helpers.execute import sample_workspace, step_notebooks
from cjm_helpers.run.suite import execute_one, kernel_environment

FLOOR_CELL = """\
import matplotlib.pyplot as plt

from cjm_helpers.notebook import start_step
"""
TARGET = 1.3


def run_all(notebooks: list[Path], folder: Path) -> float:
    """Seconds to execute ``notebooks`` in order as ``cjm run`` does, in a fresh kernel environment."""
    home = Path(tempfile.mkdtemp(prefix="home-", dir=folder))
    start = time.perf_counter()
    with kernel_environment(home):
        for notebook in notebooks:
            execute_one(notebook, folder / notebook.name, {"interactive": False}, cwd=folder)
    return time.perf_counter() - start


def floor_notebooks(count: int, folder: Path) -> list[Path]:
    paths = []
    for n in range(count):
        nb = nbformat.v4.new_notebook()
        nb.cells = [
            nbformat.v4.new_code_cell("interactive = False", metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell(FLOOR_CELL),
        ]
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        path = folder / f"floor_{n}.ipynb"
        nbformat.write(nb, path)
        paths.append(path)
    return paths


MODULES_CELL = """\
import json, sys
from pathlib import Path
Path({path!r}).write_text(json.dumps(list(sys.modules)), encoding="utf-8")
"""
"""Appended to a copy of a notebook in the discovery run: which modules its kernel ended with, in import order."""

IMPORTS_CELL = """\
import importlib
for name in {names!r}:
    try:
        importlib.import_module(name)
    except Exception:
        pass
"""


def with_cell(source: Path, cell: str, path: Path) -> Path:
    """A copy of ``source`` with one more code cell at the end."""
    nb = nbformat.read(source, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(cell))
    nbformat.write(nb, path)
    return path


def loaded_modules(notebooks: list[Path], folder: Path) -> list[list[str]]:
    """Per notebook, the modules its kernel had loaded when it ended (one discovery run, not timed)."""
    copies = []
    for n, notebook in enumerate(notebooks):
        cell = MODULES_CELL.format(path=str(folder / f"modules_{n}.json"))
        copies.append(with_cell(notebook, cell, folder / notebook.name))
    run_all(copies, folder)
    return [
        json.loads((folder / f"modules_{n}.json").read_text(encoding="utf-8"))
        for n in range(len(notebooks))
    ]


def same_imports_floor(
    floor: list[Path], chapters: list[list[str]], base: list[str], folder: Path
) -> list[Path]:
    """The floor notebooks, each also importing every module its chapter loaded beyond the set-up's."""
    known = set(base)
    return [
        with_cell(
            trivial,
            IMPORTS_CELL.format(names=[m for m in modules if m not in known]),
            folder / trivial.name,
        )
        for trivial, modules in zip(floor, chapters, strict=True)
    ]


def slowest_cells(
    notebooks: list[Path], folder: Path, count: int = 15
) -> list[tuple[float, str, str]]:
    """(seconds, notebook, first line of the cell) of the slowest cells papermill timed."""
    cells = []
    for notebook in notebooks:
        nb = nbformat.read(folder / notebook.name, as_version=4)
        for cell in nb.cells:
            duration = cell.get("metadata", {}).get("papermill", {}).get("duration")
            if cell.cell_type == "code" and duration is not None:
                cells.append(
                    (
                        float(duration),
                        notebook.stem,
                        cell.source.splitlines()[0] if cell.source else "",
                    )
                )
    return sorted(cells, reverse=True)[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--repeats", type=int, default=3, help="runs of the floor and of the suite (medians)"
    )
    args = parser.parse_args()
    notebooks = step_notebooks()
    times: dict[str, list[float]] = {"floor": [], "same imports": [], "suite": []}
    with sample_workspace(), tempfile.TemporaryDirectory(prefix="cjm-bench-nb-") as tmp:
        folder = Path(tmp)
        for name in ("floor", "same", "discover"):
            (folder / name).mkdir()
        trivial = floor_notebooks(len(notebooks), folder / "floor")
        base = loaded_modules(trivial[:1], folder / "discover")[0]
        chapters = loaded_modules(notebooks, folder / "discover")
        same = same_imports_floor(trivial, chapters, base, folder / "same")
        runs = [("floor", trivial, folder / "floor"), ("same imports", same, folder / "same")]
        runs.append(("suite", notebooks, folder))
        for rep in range(args.repeats):
            for kind, books, where in runs[rep % 3 :] + runs[: rep % 3]:
                seconds = run_all(books, where)
                times[kind].append(seconds)
                print(f"  run {rep + 1}: {kind:12s} {seconds:6.1f} s", flush=True)
        slow = slowest_cells(notebooks, folder)
    floor, same_floor, suite = (statistics.median(times[k]) for k in times)
    print(f"notebooks: {len(notebooks)}, runs of each: {args.repeats} (interleaved; medians)")
    print(
        f"floor ({len(notebooks)} trivial notebooks, kernel starts + set-up imports): {floor:6.1f} s"
    )
    print(
        f"floor with the same imports as each chapter (scikit-learn, SciPy, ...): {same_floor:6.1f} s"
    )
    print(f"all notebooks with papermill:                                     {suite:6.1f} s")
    print(f"ratio to the floor: {suite / floor:.2f}x (target <= {TARGET}x)")
    print(f"ratio to the floor with the same imports: {suite / same_floor:.2f}x")
    print("slowest cells of the last suite run:")
    for seconds, notebook, line in slow:
        print(f"  {seconds:6.2f} s  {notebook:24s} {line}")


if __name__ == "__main__":
    main()
