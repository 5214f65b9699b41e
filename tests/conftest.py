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
