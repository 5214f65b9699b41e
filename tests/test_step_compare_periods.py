"""Step 8 compares two date ranges of the data (the sources' "is it different from six months ago?")."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cjm_helpers import paths
from cjm_helpers.notebook import start_step


def _project_with_log(tmp_path: Path) -> Path:
    project = paths.create_project(tmp_path / "p", "current_state")
    rows = []
    for i in range(4):  # September: 4 customers, 1 pays
        rows.append((f"s{i}", "2026-09-10 08:00:00", "view"))
    rows.append(("s0", "2026-09-10 09:00:00", "payment_success"))
    for i in range(4):  # October: 4 customers, 3 pay
        rows.append((f"o{i}", "2026-10-20 08:00:00", "view"))
        if i < 3:
            rows.append((f"o{i}", "2026-10-20 08:30:00", "payment_success"))
    pd.DataFrame(rows, columns=["user_id", "timestamp", "event"]).to_csv(
        project.parent / "events.csv", index=False
    )
    return project


def test_step_compares_two_periods_by_hand(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CJM_HOME", str(tmp_path / "home"))
    project = _project_with_log(tmp_path)
    step = start_step(8, str(project), events_file=str(project.parent / "events.csv"))
    table = step.compare_periods("2026-09-01..2026-09-30", "2026-10-01..2026-10-31")
    row = table[table.iloc[:, 0] == "Conversion rate"].iloc[0].tolist()
    # 1 of 4 = 25% in September, 3 of 4 = 75% in October: 50 points up; pooled 4/8 = 0.5,
    # se = sqrt(0.5 x 0.5 x (1/4 + 1/4)) = 0.3536, z = 1.414, two-sided p = 0.157: within noise
    assert row[1:4] == ["25%", "75%", "50 points"]
    assert "within noise" in row[4] and "0.157" in row[4]
