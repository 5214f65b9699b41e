"""Helpers several test files share: driving a form, running a notebook headless, the sample's lanes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import papermill as pm

from cjm_helpers.model import CARD_LANES, DEFAULT_LANES, LANES, Project
from cjm_helpers.overlay import generate_events, generate_survey, generate_tickets

FILLED_LANES: tuple[str, ...] = tuple(
    lane
    for lane in LANES
    if lane in DEFAULT_LANES["current_state"] + DEFAULT_LANES["service_blueprint"]
    and lane in (*CARD_LANES, "touchpoints")
)
"""The lanes a sample fills at every stage of its current-state map: every card lane of a
current-state map and a service blueprint (channels and emotions are not cards)."""


def control(form: Any, css_class: str) -> Any:
    """The widget under the form carrying ``css_class`` (fails the test when there is none)."""

    def find(widget: Any) -> Any:
        if css_class in getattr(widget, "_dom_classes", ()):
            return widget
        for child in getattr(widget, "children", ()):
            hit = find(child)
            if hit is not None:
                return hit
        return None

    found = find(form.widget)
    assert found is not None, f"no control {css_class}"
    return found


def save(form: Any) -> None:
    """Click the form's Save button; fails the test, showing the form's problems, when it did not save."""
    form.save_button.click()
    assert form.saved, form.problems


def run_headless(
    notebook: Path, parameters: dict[str, Any], folder: Path
) -> tuple[nbformat.NotebookNode, str]:
    """Execute ``notebook`` with papermill in ``folder``, as `cjm run` does, and fail on any error.

    Returns the executed notebook and the text of all its outputs (HTML and plain text).
    """
    output = folder / notebook.name
    pm.execute_notebook(
        str(notebook),
        str(output),
        parameters=parameters,
        kernel_name="python3",
        language="python",
        cwd=str(folder),
        progress_bar=False,
    )
    executed = nbformat.read(output, as_version=4)
    errors = [
        o for c in executed.cells for o in c.get("outputs", []) if o.get("output_type") == "error"
    ]
    assert not errors
    text = "".join(
        str(o.get("data", {}).get("text/html", "")) + str(o.get("text", ""))
        for c in executed.cells
        for o in c.get("outputs", [])
    )
    return executed, text


def run_parameters(
    project_file: Path,
    data_of: Project,
    folder: Path,
    *,
    language: str,
    seed: int,
    respondents: int,
    tickets: int,
    users: int = 300,
) -> dict[str, Any]:
    """Parameters of a headless run of ``project_file``, with data generated from ``data_of``.

    The event log, survey answers and tickets are written as CSV into ``folder``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    files = {name: folder / f"{name}.csv" for name in ("events", "survey", "tickets")}
    generate_events(data_of, users=users, seed=seed).to_csv(files["events"], index=False)
    generate_survey(data_of, n=respondents, seed=seed).to_csv(files["survey"], index=False)
    generate_tickets(data_of, n=tickets, seed=seed).to_csv(files["tickets"], index=False)
    return {
        "project_file": str(project_file),
        **{f"{name}_file": str(path) for name, path in files.items()},
        "language": language,
        "interactive": False,
    }
