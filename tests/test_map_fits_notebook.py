"""The journey map fits a JupyterLab output column: every stage is on screen, or it scrolls.

Measured in headless Chromium: at 880 px (the output width of a 1400 px JupyterLab
window with the file browser open) all five stages of the sample show; narrower, the
map scrolls sideways instead of cutting its last column off.
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
