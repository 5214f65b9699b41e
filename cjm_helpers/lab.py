"""The learner's own copy of the notebooks that `cjm lab` serves, and the port it serves them on.

JupyterLab autosaves what a notebook shows. Served from the suite's folder, a learner's
outputs would be written into the git-tracked chapters, and every chapter would open with
the sample's stored outputs. So each project gets its own copy of the chapters in its
language, with outputs cleared, beside the project file; the suite's notebooks are only read.
"""

from __future__ import annotations

__all__ = [
    "PORT_TRIES",
    "START_NOTEBOOK",
    "cleared",
    "first_free_port",
    "lab_notebooks_dir",
    "lab_url",
    "port_is_free",
    "prepare_lab_notebooks",
]

import socket
from pathlib import Path

import nbformat

from . import paths
from .store import atomic_write_text

START_NOTEBOOK = "00_start_here.ipynb"
"""The chapter a learner lands on: `cjm lab` opens it instead of the file browser."""
PORT_TRIES = 50
"""How many ports after a busy one `cjm lab` tries before giving up."""


def lab_notebooks_dir(project: Path, lang: str) -> Path:
    """Where the project's copy of the chapters in ``lang`` lives.

    Beside the project file (``notebooks-pl/``); for a project inside the suite's own
    folders (the shipped sample), in the workspace, so the suite's tree stays clean.
    """
    project = Path(project).resolve()
    try:
        project.relative_to(paths.REPO_DIR.resolve())
    except ValueError:
        return project.parent / f"notebooks-{lang}"
    return paths.workspace_dir() / "lab" / f"{project.stem.split('.')[0]}-notebooks-{lang}"


def cleared(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook without outputs, execution counts or stored widget state."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nb.metadata.pop("widgets", None)
    return nb


def prepare_lab_notebooks(project: Path, lang: str) -> Path:
    """Copy the chapters of ``lang`` (outputs cleared) next to the project; return the folder.

    A chapter already in the folder is the learner's and is left as it is; a missing one
    (new project, or a chapter added to the suite since) is copied.
    """
    source = paths.notebooks_dir(lang)
    target = lab_notebooks_dir(project, lang)
    target.mkdir(parents=True, exist_ok=True)
    for chapter in sorted(source.glob("[0-9][0-9]_*.ipynb")):
        copy = target / chapter.name
        if copy.exists():
            continue
        nb = cleared(nbformat.read(chapter, as_version=4))
        atomic_write_text(copy, nbformat.writes(nb) + "\n", durable=False)
    return target


def port_is_free(port: int) -> bool:
    """Whether nothing listens on ``port`` at 127.0.0.1 (bound as JupyterLab binds)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def first_free_port(port: int, tries: int = PORT_TRIES) -> int | None:
    """``port`` when it is free, else the next free one within ``tries``; None if none is."""
    for candidate in range(port, min(port + tries, 65536)):
        if port_is_free(candidate):
            return candidate
    return None


def lab_url(port: int, token: str) -> str:
    """The address that opens the start chapter, logged in with ``token``."""
    return f"http://127.0.0.1:{port}/lab/tree/{START_NOTEBOOK}?token={token}"
