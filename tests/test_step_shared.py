"""Tables several chapters of one run show are computed once and read back, never for changed files."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from cjm_helpers.notebook import Step
from cjm_helpers.paths import SAMPLE_PROJECT
from cjm_helpers.run.suite import RUN_CACHE_FOLDER, kernel_environment
from cjm_helpers.step import survey_views
from cjm_helpers.store import ProjectStore

SAMPLE_DATA = Path(SAMPLE_PROJECT).parent


@pytest.fixture
def run_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The folder a run names for its shared tables, as ``cjm run`` sets it for its kernels."""
    folder = tmp_path / "run-cache"
    monkeypatch.setenv("CJM_RUN_CACHE", str(folder))
    return folder


@pytest.fixture
def scorings(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per computation of the persona scores."""
    calls: list[int] = []
    original = survey_views.persona_scores

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(survey_views, "persona_scores", counting)
    return calls


def _survey_copy(folder: Path) -> Path:
    target = folder / "survey.csv"
    shutil.copyfile(SAMPLE_DATA / "survey.csv", target)
    return target


def _scores(number: int, project: Path, survey: Path) -> tuple[Step, str]:
    step = Step(number=number, project_path=project, survey_path=survey)
    return step, step.persona_scores().data


def test_persona_scores_of_step_2_are_read_back_by_step_3_without_reading_the_survey(
    sample_copy: Path, tmp_path: Path, run_cache: Path, scorings: list[int]
) -> None:
    survey = _survey_copy(tmp_path)
    _, first = _scores(2, sample_copy, survey)
    later, second = _scores(3, sample_copy, survey)
    assert second == first
    assert len(scorings) == 1
    assert "survey" not in later.__dict__  # the survey file was not read at all


def test_kpis_of_step_7_are_read_back_by_step_8(sample_copy: Path, run_cache: Path) -> None:
    events = SAMPLE_DATA / "events.csv"
    measured = Step(number=7, project_path=sample_copy, events_path=events).data_kpis()
    later = Step(number=8, project_path=sample_copy, events_path=events)
    pd.testing.assert_frame_equal(later.data_kpis(), measured)
    later.measured_baselines()
    assert "events" not in later.__dict__  # the event log was not loaded for the baselines


def test_a_changed_survey_file_is_scored_again(
    sample_copy: Path, tmp_path: Path, run_cache: Path, scorings: list[int]
) -> None:
    survey = _survey_copy(tmp_path)
    _, first = _scores(2, sample_copy, survey)
    lines = survey.read_text(encoding="utf-8").splitlines(keepends=True)
    survey.write_text("".join(lines[: len(lines) // 3]), encoding="utf-8")
    _, second = _scores(3, sample_copy, survey)
    assert len(scorings) == 2
    assert second != first


def test_a_changed_project_is_scored_again(
    sample_copy: Path, tmp_path: Path, run_cache: Path, scorings: list[int]
) -> None:
    survey = _survey_copy(tmp_path)
    _scores(2, sample_copy, survey)
    store = ProjectStore(sample_copy)
    project = store.load()
    store.save(project.model_copy(update={"name": f"{project.name} (edited)"}))
    _scores(3, sample_copy, survey)
    assert len(scorings) == 2


def test_nothing_is_kept_outside_a_run(
    sample_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scorings: list[int]
) -> None:
    monkeypatch.delenv("CJM_RUN_CACHE", raising=False)
    survey = _survey_copy(tmp_path)
    _scores(2, sample_copy, survey)
    _scores(3, sample_copy, survey)
    assert len(scorings) == 2


def test_a_damaged_table_is_computed_again(
    sample_copy: Path, tmp_path: Path, run_cache: Path, scorings: list[int]
) -> None:
    survey = _survey_copy(tmp_path)
    _, first = _scores(2, sample_copy, survey)
    (kept,) = run_cache.iterdir()
    kept.write_bytes(b"not a table")
    _, second = _scores(3, sample_copy, survey)
    assert second == first
    assert len(scorings) == 2


def test_each_run_gives_its_kernels_an_empty_cache_folder(tmp_path: Path) -> None:
    home = tmp_path / ".cjm-home"
    left = home / RUN_CACHE_FOLDER / "an-earlier-run.parquet"
    left.parent.mkdir(parents=True)
    left.write_bytes(b"old")
    with kernel_environment(home):
        import os

        assert os.environ["CJM_RUN_CACHE"] == str(home / RUN_CACHE_FOLDER)
        assert not left.exists()


def test_a_cache_folder_that_is_a_link_elsewhere_is_not_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    planted = elsewhere / "planted.parquet"
    planted.write_bytes(b"not ours")
    home = tmp_path / ".cjm-home"
    home.mkdir()
    (home / RUN_CACHE_FOLDER).symlink_to(elsewhere, target_is_directory=True)
    with kernel_environment(home):
        assert not (home / RUN_CACHE_FOLDER).exists()
    assert planted.exists()  # the link is removed, what it pointed to is left alone
