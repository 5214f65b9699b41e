"""Build the step notebooks from their readable Markdown sources in ``notebooks/src/``.

A chapter is written as one Markdown file, ``notebooks/src/NN_name.md``:

- plain Markdown becomes Markdown cells; a line holding only ``+++`` starts a new cell;
- a fenced block opened with ```` ```python ```` becomes a code cell; tags follow
  on the fence line, e.g. ```` ```python tags=nbval-ignore-output ````;
- a line holding only ``{{ setup }}`` becomes the two cells every chapter starts
  with: the papermill ``parameters`` cell and the ``cjm-setup`` cell that opens
  the project for step ``NN``.

Only ```` ```python ```` fences make code cells, so examples in other languages
(```` ```sh ````) stay inside the Markdown. The built notebook has no outputs:
``cjm notebooks refresh`` builds, executes and writes it (see :mod:`.execute`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import paths, text
from .errors import CJMError
from .i18n import t

SOURCES_DIR = paths.NOTEBOOKS_DIR / "src"
SETUP_MARKER = "{{ setup }}"
CELL_BREAK = "+++"
_FENCE_OPEN = re.compile(r"^```python(?:\s+tags=(?P<tags>[\w,\-]+))?\s*$")

PARAMETERS_SOURCE = """\
project_file: str = ""  # project file to open; empty: the one `cjm lab` chose, else a copy of the sample
events_file: str = ""  # event log (CSV or Parquet); empty: the file the project declares
survey_file: str = ""  # survey answers (CSV); empty: the file the project declares
tickets_file: str = ""  # support tickets (CSV); empty: the file the project declares
language: str = "en"  # language of labels and messages: en, id or pl
interactive: bool = True  # True: editable forms; False (headless runs): filled-in cards only"""

SETUP_TEMPLATE = """\
import matplotlib.pyplot as plt
from cjm_helpers.notebook import start_step

step = start_step({number}, project_file, events_file, survey_file, tickets_file, language)"""

PARAMETER_NAMES: tuple[str, ...] = ("project_file", "events_file", "survey_file", "tickets_file",
                                    "language", "interactive")


@dataclass
class _Cell:
    kind: str
    lines: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


def step_number(source: Path) -> int:
    """The step a source belongs to, from its name: ``05_map_elements.md`` -> 5."""
    number = text.step_number(source)
    if number < 0:
        raise CJMError(t("errors.nbbuild.bad_name", file=source.name))
    return number


def chapter_sources(folder: Path | None = None) -> list[Path]:
    """The chapter sources in order: 00_…, 01_…, … 08_…."""
    return sorted((folder or SOURCES_DIR).glob("[0-9][0-9]_*.md"))


def notebook_path(source: Path, folder: Path | None = None) -> Path:
    """Where the notebook built from ``source`` lives."""
    return (folder or paths.NOTEBOOKS_DIR) / (source.stem + ".ipynb")


def _split(text: str, where: str) -> list[_Cell]:
    cells: list[_Cell] = []
    current = _Cell("markdown")
    in_code = False
    for number, line in enumerate(text.splitlines(), start=1):
        if in_code:
            if line.strip() == "```":
                cells.append(current)
                current, in_code = _Cell("markdown"), False
            else:
                current.lines.append(line)
            continue
        opened = _FENCE_OPEN.match(line)
        if opened:
            cells.append(current)
            tags = [t for t in (opened.group("tags") or "").split(",") if t]
            current, in_code = _Cell("code", tags=tags), True
        elif line.strip() == CELL_BREAK:
            cells.append(current)
            current = _Cell("markdown")
        elif line.strip() == SETUP_MARKER:
            cells.append(current)
            cells.append(_Cell("setup"))
            current = _Cell("markdown")
        else:
            current.lines.append(line)
    if in_code:
        raise CJMError(t("errors.nbbuild.open_block", where=where))
    cells.append(current)
    return [c for c in cells if c.kind != "markdown" or "\n".join(c.lines).strip()]


def build_notebook(source: Path) -> nbformat.NotebookNode:
    """The notebook (without outputs) that a chapter source describes."""
    number = step_number(source)
    nb = nbformat.v4.new_notebook()
    for cell in _split(source.read_text(encoding="utf-8"), source.name):
        if cell.kind == "setup":
            nb.cells.append(nbformat.v4.new_code_cell(PARAMETERS_SOURCE, metadata={"tags": ["parameters"]}))
            nb.cells.append(nbformat.v4.new_code_cell(SETUP_TEMPLATE.format(number=number),
                                                      metadata={"tags": ["cjm-setup"]}))
        elif cell.kind == "code":
            meta = {"tags": cell.tags} if cell.tags else {}
            nb.cells.append(nbformat.v4.new_code_cell("\n".join(cell.lines).strip("\n"), metadata=meta))
        else:
            nb.cells.append(nbformat.v4.new_markdown_cell("\n".join(cell.lines).strip("\n")))
    nb.metadata["cjm"] = {"step": number, "source": f"src/{source.name}"}
    return nb


def cell_signature(nb: nbformat.NotebookNode) -> list[tuple[str, str, tuple[str, ...]]]:
    """What a notebook says, without its outputs: (type, source, tags) per cell."""
    return [(c.cell_type, c.source, tuple(c.get("metadata", {}).get("tags", []))) for c in nb.cells]


def stale_notebooks(folder: Path | None = None) -> list[str]:
    """Names of committed notebooks whose cells differ from their sources (or that are missing)."""
    stale = []
    for source in chapter_sources(folder and folder / "src"):
        target = notebook_path(source, folder)
        if not target.exists():
            stale.append(target.name)
            continue
        committed = nbformat.read(target, as_version=4)
        if cell_signature(committed) != cell_signature(build_notebook(source)):
            stale.append(target.name)
    return stale
