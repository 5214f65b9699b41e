"""Step 8 works out the measured baselines once for the cells that show them and the plan built on them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cjm_helpers.notebook import Step
from cjm_helpers.paths import SAMPLE_DIR, SAMPLE_PROJECT
from cjm_helpers.step import event_views


def test_baselines_and_plan_share_one_measurement(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project.cjm.yaml"
    shutil.copyfile(SAMPLE_PROJECT, project)
    calls: list[int] = []
    original = event_views.measured_baselines

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(event_views, "measured_baselines", counting)
    step = Step(
        number=8,
        project_path=project,
        events_path=SAMPLE_DIR / "events.csv",
        survey_path=SAMPLE_DIR / "survey.csv",
    )
    plan = step.plan_by_effect()
    shown = step.measured_baselines()
    assert len(calls) == 1
    assert len(plan) and shown is not None
    project.write_text(project.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    step.plan_by_effect()  # the project file changed: measured again
    assert len(calls) == 2
