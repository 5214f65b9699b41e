"""`cjm run sample --lang LANG` reads as if the course had been written in LANG.

For every language whose chapters exist, the whole suite runs on that language's
sample (notebooks built fresh from ``notebooks/src/<lang>/``), and the text of every
page it writes (the walkthrough pages and report.html) is scanned for sentences of
the English chapters and for English messages that have a translation. One English
sentence left anywhere fails the test, naming the page and the sentence.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
import pytest

from cjm_helpers import paths
from cjm_helpers.cli import main
from cjm_helpers.execute import normalise
from cjm_helpers.i18n import catalogue
from cjm_helpers.nbbuild import build_notebook, chapter_sources, source_languages

TRANSLATED = [lang for lang in source_languages() if lang != paths.DEFAULT_LANGUAGE]
MIN_WORDS = 5
"""Shorter runs of words ('Rina, the commuter', 'step 4') may rightly be the same in any language."""


def _plain(markdown: str) -> str:
    """Markdown as the words a reader sees: no code, links' targets, emphasis or table rules."""
    text = re.sub(r"```.*?```", " ", markdown, flags=re.S)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[*_#>|]+", " ", text)
    text = re.sub(r"^\s*-{3,}\s*$", " ", text, flags=re.M)
    return " ".join(text.split())


def sentences(text: str) -> list[str]:
    """Sentence-like pieces of at least MIN_WORDS words (split at . ! ? : ; and list breaks)."""
    pieces = re.split(r"(?<=[.!?:;])\s+|\s+-\s+|\s+—\s+", text)
    out = []
    for piece in pieces:
        piece = piece.strip(" .!?:;,()")
        if len(re.findall(r"[A-Za-z]+", piece)) >= MIN_WORDS:
            out.append(piece)
    return out


def english_chapter_sentences() -> set[str]:
    found: set[str] = set()
    for source in chapter_sources():
        nb = build_notebook(source)
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                found.update(sentences(_plain(cell.source)))
    return found


def english_messages(lang: str) -> set[str]:
    """English catalogue messages (their fixed text between placeholders) that ``lang`` says otherwise."""
    english, other = catalogue("en"), catalogue(lang)
    found = set()
    for key, text in english.items():
        if key.startswith("validation.") or other.get(key, text) == text:
            continue
        for part in re.split(r"\{[^}]*\}", text):
            found.update(sentences(part))
    return found


def english_sample_sentences(lang: str) -> set[str]:
    """Sentences of the English Kopiloka that ``lang``'s sample does not share (quotes said in Indonesian)."""
    from cjm_helpers.store import load_project, project_to_data

    def strings(value):
        if isinstance(value, dict):
            return [s for v in value.values() for s in strings(v)]
        if isinstance(value, list):
            return [s for v in value for s in strings(v)]
        return [value] if isinstance(value, str) else []

    def said(project: Path) -> set[str]:
        return {
            s for text in strings(project_to_data(load_project(project))) for s in sentences(text)
        }

    return said(paths.SAMPLE_PROJECT) - said(paths.sample_project(lang))


def page_text(page: Path) -> str:
    """What a reader of an HTML page sees: tags, scripts, styles and entities gone."""
    markup = page.read_text(encoding="utf-8")
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S | re.I)
    markup = re.sub(r"<!--.*?-->", " ", markup, flags=re.S)
    markup = re.sub(r"<[^>]+>", " ", markup)
    return " ".join(html.unescape(markup).split())


def english_left(pages: list[Path], english: set[str]) -> list[tuple[str, str]]:
    """(page, sentence) for every English sentence found in a page."""
    found = []
    for page in pages:
        text = page_text(page)
        found += [(page.name, s) for s in sorted(english) if s in text]
    return found


@pytest.fixture(scope="module", params=TRANSLATED)
def language_run(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path]:
    lang = request.param
    root = tmp_path_factory.mktemp(f"run-{lang}")
    built = root / "notebooks"
    built.mkdir()
    for source in chapter_sources(lang=lang):
        nb = normalise(build_notebook(source))
        (built / f"{source.stem}.ipynb").write_text(nbformat.writes(nb), encoding="utf-8")
    out = root / "out"
    code = main(
        [
            "run",
            "sample",
            "--lang",
            lang,
            "--out",
            str(out),
            "--notebooks",
            str(built),
            "--no-progress",
        ]
    )
    assert code == 0, f"cjm run sample --lang {lang} failed"
    return lang, out


def test_the_scan_finds_english(tmp_path: Path) -> None:
    """The scanner itself: an English chapter sentence in a page is reported, markup or not."""
    sentence = sorted(english_chapter_sentences())[0]
    page = tmp_path / "page.html"
    words = sentence.split()
    page.write_text(
        f"<p>{html.escape(' '.join(words[:2]))} <b>{html.escape(' '.join(words[2:]))}</b></p>",
        encoding="utf-8",
    )
    assert english_left([page], {sentence}) == [("page.html", sentence)]
    page.write_text("<p>Kalimat dalam bahasa Indonesia saja.</p>", encoding="utf-8")
    assert english_left([page], english_chapter_sentences()) == []


def test_there_are_english_sentences_to_look_for() -> None:
    assert len(english_chapter_sentences()) > 300


def test_every_page_of_the_run_is_written(language_run: tuple[str, Path]) -> None:
    lang, out = language_run
    pages = sorted((out / "html").glob("*.html"))
    assert [p.stem for p in pages if p.stem != "index"] == [
        s.stem for s in chapter_sources(lang=lang)
    ]
    assert (out / "report.html").is_file()


def test_no_english_chapter_sentence_is_left(language_run: tuple[str, Path]) -> None:
    lang, out = language_run
    pages = [*sorted((out / "html").glob("*.html")), out / "report.html"]
    left = english_left(pages, english_chapter_sentences())
    assert not left, f"--lang {lang}: {len(left)} English chapter sentences left, e.g. {left[:5]}"


def test_no_translated_message_is_left_in_english(language_run: tuple[str, Path]) -> None:
    lang, out = language_run
    pages = [*sorted((out / "html").glob("*.html")), out / "report.html"]
    left = english_left(pages, english_messages(lang))
    assert not left, f"--lang {lang}: {len(left)} English messages left, e.g. {left[:5]}"


def test_no_english_sample_text_is_left(language_run: tuple[str, Path]) -> None:
    lang, out = language_run
    pages = [*sorted((out / "html").glob("*.html")), out / "report.html"]
    left = english_left(pages, english_sample_sentences(lang))
    assert not left, (
        f"--lang {lang}: {len(left)} sentences of the English sample left, e.g. {left[:5]}"
    )


def test_executed_notebooks_speak_the_language(language_run: tuple[str, Path]) -> None:
    lang, out = language_run
    executed = sorted((out / "notebooks").glob("*.ipynb"))
    assert executed
    for path in executed:
        nb = nbformat.read(path, as_version=4)
        assert nb.metadata["cjm"].get("language") == lang, path.name
        errors = [
            o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"
        ]
        assert not errors, f"{path.name}: {errors[0].get('evalue', '')[:300]}"
