"""The report compares the two periods the project names, or says why it does not."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cjm_helpers.model import DataFiles, Project
from cjm_helpers.report import build_report
from cjm_helpers.report.overlay import compute_overlay


def _log(folder: Path) -> Path:
    rows = []
    for i in range(4):  # September: 4 customers, 1 pays
        rows.append((f"s{i}", "2026-09-10 08:00:00", "view"))
    rows.append(("s0", "2026-09-10 09:00:00", "payment_success"))
    for i in range(4):  # October: 4 customers, 3 pay
        rows.append((f"o{i}", "2026-10-20 08:00:00", "view"))
        if i < 3:
            rows.append((f"o{i}", "2026-10-20 08:30:00", "payment_success"))
    path = folder / "events.csv"
    pd.DataFrame(rows, columns=["user_id", "timestamp", "event"]).to_csv(path, index=False)
    return path


def _section(page: str) -> str:
    start = page.index('id="periods"')
    return page[start : page.index("</section>", start)]


def _project(periods: list[str]) -> Project:
    return Project(
        name="Periods",
        data=DataFiles(conversion_events=["payment_success"], periods=periods),
    )


def test_report_compares_the_named_periods_by_hand(tmp_path: Path) -> None:
    project = _project(["2026-09-01..2026-09-30", "2026-10-01..2026-10-31"])
    results = compute_overlay(project, events_file=str(_log(tmp_path)))
    part = _section(build_report(project, "en", results))
    assert "Is it different from last time?" in part
    # conversion 1 of 4 = 25% in September, 3 of 4 = 75% in October: 50 points up;
    # pooled 4/8, se = sqrt(0.5 x 0.5 x (1/4 + 1/4)) = 0.3536, z = 1.414, p = 0.157: noise
    row = part[part.index("<td>Conversion rate</td>") :]
    row = row[: row.index("</tr>")]
    assert "<td>25%</td><td>75%</td><td>50 points</td>" in row
    assert "0.157" in row and "within noise" in row
    pl = _section(build_report(project, "pl", results))
    assert "Czy coś się zmieniło od ostatniego razu?" in pl


def test_report_says_why_without_two_periods(tmp_path: Path) -> None:
    part = _section(build_report(_project([]), "en", {}))
    assert "No two periods to compare" in part
    assert "data: periods:" in part
    idn = _section(build_report(_project([]), "id", {}))
    assert "Belum ada dua periode untuk dibandingkan" in idn
    named = _project(["2026-09-01..2026-09-30", "2026-10-01..2026-10-31"])
    assert "there is no event log" in _section(build_report(named, "en", {}))


def test_a_bad_period_is_named_in_the_section(tmp_path: Path) -> None:
    project = _project(["2026-09-31..2026-10-01", "2026-10-01..2026-10-31"])
    results = compute_overlay(project, events_file=str(_log(tmp_path)))
    part = _section(build_report(project, "en", results))
    assert "could not be compared" in part and "2026-09-31" in part


def test_at_most_two_periods() -> None:
    with pytest.raises(ValueError):
        DataFiles(periods=["2026-01-01..2026-01-31"] * 3)
