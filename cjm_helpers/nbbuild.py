"""Build the step notebooks from their readable Markdown sources in ``notebooks/src/``.

A chapter is written as one Markdown file, ``notebooks/src/NN_name.md``:

- plain Markdown becomes Markdown cells; a line holding only ``+++`` starts a new cell;
- a fenced block opened with ```` ```python ```` becomes a code cell; tags follow
  on the fence line, e.g. ```` ```python tags=nbval-ignore-output ````;
- a line holding only ``{{ setup }}`` becomes the two cells every chapter starts
  with: the papermill ``parameters`` cell and the ``cjm-setup`` cell that opens
  the project for step ``NN``.

A chapter may open with a front matter block between two ``---`` lines, holding
``minutes`` (how long the chapter takes), ``needs`` (what the learner needs first) and
``summary`` (what the learner takes away). From it the build writes the chapter's
"what you need / how long it takes" box under the title and a "Summary" section before
the closing section; the closing "next" link is made from the chapter order. A heading
left with nothing under it but the hidden set-up cells gets the standard set-up sentence.

Only ```` ```python ```` fences make code cells, so examples in other languages
(```` ```sh ````) stay inside the Markdown. The built notebook has no outputs:
``cjm notebooks refresh`` builds, executes and writes it (see :mod:`.execute`).

Translations live beside the English sources, one folder per language
(``notebooks/src/id/NN_name.md`` builds to ``notebooks/id/NN_name.ipynb``), with the
same file names and the same code cells; only their prose and the default of the
``language`` parameter differ.
"""

from __future__ import annotations

__all__ = [
    "CELL_BREAK",
    "PARAMETERS_SOURCE",
    "PARAMETER_NAMES",
    "SETUP_MARKER",
    "SETUP_TEMPLATE",
    "SOURCES_DIR",
    "build_notebook",
    "cell_signature",
    "chapter_sources",
    "code_cells",
    "notebook_path",
    "parameters_source",
    "source_language",
    "source_languages",
    "stale_notebooks",
    "step_number",
]

import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import paths, text
from .errors import CJMError
from .i18n import t
from .yamlio import parse_yaml

SOURCES_DIR = paths.chapter_sources_dir()
SETUP_MARKER = "{{ setup }}"
CELL_BREAK = "+++"
FRONT_MATTER = "---"
PAGES_LEAVE_OUT = "remove-cell"
"""The tag of cells the exported pages leave out (see :mod:`.export`)."""
_FENCE_OPEN = re.compile(r"^```python(?:\s+tags=(?P<tags>[\w,\-]+))?\s*$")

PARAMETERS_SOURCE = """\
project_file: str = ""  # project file to open; empty: the one `cjm lab` chose, else a copy of the sample
events_file: str = ""  # event log (CSV or Parquet); empty: the file the project declares
survey_file: str = ""  # survey answers (CSV); empty: the file the project declares
tickets_file: str = ""  # support tickets (CSV); empty: the file the project declares
language: str = "{language}"  # language of labels and messages: en, id or pl; empty: the project's language
interactive: bool = True  # True: editable forms; False (headless runs): filled-in cards only"""

SETUP_TEMPLATE = """\
import matplotlib.pyplot as plt

from cjm_helpers.notebook import start_step

step = start_step({number}, project_file, events_file, survey_file, tickets_file, language)"""

PARAMETER_NAMES: tuple[str, ...] = (
    "project_file",
    "events_file",
    "survey_file",
    "tickets_file",
    "language",
    "interactive",
)


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


def chapter_sources(folder: Path | None = None, lang: str = paths.DEFAULT_LANGUAGE) -> list[Path]:
    """The chapter sources of one language in order: 00_…, 01_…, … 08_…."""
    return sorted((folder or paths.chapter_sources_dir(lang)).glob("[0-9][0-9]_*.md"))


def source_languages() -> list[str]:
    """The languages whose chapter sources exist, English first."""
    from .i18n import LANGUAGES

    return [lang for lang in LANGUAGES if chapter_sources(lang=lang)]


def source_language(source: Path) -> str:
    """The language a chapter source is written in, from its folder: ``src/id/…`` -> 'id'."""
    from .i18n import LANGUAGES

    folder = source.parent.name
    return (
        folder
        if folder in LANGUAGES and folder != paths.DEFAULT_LANGUAGE
        else paths.DEFAULT_LANGUAGE
    )


