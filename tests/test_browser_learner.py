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


# --- a Polish newcomer: `cjm new --lang pl`, `cjm lab`, all nine chapters --------------------

STEPS_PL = [
    # notebook, form class, button to add an item first (or ""), field control, kind, value, path
    ("00_start_here.ipynb", "", "", "", "", "", ()),
    (
        "01_set_objectives.ipynb",
        "cjm-form-step1",
        "",
        ".cjm-field-objectives-business-question textarea",
        "fill",
        "Dlaczego klienci nie wracają po pierwszej naprawie roweru? <b>& Syn</b>",
        ("objectives", "business_question"),
    ),
    (
        "02_profile_personas.ipynb",
        "cjm-form-step2",
        "",
        ".cjm-field-personas-quote input",
        "fill",
        "Rower ma być gotowy na jutro rano, bo nim dojeżdżam do pracy.",
        ("personas", 0, "quote"),
    ),
    (
        "03_target_personas.ipynb",
        "cjm-form-step3",
        "",
        ".cjm-field-target-personas-value-score select",
        "select",
        "5",
        ("target_personas", 0, "value_score"),
    ),
    (
        "04_touchpoints.ipynb",
        "cjm-form-step4",
        "cjm-field-touchpoints-add",
        ".cjm-field-touchpoints-name input",
        "fill",
        "Telefon do warsztatu na Piotrkowskiej",
        ("touchpoints", 0, "name"),
    ),
    (
        "05_map_elements.ipynb",
        "cjm-form-step5",
        "",
        ".cjm-field-cell-actions textarea",
        "fill",
        "Szuka warsztatu rowerowego w Mapach Google",
        ("journeys", 0, "stages", "awareness", "actions", 0, "text"),
    ),
    (
        "06_resources.ipynb",
        "cjm-form-step6",
        "cjm-field-resources-add",
        ".cjm-field-resources-description textarea",
        "fill",
        "Drugi mechanik w soboty",
        ("resources", 0, "description"),
    ),
    (
        "07_take_the_journey.ipynb",
        "cjm-form-step7",
        "cjm-field-walkthrough-add",
        ".cjm-field-walkthrough-action textarea",
        "fill",
        "Zadzwoniłem do warsztatu; nikt nie odebrał przed 9:00",
        ("walkthrough", 0, "action"),
    ),
    (
        "08_make_changes.ipynb",
        "cjm-form-step8",
        "cjm-field-opportunities-add",
        ".cjm-field-opportunities-title input",
        "fill",
        "SMS, gdy rower jest gotowy do odbioru",
        ("opportunities", 0, "title"),
    ),
]
WHEN_PL = "2026-11-20 08:40"
"""Step 7's walkthrough entry needs a time as well as what was done."""


class CjmLab:
    """`cjm lab` started as a learner starts it, with the address it printed.

    Offers what :class:`Learner` needs of a server (``url``) and stops every process it
    started: `cjm lab`, JupyterLab under it (one session of their own) and the kernels.
    """

    def __init__(self, project: Path, home: Path) -> None:
        import re
        import subprocess
        import sys

        settings = home / "settings" / "@jupyterlab" / "apputils-extension"
        settings.mkdir(parents=True, exist_ok=True)
        (settings / "notification.jupyterlab-settings").write_text(
            json.dumps({"fetchNews": "false"})
        )
        self.runtime = home / "runtime"
        env = dict(
            os.environ,
            JUPYTER_CONFIG_DIR=str(home / "config"),
            JUPYTER_RUNTIME_DIR=str(self.runtime),
            JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
            JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
            IPYTHONDIR=str(home / "ipython"),
        )
        env.pop("MPLBACKEND", None)
        env.pop("CJM_PROJECT", None)
        self.log = (home / "cjm-lab.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cjm_helpers.cli", "lab", str(project), "--no-browser"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            start_new_session=True,
        )
        assert self.process.stdout is not None
        self.printed: list[str] = []
        for line in self.process.stdout:
            self.printed.append(line)
            found = re.search(r"http://127\.0\.0\.1:(\d+)/\S*\?token=([0-9a-f]+)", line)
            if found:
                self.port, self.token = int(found.group(1)), found.group(2)
                self.address = found.group(0)
                break
        else:
            raise AssertionError(f"cjm lab printed no address: {self.printed}")
        self._wait_ready()

    def url(self, path: str = "lab") -> str:
        return f"http://127.0.0.1:{self.port}/{path}?token={self.token}"

    def _wait_ready(self, timeout: float = 120.0) -> None:
        import time
        import urllib.request

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"cjm lab stopped; see {self.log.name}"
            try:
                with urllib.request.urlopen(self.url("api/status"), timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise AssertionError(f"JupyterLab did not answer within {timeout:.0f} s")

    def stop(self) -> None:
        import signal
        import subprocess

        from browser.lab import kernel_pids, kill_all

        kernels = kernel_pids(str(self.runtime))
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass
        kill_all(kernels)
        self.log.close()


def _suite_digest(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("[0-9][0-9]_*.ipynb"))}


