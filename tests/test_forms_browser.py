"""The learner's forms in JupyterLab: the problem shown beside Save, scrolled to, and step 5's picker.

A new Polish project, step 4's touchpoints saved from Python, then in Chromium: step 2's
long form with an emptied name is saved from the bottom; the first problem must appear
beside Save and the field's message must be brought on screen. Step 5's touchpoint picker
lists touchpoints by name with the stage's own already chosen.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from browser.lab import Learner, chromium_page, lab_server

ARTIFACTS = Path(__file__).resolve().parent.parent / "ci-artifacts" / "browser"

pytestmark = pytest.mark.browser

CELLS = [
    """\
import os
from cjm_helpers.forms import step_form
from cjm_helpers.store import ProjectStore

store = ProjectStore(os.environ["CJM_PROJECT"])
step_form(2, store, lang="pl")""",
    'step_form(5, store, lang="pl")',
]

IN_VIEW = """(selector) => {
  const el = [...document.querySelectorAll(selector)].find(e => e.textContent.trim());
  if (!el) return false;
  const r = el.getBoundingClientRect();
  return r.top >= 0 && r.bottom <= window.innerHeight;
}"""


def forms_notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code) for code in CELLS]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = folder / "forms.ipynb"
    nbformat.write(nb, path)
    return path


def test_problem_beside_save_is_scrolled_to_and_step5_picks_by_name(tmp_path: Path) -> None:
    from cjm_helpers.forms import step_form
    from cjm_helpers.paths import create_project
    from cjm_helpers.store import ProjectStore

    project_file = create_project(tmp_path / "rowery", lang="pl")
    four = step_form(4, ProjectStore(project_file))
    four.lists["touchpoints"].add()
    four.lists["touchpoints"].editor.fields["name"].control.value = "Mapa Google"
    four.save()
    assert four.saved, four.problems

    root = tmp_path / "notebooks"
    root.mkdir()
    forms_notebook(root)
    shots = ARTIFACTS / "forms"
    shutil.rmtree(shots, ignore_errors=True)
    with (
        lab_server(root, tmp_path / "jupyter", {"CJM_PROJECT": str(project_file)}) as server,
        chromium_page(tmp_path / "profile") as page,
    ):
        learner = Learner(page, server, shots)
        with learner.shot_on_failure():
            learner.open_notebook("forms.ipynb")
            learner.run_all()
            name = page.locator(".cjm-form-step2 .cjm-field-personas-name input").first
            name.wait_for(state="visible")
            name.fill("")
            save = page.locator(".cjm-form-step2 .cjm-form-save").first
            save.scroll_into_view_if_needed()
            save.click()
            beside = page.locator(".cjm-form-step2 .cjm-form-first-problem").first
            beside.wait_for(state="visible")
            page.wait_for_function(
                "() => document.querySelector('.cjm-form-step2 .cjm-form-first-problem')"
                "?.textContent.includes('Nazwa')",
                timeout=30_000,
            )
            page.wait_for_function(
                IN_VIEW, arg=".cjm-form-step2 .cjm-field-message", timeout=30_000
            )
            learner.screenshot("problem-scrolled-to")

            picker = page.locator(".cjm-form-step5 .cjm-field-cell-touchpoints select").first
            picker.scroll_into_view_if_needed()
            options = [o.replace("\xa0", " ") for o in picker.locator("option").all_text_contents()]
            chosen = picker.evaluate(
                "s => [...s.selectedOptions].map(o => o.textContent.replaceAll('\\u00a0', ' '))"
            )
            learner.screenshot("step5-picker")
    assert any(o.startswith("Mapa Google") for o in options), options
    assert chosen and chosen[0].startswith("Mapa Google"), chosen
    assert not any("tp-" in o for o in options), options
