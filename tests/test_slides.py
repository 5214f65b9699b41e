"""Slide decks: where slides start, what goes to the notes, and decks that open offline."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from cjm_helpers.cli import main
from cjm_helpers.commands.export import notebooks_language
from cjm_helpers.errors import CJMError
from cjm_helpers.export import export_notebooks, external_references
from cjm_helpers.i18n import t
from cjm_helpers.paths import NOTEBOOKS_DIR
from cjm_helpers.slides import ASSETS_FOLDER, COURSE_DECK, deck_notebook, export_slides


def _kinds(nb) -> list[tuple[str, str]]:
    return [
        (c.metadata["slideshow"]["slide_type"], c.source.splitlines()[0] if c.source else "")
        for c in deck_notebook(nb).cells
    ]


def test_headings_open_slides_lists_stay_and_prose_goes_to_the_notes() -> None:
    md = nbformat.v4.new_markdown_cell
    code = nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output("stream", text="42")])
    nb = nbformat.v4.new_notebook(
        cells=[
            md("# Step 5 · The map\n\nThe lead sentence.\n\nMore story for the trainer."),
            md(
                "## The idea\n\n### Four types\n\n- current state\n- future state\n\nWhy it matters.\n\n### Lanes\n\nLead of lanes."
            ),
            md("## Set-up"),
            md("## Results\n\nWhat the chart shows."),
            code,
        ]
    )
    assert _kinds(nb) == [
        ("slide", "# Step 5 · The map"),
        ("-", "The lead sentence."),
        ("notes", "More story for the trainer."),
        ("slide", "## The idea"),
        ("-", "### Four types"),
        ("-", "- current state"),
        ("notes", "Why it matters."),
        ("subslide", "### Lanes"),
        ("-", "Lead of lanes."),
        ("notes", "## Set-up"),  # nothing else on it: a heading alone is no slide
        ("slide", "## Results"),
        ("-", "What the chart shows."),
        ("-", "x"),
    ]


def test_cell_ids_are_unique_when_chapters_are_joined() -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# A\n\nx", id="same") for _ in range(3)]
    ids = [c["id"] for c in deck_notebook(nb).cells]
    assert len(ids) == len(set(ids)) == 6


@pytest.fixture(scope="module")
def decks(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("slides")
    sources = sorted(NOTEBOOKS_DIR.glob("0[1-2]_*.ipynb"))
    return out, export_slides(sources, out, lang="id")


def test_a_deck_per_chapter_and_one_for_the_course_all_offline(decks) -> None:
    out, written = decks
    assert [p.name for p in written] == [
        "01_set_objectives.slides.html",
        "02_profile_personas.slides.html",
        COURSE_DECK,
    ]
    assert (out / ASSETS_FOLDER / "reveal.js").is_file() and (
        out / ASSETS_FOLDER / "LICENSE"
    ).is_file()
    for deck in written:
        page = deck.read_text(encoding="utf-8")
        assert external_references(page) == [], deck
        assert '<aside class="notes">' in page, "the prose is in the speaker notes"
        assert 'src="reveal/reveal.js"' in page and "tekan S untuk catatan pembicara" in page
        assert "cjm-setup" not in page and "start_step(" not in page, "no set-up code on a slide"
    course = written[-1].read_text(encoding="utf-8")
    assert "Step 1" in course and "Step 2" in course


def test_the_command_writes_the_decks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "nb"
    folder.mkdir()
    source = next(NOTEBOOKS_DIR.glob("03_*.ipynb"))
    (folder / source.name).write_bytes(source.read_bytes())
    assert main(["export", str(folder), "--out", str(tmp_path / "out"), "--slides"]) == 0
    assert (tmp_path / "out" / "03_target_personas.slides.html").is_file()
    assert "Wrote 2 slide decks" in capsys.readouterr().out


@pytest.mark.browser
def test_a_deck_runs_in_a_browser_without_the_network(decks) -> None:
    from browser.lab import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    _, written = decks
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = chromium.new_page(viewport={"width": 1280, "height": 760})
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(written[0].as_uri())
            page.wait_for_function("() => window.Reveal && Reveal.isReady()")
            assert page.evaluate("Reveal.getTotalSlides()") >= 5
            assert page.locator(".reveal .slides section.present h1").first.is_visible()
            assert errors == [] and all(
                url.startswith("file://") or url.startswith("data:") for url in requests
            )
        finally:
            chromium.close()


def test_the_learner_deck_has_blank_forms_and_no_speaker_notes(tmp_path: Path) -> None:
    source = next(NOTEBOOKS_DIR.glob("02_*.ipynb"))
    trainer = export_slides([source], tmp_path / "t", lang="en", edition="trainer")[0]
    learner = export_slides([source], tmp_path / "l", lang="en", edition="learner")[0]
    solved, blank = (p.read_text(encoding="utf-8") for p in (trainer, learner))
    assert '<aside class="notes">' in solved and '<aside class="notes">' not in blank
    assert "cjm-blank" in blank and "cjm-blank" not in solved


@pytest.mark.parametrize("export", [export_notebooks, export_slides])
def test_a_notebook_that_is_not_json_is_named_before_anything_is_written(
    tmp_path: Path, export
) -> None:
    folder = tmp_path / "notebooks"
    folder.mkdir()
    (folder / "01_start.ipynb").write_text("{not json", encoding="utf-8")
    with pytest.raises(CJMError) as info:
        export(folder, tmp_path / "out", lang="pl")
    message = str(info.value)
    assert str(folder / "01_start.ipynb") in message
    assert t("errors.export.unreadable", "pl", file="", reason="").strip(": ()") in message
    assert not [p for p in (tmp_path / "out").glob("*") if p.suffix == ".html"]
    with pytest.raises(CJMError, match=r"01_start\.ipynb"):
        notebooks_language(folder)