def test_polish_newcomer_walks_all_nine_chapters_with_a_new_project(tmp_path: Path) -> None:
    from cjm_helpers.cli import main
    from cjm_helpers.i18n import t
    from cjm_helpers.paths import PROJECT_FILE_NAME, notebooks_dir

    assert main(["new", str(tmp_path / "serwis-rowerowy"), "--lang", "pl"]) == 0
    project_file = tmp_path / "serwis-rowerowy" / PROJECT_FILE_NAME
    suite = _suite_digest(notebooks_dir("pl"))
    shots = ARTIFACTS / "polish-newcomer"
    shutil.rmtree(shots, ignore_errors=True)

    lab = CjmLab(project_file, tmp_path / "jupyter")
    try:
        with chromium_page(tmp_path / "profile") as page:
            learner = Learner(page, lab, shots)  # type: ignore[arg-type]
            with learner.shot_on_failure():
                page.goto(lab.address)  # the link `cjm lab` printed: logged in, on chapter 00
                page.wait_for_selector(".jp-NotebookPanel", state="visible")
                assert "/login" not in page.url
                assert page.url.split("?")[0].endswith("/lab/tree/00_start_here.ipynb")
                walk_polish_steps(
                    learner, page, project_file, t("forms.status.saved", "pl", file="")
                )
    finally:
        lab.stop()

    for _, _, _, _, _, value, path in STEPS_PL:
        if path:
            assert str(on_disk(project_file, path)) == value, path
    assert _suite_digest(notebooks_dir("pl")) == suite, "the course's notebooks are never written"
    assert (project_file.parent / "notebooks-pl" / "00_start_here.ipynb").exists()


def walk_polish_steps(learner: Learner, page: object, project_file: Path, saved: str) -> None:
    """Each chapter: run all; fill its form, Save, check the file; restart, run all, find it."""
    for name, form_class, add, control, kind, value, path in STEPS_PL:
        step = name.split("_")[0]
        learner.open_notebook(name)
        learner.run_all()
        if not form_class:  # run all ends at the closing section, in Polish
            page.locator(".jp-MarkdownOutput h2", has_text="Co dalej").last.wait_for(
                state="visible"
            )
            learner.screenshot(f"{step}-read")
            learner.save_notebook_quietly()
            continue
        form = f".{form_class}"
        selector = f"{form} {control}"
        assert str(on_disk(project_file, path)) != value if _exists(project_file, path) else True
        if add:
            page.locator(f"{form} .{add}").first.click()
        page.locator(selector).first.wait_for(state="visible")
        page.locator(selector).first.scroll_into_view_if_needed()
        if kind == "select":
            page.locator(selector).first.select_option(label=value)
        else:
            page.locator(selector).first.fill(value)
        if name.startswith("07_"):
            page.locator(f"{form} .cjm-field-walkthrough-when input").first.fill(WHEN_PL)
        learner.screenshot(f"{step}-form")
        page.locator(f"{form} .cjm-form-save").first.click()
        status = page.locator(f"{form} .cjm-form-status").first
        page.wait_for_function(
            "([sel, want]) => document.querySelector(sel)?.textContent.includes(want)",
            arg=[f"{form} .cjm-form-status", saved.strip().rstrip(".").strip()],
            timeout=60_000,
        )
        status.scroll_into_view_if_needed()
        learner.screenshot(f"{step}-saved")
        assert str(on_disk(project_file, path)) == value

        learner.restart_kernel()
        learner.run_all()
        page.locator(selector).first.wait_for(state="visible")
        read = (
            "document.querySelector(sel)?.selectedOptions?.[0]?.textContent.trim()"
            if kind == "select"
            else "document.querySelector(sel)?.value"
        )
        page.wait_for_function(
            f"([sel, want]) => {read} === want", arg=[selector, value], timeout=60_000
        )
        page.locator(selector).first.scroll_into_view_if_needed()
        learner.screenshot(f"{step}-after-restart")
        learner.save_notebook_quietly()


def _exists(project_file: Path, path: tuple) -> bool:
    try:
        on_disk(project_file, path)
    except (KeyError, IndexError, TypeError):
        return False
    return True
