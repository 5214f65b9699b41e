"""The learner's path in a real browser: JupyterLab on loopback, Debian's Chromium, Playwright.

Open a notebook, run all cells, type into the form, click Save, restart the kernel, run
again: the value must be on disk and back in the form. Screenshots of each step go to
ci-artifacts/browser/ so a failed CI run shows what the learner would have seen.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from browser.lab import Learner, chromium_page, lab_server

ARTIFACTS = Path(__file__).resolve().parent.parent / "ci-artifacts" / "browser"

pytestmark = pytest.mark.browser

TINY_FORM = '''\
import json, os, pathlib
import ipywidgets as widgets

path = pathlib.Path(os.environ["CJM_TINY_FORM_FILE"])
saved = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
name = widgets.Text(value=saved.get("name", ""), description="Name")
save = widgets.Button(description="Save")
status = widgets.Label()

def on_save(_):
    path.write_text(json.dumps({"name": name.value}), encoding="utf-8")
    status.value = "saved"

save.on_click(on_save)
form = widgets.VBox([name, save, status])
form.add_class("cjm-form-step1")
form
'''


def tiny_notebook(folder: Path) -> Path:
    """A one-form notebook bound to a JSON file: proves the harness without the suite's forms."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Tiny form"), nbformat.v4.new_code_cell(TINY_FORM)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "tiny_form.ipynb"
    nbformat.write(nb, path)
    return path


def test_tiny_form_survives_a_kernel_restart(tmp_path: Path) -> None:
    root = tmp_path / "notebooks"
    root.mkdir()
    tiny_notebook(root)
    store = tmp_path / "form.json"
    shots = ARTIFACTS / "tiny-form"
    shutil.rmtree(shots, ignore_errors=True)

    with lab_server(root, tmp_path / "jupyter", {"CJM_TINY_FORM_FILE": str(store)}) as server, \
            chromium_page(tmp_path / "profile") as page:
        learner = Learner(page, server, shots)
        learner.open_notebook("tiny_form.ipynb")
        learner.run_all()
        form = page.locator(".cjm-form-step1")
        form.wait_for(state="visible")
        learner.screenshot("form-shown")

        form.locator(".widget-text input").fill("Kopi susu gula aren")
        form.locator("button", has_text="Save").click()
        form.locator(".widget-label", has_text="saved").wait_for(state="visible")
        learner.screenshot("saved")
        assert json.loads(store.read_text(encoding="utf-8")) == {"name": "Kopi susu gula aren"}

        learner.restart_kernel()
        learner.run_all()
        form = page.locator(".cjm-form-step1")
        form.wait_for(state="visible")
        page.wait_for_function(
            "() => document.querySelector('.cjm-form-step1 .widget-text input')?.value === 'Kopi susu gula aren'",
            timeout=30_000,
        )
        learner.screenshot("after-restart")
        assert form.locator(".widget-text input").input_value() == "Kopi susu gula aren"
    assert len(list(shots.glob("*.png"))) == 3
