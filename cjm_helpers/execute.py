"""Run notebooks headless: refresh the committed outputs, or run them on a user's project.

The committed notebooks carry their outputs (readers see results before running
anything, and nbval compares a fresh run against them). ``refresh_notebooks`` is
the one way to regenerate them: each notebook is built from its Markdown source
(:mod:`.nbbuild`), runs on a fresh copy of the sample project in a private
workspace, exactly as the nbval tests will, and is written back with
normalised metadata so diffs show only real changes.
"""

from __future__ import annotations

__all__ = [
    "CELL_TIMEOUT_S",
    "KERNEL_NAME",
    "choose_chapters",
    "execute_in_place",
    "execute_notebook",
    "normalise",
    "refresh_notebooks",
    "sample_workspace",
    "step_notebooks",
]

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

import nbformat

from . import paths
from .environment import scoped_environ

KERNEL_NAME = "python3"
CELL_TIMEOUT_S = 600


def step_notebooks(folder: Path | None = None) -> list[Path]:
    """The suite's notebooks in order: 00_…, 01_…, … 08_…."""
    folder = folder or paths.NOTEBOOKS_DIR
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Kernel 'python3', no per-run metadata, stable cell ids: diffs show content only."""
    nb.metadata = nbformat.from_dict(
        {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": KERNEL_NAME},
            "language_info": {"name": "python"},
            **{k: v for k, v in nb.metadata.items() if k in {"cjm"}},
        }
    )
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
def sample_workspace(lang: str = paths.DEFAULT_LANGUAGE) -> Iterator[Path]:
    """A private copy of the sample project in ``lang`` (and its data) for one run; the environment points at it."""
    with tempfile.TemporaryDirectory(prefix="cjm-run-") as tmp:
        project = paths.create_project(
            Path(tmp) / "sample", "sample", lang=None if lang == paths.DEFAULT_LANGUAGE else lang
        )
        with scoped_environ(
            {
                paths.PROJECT_ENV: str(project),
                "CJM_HOME": tmp,
                paths.TODAY_ENV: paths.SAMPLE_REFERENCE_DATE,
                "MPLBACKEND": None,
            }
        ):
            yield project


def execute_notebook(
    nb: nbformat.NotebookNode, folder: Path, timeout: int = CELL_TIMEOUT_S
) -> nbformat.NotebookNode:
    """Execute a notebook with ``folder`` as its working folder (as nbval does) and return it."""
    from nbclient import NotebookClient

    client = NotebookClient(
        nb, timeout=timeout, kernel_name=KERNEL_NAME, resources={"metadata": {"path": str(folder)}}
    )
    client.execute()
    return nb


def execute_in_place(path: Path, timeout: int = CELL_TIMEOUT_S) -> nbformat.NotebookNode:
    """Execute a notebook file in its own folder and return it, outputs filled."""
    return execute_notebook(nbformat.read(path, as_version=4), path.parent, timeout)


def choose_chapters(
    names: list[str] | None = None, languages: list[str] | None = None
) -> dict[str, list[Path]]:
    """The chapter sources to build, by language: every language with sources unless ``languages`` says.

    ``names`` keeps the chapters whose file name contains one of them, in every chosen language.
    """
    from .errors import CJMError
    from .i18n import check_language, t
    from .nbbuild import chapter_sources, source_languages

    available = source_languages()
    for lang in languages or []:
        check_language(lang)
        if lang not in available:
            raise CJMError(
                t(
                    "errors.notebooks.no_language",
                    folder=paths.chapter_sources_dir(lang),
                    lang=repr(lang),
                    languages=", ".join(available),
                )
            )
    chosen: dict[str, list[Path]] = {}
    for lang in languages or available:
        found = [
            s for s in chapter_sources(lang=lang) if not names or any(n in s.name for n in names)
        ]
        if found:
            chosen[lang] = found
    if not chosen:
        known = ", ".join(s.stem for s in chapter_sources()) or t("errors.none_yet")
        raise CJMError(
            t("errors.notebooks.no_match", names=repr(" ".join(names or [])), known=known)
        )
    return chosen


def refresh_notebooks(
    names: list[str] | None = None, progress: bool = True, languages: list[str] | None = None
) -> list[Path]:
    """Build the chosen chapters from their sources, run them on the sample, write them with outputs.

    Each language's chapters run on that language's sample (Indonesian Kopiloka for
    ``id``), so the stored outputs speak the chapter's language. This is the only way
    the committed outputs change: a notebook is written only after it ran without
    error, so a failing chapter keeps its old file.
    """
    from tqdm.auto import tqdm

    from .nbbuild import build_notebook, notebook_path

    chosen = choose_chapters(names, languages)
    written = []
    total = sum(len(sources) for sources in chosen.values())
    with tqdm(total=total, desc="notebooks", unit="nb", disable=not progress) as bar:
        for lang, sources in chosen.items():
            with sample_workspace(lang):
                for source in sources:
                    bar.set_postfix_str(f"{lang}/{source.stem}")
                    target = notebook_path(source)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    nb = normalise(execute_notebook(build_notebook(source), target.parent))
                    nbformat.validate(nb)
                    target.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
                    written.append(target)
                    bar.update(1)
    return written
