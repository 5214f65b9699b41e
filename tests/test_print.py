"""The report and the step pages on paper: A4 portrait and landscape, every word whole, the map not cut.

Pages are printed to PDF by Debian's headless Chromium (as a trainer's browser would)
and read back with ``pdftotext`` (poppler-utils; scripts/setup.sh --test installs both).
A word split across lines ("Kopil / oka") or cut at the page's edge ("Advo") shows up
in the PDF's text as a fragment that is no word of the page.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from cjm_helpers import paths
from cjm_helpers.export import export_notebooks
from cjm_helpers.paths import NOTEBOOKS_DIR
from cjm_helpers.report import build_report, compute_overlay

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SAMPLE_WORDS = ("Kopiloka", "Colleague", "observed", "Advocacy")
_WORD = re.compile(r"[^\W\d_]+")


class _Text(HTMLParser):
    """The text a reader sees: no styles, scripts or titles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._skip += tag in ("style", "script", "title")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "script", "title")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def words_of(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(text)}


def print_to_pdf(page: Path, orientation: str, out: Path) -> Path:
    """``page`` printed on A4 in ``orientation`` by headless Chromium; returns the PDF."""
    if not Path(CHROMIUM).exists() or shutil.which("pdftotext") is None:
        raise RuntimeError("chromium and pdftotext are missing; run scripts/setup.sh --test")
    html = page.read_text(encoding="utf-8")
    sized = out / f"{page.stem}-{orientation}.html"
    sized.write_text(
        # the paper the trainer picks comes first; the page's own rules (a landscape sheet
        # for the wide map) still apply over it, as they do in a browser's print dialog
        re.sub(r"<head>", f"<head><style>@page{{size:A4 {orientation}}}</style>", html, count=1),
        encoding="utf-8",
    )
    pdf = sized.with_suffix(".pdf")
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            sized.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    return pdf


def pdf_text(pdf: Path, *options: str) -> str:
    done = subprocess.run(
        ["pdftotext", *options, str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.stdout


_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
_BOX = re.compile(r'<word xMin="([\d.-]+)" yMin="[\d.-]+" xMax="([\d.-]+)"[^>]*>([^<]*)</word>')


def off_the_paper(pdf: Path) -> list[str]:
    """Words (partly) beyond the left or right edge of their sheet: what a cut map or table loses."""
    lost = []
    for sheet in pdf_text(pdf, "-bbox").split("<page ")[1:]:
        width = float(_PAGE.match("<page " + sheet).group(1))
        lost += [w for x0, x1, w in _BOX.findall(sheet) if float(x0) < 1 or float(x1) > width - 1]
    return lost


def split_words(page_text: str, printed: str) -> list[str]:
    """Words on paper that are no word of the page: fragments of a split or a cut.

    Two page words run together (a table cell beside its neighbour) are not fragments.
    """
    known = words_of(page_text)
    odd = []
    for word in words_of(printed) - known:
        joined = any(word[:i] in known and word[i:] in known for i in range(1, len(word)))
        if not joined:
            odd.append(word)
    return sorted(odd)


def check_paper(page: Path, tmp_path: Path) -> None:
    reader = _Text()
    reader.feed(page.read_text(encoding="utf-8"))
    page_text = " ".join(reader.parts)
    for orientation in ("portrait", "landscape"):
        pdf = print_to_pdf(page, orientation, tmp_path)
        printed = pdf_text(pdf)
        assert split_words(page_text, printed) == [], (page.name, orientation)
        assert off_the_paper(pdf) == [], (page.name, orientation)
        for word in SAMPLE_WORDS:
            if word in page_text:
                assert word.casefold() in words_of(printed), (page.name, orientation, word)


def test_the_report_prints_whole_words_and_the_whole_map(tmp_path, sample_project):
    overlay = compute_overlay(
        sample_project,
        str(paths.SAMPLE_EVENTS),
        str(paths.SAMPLE_SURVEY),
        str(paths.SAMPLE_TICKETS),
    )
    report = tmp_path / "report.html"
    report.write_text(build_report(sample_project, "en", overlay_results=overlay), encoding="utf-8")
    check_paper(report, tmp_path)


def test_the_step_8_page_prints_whole_words_and_the_whole_map(tmp_path):
    source = NOTEBOOKS_DIR / "08_make_changes.ipynb"
    page = export_notebooks([source], tmp_path / "site", lang="en")[0]
    assert "Advocacy" in page.read_text(encoding="utf-8")
    check_paper(page, tmp_path)


@pytest.mark.parametrize("word", ["Kopil", "Colle", "observ"])
def test_a_split_word_is_caught(word):
    assert split_words("Kopiloka Colleague observed here", f"{word} here") == [word.casefold()]