def notebook_path(source: Path, folder: Path | None = None) -> Path:
    """Where the notebook built from ``source`` lives (``notebooks/<lang>/`` for a translation)."""
    return (folder or paths.notebooks_dir(source_language(source))) / (source.stem + ".ipynb")


def parameters_source(lang: str = paths.DEFAULT_LANGUAGE) -> str:
    """The parameters cell of a chapter in ``lang``.

    An English chapter follows the project's language (empty default); a translated
    chapter speaks its own, and without a project it opens that language's sample.
    """
    return PARAMETERS_SOURCE.format(language="" if lang == paths.DEFAULT_LANGUAGE else lang)


@dataclass(frozen=True)
class ChapterInfo:
    """A chapter's front matter: how long it takes, what it needs, what it leaves the learner."""

    minutes: int = 0
    needs: tuple[str, ...] = ()
    summary: tuple[str, ...] = ()


def _read(source: Path) -> tuple[ChapterInfo, str]:
    """A chapter source's front matter (empty when it has none) and its body."""
    text = source.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != FRONT_MATTER:
        return ChapterInfo(), text
    end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == FRONT_MATTER), None)
    if end is None:
        raise CJMError(t("chapter.error.open_front_matter", file=source.name))
    meta = parse_yaml("".join(lines[1:end])) or {}
    unknown = sorted(set(meta) - {"minutes", "needs", "summary"}) if isinstance(meta, dict) else []
    if not isinstance(meta, dict) or unknown:
        raise CJMError(t("chapter.error.front_matter", file=source.name, keys=", ".join(unknown)))
    info = ChapterInfo(
        minutes=int(meta.get("minutes") or 0),
        needs=tuple(str(x) for x in meta.get("needs") or ()),
        summary=tuple(str(x) for x in meta.get("summary") or ()),
    )
    return info, "".join(lines[end + 1 :])


def chapter_info(source: Path) -> ChapterInfo:
    """The front matter of a chapter source."""
    return _read(source)[0]


def chapter_title(source: Path) -> str:
    """The chapter's level-one heading, as the "next" links name it."""
    for line in _read(source)[1].splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return source.stem


def next_chapter(source: Path) -> Path | None:
    """The chapter after ``source`` in the same language; None after the last one."""
    order = chapter_sources(source.parent)
    names = [p.name for p in order]
    if source.name not in names:
        return None
    at = names.index(source.name)
    return order[at + 1] if at + 1 < len(order) else None


def head_text(info: ChapterInfo, lang: str) -> str:
    """The "what you need / how long it takes" box under a chapter's title."""
    lines = []
    if info.needs:
        lines.append(f"> **{t('chapter.needs', lang)}** " + "; ".join(info.needs))
    if info.minutes:
        lines.append(
            f"> **{t('chapter.minutes', lang)}** {t('chapter.about_minutes', lang, n=info.minutes)}"
        )
    return "  \n".join(lines)


def summary_text(info: ChapterInfo, lang: str) -> str:
    """The chapter's "Summary" section."""
    items = "\n".join(f"- {point}" for point in info.summary)
    return f"## {t('chapter.summary', lang)}\n\n{items}"


def next_text(source: Path, lang: str) -> str:
    """The closing link to the next chapter, or back to step 1 after the last."""
    following = next_chapter(source)
    if following is not None:
        link = f"[{chapter_title(following)}]({following.stem}.ipynb)"
        return f"**{t('chapter.next', lang)}** {link} →"
    first = next((p for p in chapter_sources(source.parent) if step_number(p) == 1), None)
    if first is None:
        return ""
    link = f"[{chapter_title(first)}]({first.stem}.ipynb)"
    return f"**{t('chapter.next', lang)}** {t('chapter.next_round', lang, link=link)}"


def _with_head(text: str, head: str) -> str:
    """``text`` with ``head`` put after the title block, before the first section heading."""
    lines = text.split("\n")
    at = next((i for i, line in enumerate(lines) if line.startswith("## ")), len(lines))
    return "\n".join([*lines[:at], head, "", *lines[at:]]).strip("\n")


