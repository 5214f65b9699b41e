"""The learner's path in a real browser: JupyterLab on loopback, Debian's Chromium, Playwright.

Open a notebook, run all cells, type into the form, click Save, restart the kernel, run
again: the value must be on disk and back in the form. Screenshots of each step go to
ci-artifacts/browser/ so a failed CI run shows what the learner would have seen.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import nbformat
import pytest
from browser.lab import Learner, chromium_page, lab_server

ARTIFACTS = Path(__file__).resolve().parent.parent / "ci-artifacts" / "browser"

pytestmark = pytest.mark.browser

TINY_FORM = """\
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
"""


def tiny_notebook(folder: Path) -> Path:
    """A one-form notebook bound to a JSON file: proves the harness without the suite's forms."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Tiny form"), nbformat.v4.new_code_cell(TINY_FORM)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
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

    with (
        lab_server(root, tmp_path / "jupyter", {"CJM_TINY_FORM_FILE": str(store)}) as server,
        chromium_page(tmp_path / "profile") as page,
    ):
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


# --- the suite's own step 1 and step 2 notebooks ---------------------------------------------

STEPS = [
    # notebook, form class, field control (CSS class of the widget), selector inside it, value, path on disk
    (
        "01_set_objectives.ipynb",
        "cjm-form-step1",
        "cjm-field-objectives-business-question",
        "textarea",
        "Apa yang membuat pelanggan memesan lagi tiap minggu? <b>& Co.</b>",
        ("objectives", "business_question"),
    ),
    (
        "02_profile_personas.ipynb",
        "cjm-form-step2",
        "cjm-field-personas-quote",
        "input",
        "Kalau antre di konter lebih dari 5 menit, saya batal pesan.",
        ("personas", 0, "quote"),
    ),
]


def notebooks_dir() -> Path:
    """The suite's notebooks (CJM_TEST_NOTEBOOKS may point at another built copy of them)."""
    from cjm_helpers.paths import NOTEBOOKS_DIR

    return Path(os.environ.get("CJM_TEST_NOTEBOOKS") or NOTEBOOKS_DIR)


def on_disk(project_file: Path, path: tuple) -> object:
    from cjm_helpers.store import load_project, project_to_data

    value: object = project_to_data(load_project(project_file))
    for part in path:
        value = value[part]  # type: ignore[index]
    return value


def test_learner_fills_steps_1_and_2_and_finds_them_after_a_restart(tmp_path: Path) -> None:
    from cjm_helpers.paths import create_project

    root = tmp_path / "notebooks"
    root.mkdir()
    for name, *_ in STEPS:
        shutil.copyfile(notebooks_dir() / name, root / name)
    project_file = create_project(tmp_path / "learner", "sample")
    shots = ARTIFACTS / "steps-1-2"
    shutil.rmtree(shots, ignore_errors=True)

    with (
        lab_server(root, tmp_path / "jupyter", {"CJM_PROJECT": str(project_file)}) as server,
        chromium_page(tmp_path / "profile") as page,
    ):
        learner = Learner(page, server, shots)
        with learner.shot_on_failure():
            walk_steps(learner, page, project_file)

    assert on_disk(project_file, STEPS[0][-1]) == STEPS[0][4], "step 2's save kept step 1's value"
    assert len(list(shots.glob("*.png"))) == 3 * len(STEPS)


def walk_steps(learner: Learner, page: object, project_file: Path) -> None:
    """Each step: run all, type, Save, check the file, restart the kernel, run all, check the form."""
    for name, form_class, field, control, value, path in STEPS:
        step = name.split("_")[0]
        selector = f".{form_class} .{field} {control}"
        assert on_disk(project_file, path) != value

        learner.open_notebook(name)
        learner.run_all()
        page.locator(selector).first.wait_for(state="visible")
        page.locator(selector).first.scroll_into_view_if_needed()
        learner.screenshot(f"{step}-form")

        page.locator(selector).first.fill(value)
        page.locator(f".{form_class} .cjm-form-save").first.click()
        page.locator(f".{form_class} .cjm-form-status", has_text="Saved to").first.wait_for(
            state="visible"
        )
        page.locator(selector).first.scroll_into_view_if_needed()
        learner.screenshot(f"{step}-saved")
        assert on_disk(project_file, path) == value

        learner.restart_kernel()
        learner.run_all()
        page.locator(selector).first.wait_for(state="visible")
        page.wait_for_function(
            "([sel, want]) => document.querySelector(sel)?.value === want",
            arg=[selector, value],
            timeout=60_000,
        )
        page.locator(selector).first.scroll_into_view_if_needed()
        learner.screenshot(f"{step}-after-restart")
        assert page.locator(selector).first.input_value() == value
        learner.save_notebook_quietly()
