"""What a learner sees fits the notebook: the map's columns and the filled-in form cards.

Measured in headless Chromium. At 880 px (the output width of a 1400 px JupyterLab
window with the file browser open) all five stages of the sample map show; narrower, the
map scrolls sideways instead of cutting its last column off. A form card's labels wrap
at word ends and leave its values room, even in a narrow column.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cjm_helpers.mapping.html import layout_html
from cjm_helpers.mapping.layout import build_layout
from cjm_helpers.store import load_project

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")

MEASURE = """() => {
  const box = document.getElementById('out').getBoundingClientRect();
  const scroll = document.querySelector('.cjmmap-scroll');
  const stages = [...document.querySelectorAll('.cjmmap-stage')];
  return {
    right: box.right,
    last: stages[stages.length - 1].getBoundingClientRect().right,
    scrollWidth: scroll.scrollWidth,
    clientWidth: scroll.clientWidth,
    stages: stages.length,
  };
}"""


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_every_stage_column_of_the_map_is_seen_in_a_notebook(sample_copy: Path, lang: str) -> None:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing; scripts/setup.sh --test installs it")
    from playwright.sync_api import sync_playwright

    project = load_project(sample_copy)
    fragment = layout_html(build_layout(project, None, lang), lang)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            seen = {}
            for width in (880, 600):
                page.set_content(
                    f"<html><body style='margin:0'><div id='out' style='width:{width}px'>"
                    f"{fragment}</div></body></html>"
                )
                seen[width] = page.evaluate(MEASURE)
        finally:
            browser.close()
    wide, narrow = seen[880], seen[600]
    assert wide["stages"] == len(project.stages) == 5
    assert wide["last"] <= wide["right"] + 0.5, wide  # the fifth stage (sixth column) is whole
    assert wide["scrollWidth"] <= wide["clientWidth"], wide
    assert narrow["scrollWidth"] > narrow["clientWidth"], narrow  # too narrow: it scrolls


CARD_MEASURE = """() => [...document.querySelectorAll('.cjm-card dl')].flatMap(dl => {
  const width = dl.getBoundingClientRect().width;
  return [...dl.querySelectorAll(':scope > dd')].map(dd => ({
    share: dd.getBoundingClientRect().width / width,
    label: dd.previousElementSibling.textContent,
    labelLines: (() => {
      const range = document.createRange();
      range.selectNodeContents(dd.previousElementSibling);
      return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
    })(),
  }));
})"""


def test_form_card_labels_and_values_wrap_by_lines_not_by_words(sample_copy: Path) -> None:
    from playwright.sync_api import sync_playwright

    from cjm_helpers.forms import step_form
    from cjm_helpers.store import ProjectStore

    card = step_form(2, ProjectStore(sample_copy), lang="pl").card_html()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 900})
            page.set_content(f"<html><body><div style='width:360px'>{card}</div></body></html>")
            rows = page.evaluate(CARD_MEASURE)
        finally:
            browser.close()
    assert rows
    for row in rows:
        assert row["share"] >= 0.5, row  # the value keeps room for its words
        assert row["labelLines"] <= 3, row  # a label wraps at word ends, a few lines at most


def test_persona_cards_keep_room_for_their_values(sample_copy: Path) -> None:
    from playwright.sync_api import sync_playwright

    from cjm_helpers.store import load_project
    from cjm_helpers.views import persona_cards_html

    cards = persona_cards_html(load_project(sample_copy), "pl")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 900})
            page.set_content(f"<html><body><div style='width:380px'>{cards}</div></body></html>")
            rows = page.evaluate(CARD_MEASURE)
        finally:
            browser.close()
    assert rows
    for row in rows:
        assert row["share"] >= 0.5, row
        assert row["labelLines"] <= 3, row