def _chapter_cells(source: Path, lang: str) -> list[_Cell]:
    """The source's cells, with the generated head box, set-up sentence, summary and next link."""
    info, body = _read(source)
    cells = _split(body, source.name)
    markdown = [i for i, c in enumerate(cells) if c.kind == "markdown"]
    if info.needs or info.minutes:
        first = cells[markdown[0]]
        first.lines = _with_head("\n".join(first.lines), head_text(info, lang)).split("\n")
    for i, cell in enumerate(cells[:-1]):  # a heading with only the set-up cells under it
        written = [line for line in cell.lines if line.strip()]
        ends_in_heading = bool(written) and written[-1].startswith("#")
        if cell.kind == "markdown" and cells[i + 1].kind == "setup" and ends_in_heading:
            cell.lines = [*cell.lines, "", t("chapter.setup_lead", lang)]
    if info.summary:
        at = _last_section(cells)
        cells.insert(at, _Cell("markdown", summary_text(info, lang).split("\n")))
    closing = next_text(source, lang) if info.summary or info.needs else ""
    if closing:
        # notebooks follow the link; exported pages have their own pager, so they leave it out
        cells.append(_Cell("markdown", [closing], tags=[PAGES_LEAVE_OUT]))
    return cells


def _last_section(cells: list[_Cell]) -> int:
    """Where the closing section starts: its cell is split off when it shares one."""
    for i in range(len(cells) - 1, -1, -1):
        cell = cells[i]
        if cell.kind != "markdown":
            continue
        starts = [n for n, line in enumerate(cell.lines) if line.startswith("## ")]
        if not starts:
            continue
        if starts[-1] == 0 or not "\n".join(cell.lines[: starts[-1]]).strip():
            return i
        head, tail = cell.lines[: starts[-1]], cell.lines[starts[-1] :]
        cells[i : i + 1] = [_Cell("markdown", head), _Cell("markdown", tail)]
        return i + 1
    return len(cells)


def code_cells(source: Path) -> list[tuple[str, tuple[str, ...]]]:
    """The code a chapter source runs, in order: (source, tags) of each ```python block and setup."""
    out: list[tuple[str, tuple[str, ...]]] = []
    for cell in _split(_read(source)[1], source.name):
        if cell.kind == "setup":
            out.append((SETUP_MARKER, ()))
        elif cell.kind == "code":
            out.append(("\n".join(cell.lines).strip("\n"), tuple(cell.tags)))
    return out


def _split(text: str, where: str) -> list[_Cell]:
    cells: list[_Cell] = []
    current = _Cell("markdown")
    in_code = False
    for _number, line in enumerate(text.splitlines(), start=1):
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
    lang = source_language(source)
    nb = nbformat.v4.new_notebook()
    for cell in _chapter_cells(source, lang):
        if cell.kind == "setup":
            nb.cells.append(
                nbformat.v4.new_code_cell(
                    parameters_source(lang), metadata={"tags": ["parameters"]}
                )
            )
            nb.cells.append(
                nbformat.v4.new_code_cell(
                    SETUP_TEMPLATE.format(number=number), metadata={"tags": ["cjm-setup"]}
                )
            )
        elif cell.kind == "code":
            meta = {"tags": cell.tags} if cell.tags else {}
            nb.cells.append(
                nbformat.v4.new_code_cell("\n".join(cell.lines).strip("\n"), metadata=meta)
            )
        else:
            meta = {"tags": cell.tags} if cell.tags else {}
            nb.cells.append(
                nbformat.v4.new_markdown_cell("\n".join(cell.lines).strip("\n"), metadata=meta)
            )
    where = source.name if lang == paths.DEFAULT_LANGUAGE else f"{lang}/{source.name}"
    nb.metadata["cjm"] = {"step": number, "source": f"src/{where}"}
    if lang != paths.DEFAULT_LANGUAGE:
        nb.metadata["cjm"]["language"] = lang
    return nb


def cell_signature(nb: nbformat.NotebookNode) -> list[tuple[str, str, tuple[str, ...]]]:
    """What a notebook says, without its outputs: (type, source, tags) per cell."""
    return [(c.cell_type, c.source, tuple(c.get("metadata", {}).get("tags", []))) for c in nb.cells]


def stale_notebooks(folder: Path | None = None, lang: str = paths.DEFAULT_LANGUAGE) -> list[str]:
    """Names of committed notebooks whose cells differ from their sources (or that are missing)."""
    stale = []
    src = None
    if folder is not None:
        src = folder / "src" if lang == paths.DEFAULT_LANGUAGE else folder.parent / "src" / lang
    for source in chapter_sources(src, lang):
        target = notebook_path(source, folder)
        if not target.exists():
            stale.append(target.name)
            continue
        committed = nbformat.read(target, as_version=4)
        if cell_signature(committed) != cell_signature(build_notebook(source)):
            stale.append(target.name)
    return stale
