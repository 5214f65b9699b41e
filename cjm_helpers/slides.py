"""Slide decks for trainers: executed notebooks as reveal.js decks that open offline.

Each chapter becomes a deck: every level-one or level-two heading starts a slide, a
level-three heading a slide below it, and the results (charts, cards, tables) stay on
the slide of the text they follow. Lists, tables and pictures stay on the slides;
the chapter's running prose moves to the speaker notes (press S in the deck), so a
slide shows the structure and the results while the trainer has the story at hand.
reveal.js (MIT, bundled in ``templates/nbconvert/cjm_slides/reveal/``) is copied
beside the decks, so they open with no network at all.
"""

from __future__ import annotations

__all__ = [
    "ASSETS_DIR",
    "ASSETS_FOLDER",
    "COURSE_DECK",
    "TEMPLATE_NAME",
    "copy_assets",
    "deck_notebook",
    "export_slides",
    "make_slides_exporter",
    "render_deck",
]

import copy
import os
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .errors import CJMError
from .export import (
    TEMPLATE_BASE,
    external_references,
    make_exporter,
    notebook_title,
    prepare_notebook,
    read_notebook,
    start_export,
    strip_external,
)
from .i18n import t

TEMPLATE_NAME = "cjm_slides"
ASSETS_DIR = TEMPLATE_BASE / TEMPLATE_NAME / "reveal"
ASSETS_FOLDER = "reveal"
COURSE_DECK = "course.slides.html"

_SLIDE_HEADING = re.compile(r"^#{1,2}\s")
_SUB_HEADING = re.compile(r"^###\s")
_KEEP_ON_SLIDE = re.compile(r"^(\s*([-*+]|\d+[.)])\s|\s*\||\s*<|\s*!\[|\s*```|\s*>)")


def _blocks(markdown: str) -> list[str]:
    """The markdown's blocks (paragraphs, lists, headings), split on blank lines."""
    return [block.strip("\n") for block in re.split(r"\n\s*\n", markdown) if block.strip()]


def _is_prose(block: str) -> bool:
    """Running prose, as opposed to headings, lists, tables, HTML, quotes and pictures."""
    first = block.lstrip().splitlines()[0] if block.strip() else ""
    return not (first.startswith("#") or _KEEP_ON_SLIDE.match(first))


def _slide_types(blocks: list[str], state: dict[str, bool]) -> list[str]:
    """reveal.js slide types for one markdown cell's blocks, continuing the deck's ``state``.

    A level-one/two heading opens a slide and a level-three heading a slide below it, unless
    the current slide holds only its heading so far (then they share it). The first
    paragraph after a heading stays on the slide as its lead; later prose becomes notes.
    """
    kinds = []
    for block in blocks:
        if _SLIDE_HEADING.match(block):
            kinds.append("slide")
            state.update(body=False, lead=True)
        elif _SUB_HEADING.match(block):
            kinds.append("subslide" if state["body"] else "-")
            state.update(body=False, lead=True)
        elif _is_prose(block):
            if state["lead"] and not state["body"]:
                kinds.append("-")
                state.update(body=True, lead=False)
            else:
                kinds.append("notes")
        else:
            kinds.append("-")
            state.update(body=True, lead=False)
    return kinds


def deck_notebook(nb: Any, notes: bool = True) -> Any:
    """A copy of a prepared notebook with reveal.js slide metadata on every cell.

    Without ``notes`` (the learner edition) the prose that would be speaker notes is left out.
    """
    import nbformat

    deck = copy.deepcopy(nb)
    cells = []
    state = {"body": False, "lead": True}
    for cell in deck.cells:
        if cell.cell_type != "markdown":
            cell.setdefault("metadata", {})["slideshow"] = {"slide_type": "-"}
            if cell.get("outputs"):
                state.update(body=True, lead=False)
            cells.append(cell)
            continue
        blocks = _blocks(cell.source)
        for block, kind in zip(blocks, _slide_types(blocks, state)):
            cells.append(
                nbformat.v4.new_markdown_cell(block, metadata={"slideshow": {"slide_type": kind}})
            )
    _drop_empty_slides(cells)
    if not notes:
        cells = [cell for cell in cells if _kind(cell) != "notes"]
    for number, cell in enumerate(cells):
        cell["id"] = (
            f"slide-cell-{number}"  # chapters joined into one course deck repeat their cell ids
        )
    deck.cells = cells
    return deck


def _kind(cell: Any) -> str:
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")


def _drop_empty_slides(cells: list[Any]) -> None:
    """A heading whose slide would show nothing else (its cells were hidden) becomes a note."""
    opens = [i for i, cell in enumerate(cells) if _kind(cell) in ("slide", "subslide")] + [
        len(cells)
    ]
    for start, end in zip(opens, opens[1:]):
        shown = [
            c
            for c in cells[start + 1 : end]
            if _kind(c) != "notes" and (c.cell_type == "markdown" or c.get("outputs"))
        ]
        if not shown:
            cells[start].metadata["slideshow"]["slide_type"] = "notes"


def make_slides_exporter(no_input: bool, lang: str) -> Any:
    return make_exporter(no_input, lang, template=TEMPLATE_NAME, slides=True)


def render_deck(
    nb: Any, title: str, lang: str, exporter: Any, source: str, notes: bool = True
) -> str:
    """One deck's HTML; refuses to return a page that would load anything from another host."""
    nb = deck_notebook(nb, notes)
    nb.metadata["title"] = title
    resources = {
        "metadata": {"name": title},
        "cjm": {"assets": ASSETS_FOLDER, "footer": t("slides.footer", lang, title=title)},
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    page = strip_external(body)
    left = external_references(page)
    if left:
        raise CJMError(t("errors.export.dangling_link", lang, page=source, target=left[0]))
    return page


def copy_assets(out: Path, lang: str = "en") -> Path:
    """reveal.js and its licence beside the decks (replaced on every export)."""
    target = out / ASSETS_FOLDER
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise CJMError(t("slides.assets_in_the_way", lang, path=target))
    shutil.copytree(ASSETS_DIR, target, dirs_exist_ok=True)
    return target


def export_slides(
    source: str | os.PathLike[str] | Sequence[Path],
    out_dir: str | os.PathLike[str],
    no_input: bool = True,
    lang: str = "en",
    edition: str = "trainer",
) -> list[Path]:
    """One deck per notebook (``NAME.slides.html``) and one for the whole course; returns them, course last.

    The trainer edition shows the sample's filled-in forms and carries the prose as speaker
    notes; the learner edition has blank forms and no notes.
    """
    from .store import atomic_write_text

    lang, files, out = start_export(source, out_dir, lang, edition)
    notes = edition == "trainer"
    copy_assets(out, lang)
    exporter = make_slides_exporter(no_input, lang)
    written: list[Path] = []
    course = None
    for file in files:
        nb = prepare_notebook(read_notebook(file, lang), edition)
        title = notebook_title(nb, file.stem)
        target = out / f"{file.stem}.slides.html"
        atomic_write_text(
            target, render_deck(nb, title, lang, exporter, str(file), notes), durable=False
        )
        written.append(target)
        if course is None:
            course = copy.deepcopy(nb)
        else:
            course.cells.extend(copy.deepcopy(nb.cells))
    title = t("slides.course_title", lang)
    target = out / COURSE_DECK
    atomic_write_text(
        target, render_deck(course, title, lang, exporter, str(out), notes), durable=False
    )
    written.append(target)
    return written
