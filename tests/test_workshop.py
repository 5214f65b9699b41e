"""The workshop app without a browser: every step opens, saves redraw the results, the server's
settings keep the token off command lines, and a busy port is refused."""

from __future__ import annotations

import json
import socket
import stat
from pathlib import Path

import ipywidgets as widgets
import pytest

from cjm_helpers.cli import main
from cjm_helpers.commands.workshop import app_notebook, prepare
from cjm_helpers.i18n import LANGUAGES, t
from cjm_helpers.paths import create_project
from cjm_helpers.workshop import RESULTS, STEPS, step_label, workshop_app


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return create_project(tmp_path / "room", "sample")


def test_every_step_opens_with_its_form(project: Path) -> None:
    app = workshop_app(str(project), "pl")
    nav = app.children[1]
    assert isinstance(nav, widgets.ToggleButtons)
    assert [label for label, _ in nav.options] == [step_label(n, "pl") for n in STEPS]
    body = app.children[2]
    for number in STEPS:
        nav.value = number
        panel = body.children[0]
        form_classes = {c for w in panel.children for c in getattr(w, "_dom_classes", ())}
        assert f"cjm-form-step{number}" in form_classes, (number, form_classes)


def test_a_panel_is_built_once_and_kept(project: Path) -> None:
    built: list[int] = []
    refreshed: list[int] = []

    class Panel:
        def __init__(self, number: int, project_file: str, lang: str) -> None:
            built.append(number)
            self.number = number
            self.widget = widgets.Label(str(number))

        def refresh(self) -> None:
            refreshed.append(self.number)

    app = workshop_app(str(project), "en", panel=Panel)
    nav = app.children[1]
    nav.value, nav.value, nav.value = 3, 1, 3
    assert built == [1, 3]
    assert refreshed == [1, 3], "coming back to a step looks for newer saves"


def test_step_labels_exist_in_every_language() -> None:
    for lang in LANGUAGES:
        labels = [t(f"workshop.step.{n}", lang) for n in STEPS]
        assert all(labels) and len(set(labels)) == len(STEPS), (lang, labels)
    assert set(RESULTS) == set(STEPS)


def test_saving_in_the_app_writes_the_file_and_redraws_the_results(project: Path) -> None:
    from cjm_helpers.store import load_project
    from cjm_helpers.workshop import StepPanel

    panel = StepPanel(1, str(project), "en").widget
    form_box = panel.children[1]
    results = panel.children[2]
    field = next(
        w for w in _walk(form_box) if "cjm-field-objectives-business-question" in w._dom_classes
    )
    control = next(w for w in _walk(field) if isinstance(w, widgets.Textarea))
    control.value = "What brings customers back every week?"
    save = next(
        w
        for w in _walk(form_box)
        if isinstance(w, widgets.Button) and "cjm-form-save" in w._dom_classes
    )
    before = len(results.outputs)
    save.click()
    assert (
        load_project(project).objectives.business_question
        == "What brings customers back every week?"
    )
    assert len(results.outputs) >= before


def _walk(widget: widgets.Widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def test_the_token_is_in_a_private_file_not_on_the_command_line(
    project: Path, tmp_path: Path
) -> None:
    token = "f" * 48
    cmd, env = prepare(project, "id", "127.0.0.1", 8899, token, tmp_path / "ws")
    assert not any(token in part for part in cmd)
    config = Path(env["JUPYTER_CONFIG_DIR"]) / "voila.json"
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    settings = json.loads(config.read_text())
    assert settings["Voila"]["token"] == token
    assert settings["Voila"]["ip"] == "127.0.0.1" and settings["Voila"]["port_retries"] == 0
    assert settings["VoilaConfiguration"]["strip_sources"] is True


def test_the_app_notebook_opens_this_project_in_this_language(project: Path) -> None:
    nb = app_notebook(project, "id")
    (cell,) = nb.cells
    assert repr(str(project)) in cell.source and "'id'" in cell.source


def test_a_busy_port_is_refused_with_a_message(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        assert main(["workshop", str(project), "--port", str(port)]) == 1
    assert f"Port {port} is already in use; choose another with --port." in capsys.readouterr().err


def test_coming_back_shows_another_save_but_never_drops_edits(project: Path) -> None:
    from cjm_helpers.store import ProjectStore, load_project
    from cjm_helpers.workshop import StepPanel

    mine = StepPanel(1, str(project), "en")
    other = ProjectStore(project)
    theirs = other.load()
    theirs.objectives.business_question = "Saved by someone else"
    other.save(theirs)

    mine.refresh()
    assert mine.form.data["objectives"]["business_question"] == "Saved by someone else"

    mine.form.data["objectives"]["scope"] = "My unsaved scope"
    theirs.objectives.business_question = "Saved again by someone else"
    other.save(theirs)
    mine.refresh()
    assert mine.form.data["objectives"]["scope"] == "My unsaved scope", "unsaved edits stay"
    assert mine.form.save()
    saved = load_project(project).objectives
    assert (saved.business_question, saved.scope) == (
        "Saved again by someone else",
        "My unsaved scope",
    )
