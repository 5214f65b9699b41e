"""`cjm lab --collaborate`: two people on one notebook see each other's edit (JupyterLab's real-time
collaboration, in Debian's Chromium); without the flag, a learner's JupyterLab is not collaborative."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from browser.lab import CHROMIUM, CHROMIUM_ARGS, Learner, lab_server

from cjm_helpers.commands.project import lab_command

ARTIFACTS = Path(__file__).resolve().parent.parent / "ci-artifacts" / "browser" / "collaborate"


def test_collaboration_is_on_only_when_asked_for(tmp_path: Path) -> None:
    alone = lab_command(tmp_path / "p.cjm.yaml", 8888, False)
    together = lab_command(tmp_path / "p.cjm.yaml", 8888, False, collaborate=True)
    assert "--YDocExtension.disable_rtc=True" in alone
    assert "--YDocExtension.disable_rtc=False" in together


def test_the_collaboration_store_stays_beside_the_served_notebooks(tmp_path: Path) -> None:
    served = tmp_path / "notebooks-pl"
    command = lab_command(tmp_path / "p.cjm.yaml", 8888, False, collaborate=True, root=served)
    stores = [arg for arg in command if arg.startswith("--SQLiteYStore.db_path=")]
    assert stores == [f"--SQLiteYStore.db_path={served / '.jupyter_ystore.db'}"]


@pytest.mark.browser
def test_two_people_on_one_notebook_see_each_others_edit(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    root = tmp_path / "notebooks"
    root.mkdir()
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# Workshop notes"), nbformat.v4.new_code_cell("")]
    )
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, root / "shared.ipynb")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    words = "peluang = 'antrean di konter'"

    with (
        lab_server(root, tmp_path / "jupyter", collaborate=True) as server,
        sync_playwright() as pw,
    ):
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            pages = []
            for name in ("ana", "budi"):
                page = chromium.new_context(viewport={"width": 1400, "height": 900}).new_page()
                page.set_default_timeout(120_000)
                learner = Learner(page, server, ARTIFACTS / name)
                learner.open_notebook("shared.ipynb")
                pages.append(page)
            ana, budi = pages
            editor = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .cm-content"
            ana.locator(editor).first.click()
            ana.keyboard.type(words)
            budi.locator(editor, has_text=words).first.wait_for(state="visible", timeout=60_000)
            budi.screenshot(path=str(ARTIFACTS / "budi-sees-ana.png"))
            assert words in budi.locator(editor).first.inner_text()
        finally:
            chromium.close()
