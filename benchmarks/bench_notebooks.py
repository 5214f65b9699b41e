"""Wall time of running all the step notebooks with papermill, against the floor.

Run: .venv/bin/python benchmarks/bench_notebooks.py

The floor is what no notebook can avoid: one kernel start per notebook plus the
imports the notebooks need (a one-cell notebook per step that imports them). The
target is at most 1.5x the floor. Both run on a private copy of the sample project.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import nbformat
import papermill as pm

from cjm_helpers.execute import sample_workspace, step_notebooks

FLOOR_CELL = """\
import matplotlib.pyplot as plt
import cjm_helpers.notebook, cjm_helpers.overlay, cjm_helpers.forms, cjm_helpers.mapping, cjm_helpers.views
"""


def run_all(notebooks: list[Path], folder: Path) -> float:
    start = time.perf_counter()
    for notebook in notebooks:
        pm.execute_notebook(str(notebook), str(folder / notebook.name), kernel_name="python3", language="python",
                            cwd=str(folder), progress_bar=False, parameters={"interactive": False})
    return time.perf_counter() - start


def floor_notebooks(count: int, folder: Path) -> list[Path]:
    paths = []
    for n in range(count):
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell("interactive = False", metadata={"tags": ["parameters"]}),
                    nbformat.v4.new_code_cell(FLOOR_CELL)]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        path = folder / f"floor_{n}.ipynb"
        nbformat.write(nb, path)
        paths.append(path)
    return paths


def main() -> None:
    notebooks = step_notebooks()
    with sample_workspace(), tempfile.TemporaryDirectory(prefix="cjm-bench-nb-") as tmp:
        folder = Path(tmp)
        floors = floor_notebooks(len(notebooks), folder)
        run_all(floors[:1], folder)  # warm the disk cache for both
        floor = run_all(floors, folder)
        suite = run_all(notebooks, folder)
    print(f"notebooks: {len(notebooks)}")
    print(f"floor (kernel starts + imports): {floor:6.1f} s")
    print(f"all notebooks with papermill:    {suite:6.1f} s")
    print(f"ratio: {suite / floor:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()
