"""Shared fixtures: the shipped sample project, and throw-away copies of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

from cjm_helpers.model import Project
from cjm_helpers.paths import SAMPLE_PROJECT
from cjm_helpers.store import load_project

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def sample_project() -> Project:
    return load_project(SAMPLE_PROJECT)


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A private copy of the sample project file that a test may change."""
    target = tmp_path / "project.cjm.yaml"
    shutil.copyfile(SAMPLE_PROJECT, target)
    return target


# --- quick default run ----------------------------------------------------------------------
# `pytest` alone runs the quick tests in parallel; tests marked slow (browser, Spark, the
# notebooks themselves, whole runs of the suite) run when named, with `-m`, or in
# `bash scripts/test.sh`, which is what CI runs.

SLOW_MARKERS = ("slow", "browser", "spark")
SLOW_FILES = {
    "test_run_e2e.py": "runs the real suite's notebooks in kernels",
    "test_run_in_every_language.py": "runs the whole sample suite once per language",
    "test_notebooks_papermill.py": "runs all nine notebooks with papermill",
    "test_starters.py::test_every_industry_runs_through_every_notebook": "nine notebooks each",
}
"""Test files (or file::test) that are slow, besides tests marked slow, browser or spark."""


def _is_slow(item: pytest.Item) -> bool:
    path = Path(str(item.path))
    return (
        path.suffix == ".ipynb"
        or path.name in SLOW_FILES
        or f"{path.name}::{getattr(item, 'originalname', item.name)}" in SLOW_FILES
        or any(item.get_closest_marker(name) for name in SLOW_MARKERS)
    )


def _quick_run(config: pytest.Config) -> bool:
    """A bare `pytest`: no paths or node ids named and no -m expression given."""
    named = config.args_source != pytest.Config.ArgsSource.TESTPATHS
    return not named and not config.option.markexpr


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the slow tests; on a quick run leave them out (reported as deselected)."""
    for item in items:
        if _is_slow(item) and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)
    if not _quick_run(config):
        return
    slow = [item for item in items if item.get_closest_marker("slow")]
    if slow:
        items[:] = [item for item in items if not item.get_closest_marker("slow")]
        config.hook.pytest_deselected(items=slow)


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    if _quick_run(config):
        terminalreporter.write_line(
            "quick run: slow tests (browser, Spark, notebooks, whole runs) were left out; "
            "name them, use -m slow, or run `bash scripts/test.sh` for every check and test."
        )
