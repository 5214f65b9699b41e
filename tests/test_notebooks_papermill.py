"""All nine notebooks run headless with papermill on another project, other data and another language."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run_headless, run_parameters

from cjm_helpers.execute import step_notebooks
from cjm_helpers.paths import create_project
from cjm_helpers.store import load_project


@pytest.fixture(scope="module")
def other_project(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A fresh current-state starter project, with data generated for the sample on another seed."""
    folder = tmp_path_factory.mktemp("other")
    project_file = create_project(folder / "project", "current_state")
    sample = load_project(create_project(folder / "sample", "sample"))
    return run_parameters(
        project_file, sample, folder / "data", language="id", seed=11, respondents=60, tickets=30
    )


@pytest.mark.parametrize("notebook", step_notebooks(), ids=lambda p: p.stem)
def test_notebook_runs_headless_on_another_project(
    notebook: Path, other_project: dict[str, str], tmp_path: Path
) -> None:
    executed, text = run_headless(notebook, other_project, tmp_path)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and other_project["project_file"] in injected[0].source
    assert "Kopiloka" not in text.split("Kopiloka —")[0] or notebook.stem.startswith("00")
