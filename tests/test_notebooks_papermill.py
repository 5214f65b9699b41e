"""All nine notebooks run headless with papermill on another project, other data and another language."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run_headless

from cjm_helpers.execute import step_notebooks
from cjm_helpers.overlay import generate_events, generate_survey, generate_tickets
from cjm_helpers.paths import create_project
from cjm_helpers.store import load_project


@pytest.fixture(scope="module")
def other_project(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A fresh current-state starter project, with data generated for the sample on another seed."""
    folder = tmp_path_factory.mktemp("other")
    project_file = create_project(folder / "project", "current_state")
    sample = load_project(create_project(folder / "sample", "sample"))
    data = folder / "data"
    data.mkdir()
    generate_events(sample, users=300, seed=11).to_csv(data / "events.csv", index=False)
    generate_survey(sample, n=60, seed=11).to_csv(data / "survey.csv", index=False)
    generate_tickets(sample, n=30, seed=11).to_csv(data / "tickets.csv", index=False)
    return {
        "project_file": str(project_file),
        "events_file": str(data / "events.csv"),
        "survey_file": str(data / "survey.csv"),
        "tickets_file": str(data / "tickets.csv"),
        "language": "id",
        "interactive": False,
    }


@pytest.mark.parametrize("notebook", step_notebooks(), ids=lambda p: p.stem)
def test_notebook_runs_headless_on_another_project(
    notebook: Path, other_project: dict[str, str], tmp_path: Path
) -> None:
    executed, text = run_headless(notebook, other_project, tmp_path)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and other_project["project_file"] in injected[0].source
    assert "Kopiloka" not in text.split("Kopiloka —")[0] or notebook.stem.startswith("00")
