"""Run notebooks headless: refresh the committed outputs, or run them on a user's project.

The committed notebooks carry their outputs (readers see results before running
anything, and nbval compares a fresh run against them). ``refresh_notebooks`` is
the one way to regenerate them: each notebook runs on a fresh copy of the sample
project in a private workspace, exactly as the nbval tests will, and is written
back with normalised metadata so diffs show only real changes.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import nbformat

from . import paths

KERNEL_NAME = "python3"
CELL_TIMEOUT_S = 600


def step_notebooks(folder: Path | None = None) -> list[Path]:
    """The suite's notebooks in order: 00_…, 01_…, … 08_…."""
    folder = folder or paths.NOTEBOOKS_DIR
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Kernel 'python3', no per-run metadata, stable cell ids: diffs show content only."""
    nb.metadata = nbformat.from_dict({
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": KERNEL_NAME},
        "language_info": {"name": "python"},
        **{k: v for k, v in nb.metadata.items() if k in {"cjm"}},
    })
    for index, cell in enumerate(nb.cells):
        cell.id = f"cell-{index:02d}"
        keep = {k: v for k, v in cell.metadata.items() if k in {"tags", "cjm"}}
        cell.metadata = nbformat.from_dict(keep)
        if cell.cell_type == "code":
            for output in cell.get("outputs", []):
                output.get("metadata", {}).pop("papermill", None)
    nb.nbformat, nb.nbformat_minor = 4, 5
    return nb


@contextlib.contextmanager
def sample_workspace() -> Iterator[Path]:
    """A private copy of the sample project (and its data) for one run; the environment points at it."""
    saved = {k: os.environ.get(k) for k in (paths.PROJECT_ENV, "CJM_HOME", "MPLBACKEND")}
    with tempfile.TemporaryDirectory(prefix="cjm-run-") as tmp:
        project = paths.create_project(Path(tmp) / "sample", "sample")
        os.environ[paths.PROJECT_ENV] = str(project)
        os.environ["CJM_HOME"] = tmp
        os.environ.pop("MPLBACKEND", None)
        try:
            yield project
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def execute_in_place(path: Path, timeout: int = CELL_TIMEOUT_S) -> nbformat.NotebookNode:
    """Execute a notebook in its own folder (as nbval does) and return it, outputs filled."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name=KERNEL_NAME,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    return nb


def refresh_notebooks(names: list[str] | None = None, progress: bool = True) -> list[Path]:
    """Re-run the suite's notebooks on the sample and write them back with their outputs."""
    from tqdm.auto import tqdm

    chosen = [p for p in step_notebooks() if not names or any(n in p.name for n in names)]
    written = []
    with sample_workspace():
        for path in tqdm(chosen, desc="notebooks", unit="nb", disable=not progress):
            nb = normalise(execute_in_place(path))
            nbformat.validate(nb)
            path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
            written.append(path)
    return written
