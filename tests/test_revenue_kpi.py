"""Revenue per customer as a KPI: measured from the survey's spend, a step 8 baseline, money in the report."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cjm_helpers.model import KPI, Project
from cjm_helpers.overlay.kpis import KPI_COLUMNS, revenue_per_customer
from cjm_helpers.overlay.targets import measured_baselines
from cjm_helpers.report import build_report

# R1 answers twice (spend 1,000,000 each time), R2 once (500,000), R3 gave no spend:
# (1,000,000 + 500,000) / 2 respondents = 750,000 a year
SURVEY = pd.DataFrame(
    {
        "respondent_id": ["R1", "R1", "R2", "R3"],
        "stage": ["a", "b", "a", "a"],
        "spend": [1_000_000.0, 1_000_000.0, 500_000.0, float("nan")],
    }
)


def test_revenue_per_customer_by_hand() -> None:
    frame = revenue_per_customer(SURVEY)
    assert list(frame.columns) == list(KPI_COLUMNS)
    row = frame.iloc[0]
    assert row["kpi"] == "revenue_per_customer" and row["unit"] == "money"
    assert row["value"] == pytest.approx(750_000)
    assert (row["numerator"], row["denominator"]) == (1_500_000, 2)


def test_no_spend_no_revenue_row() -> None:
    assert revenue_per_customer(SURVEY.drop(columns="spend")).empty
    assert revenue_per_customer(SURVEY.assign(spend=float("nan"))).empty


def _project() -> Project:
    return Project(
        name="Revenue",
        currency="IDR",
        kpis=[
            KPI(id="kpi-revenue", name="Revenue per customer", unit="IDR", baseline=900_000),
            KPI(id="kpi-wait", name="Wait", unit="min", baseline=6.5, target=3),
        ],
    )


def test_revenue_is_a_step_8_baseline() -> None:
    updated, changed = measured_baselines(_project(), revenue_per_customer(SURVEY))
    assert updated.kpis[0].baseline == pytest.approx(750_000)
    assert changed.loc[0, "typed_baseline"] == 900_000 and changed.loc[0, "unit"] == "IDR"
    assert updated.kpis[1].baseline == 6.5  # not money: left alone


def test_report_kpi_table_shows_revenue_as_money() -> None:
    page = build_report(_project(), "en", {"revenue": revenue_per_customer(SURVEY)})
    part = page[page.index('data-analysis="kpis"') :]
    assert "Revenue per customer a year (survey spend)" in part
    assert '<td class="num">IDR750,000</td><td>money (project currency)</td>' in part
    assert "measured from the survey, not the event log" in part
    # the step 8 baselines table shows it too, in the currency
    assert "750,000 IDR" in page and "900,000 IDR" in page
    pl = build_report(_project(), "pl", {"revenue": revenue_per_customer(SURVEY)})
    assert "Przychód na klienta rocznie" in pl and "750\xa0000\xa0IDR" in pl


def test_step_8_measures_revenue_from_the_survey_like_the_report(tmp_path: Path) -> None:
    """Step 8's baselines take revenue per customer from the survey's spend, as the report does."""
    import shutil

    from cjm_helpers.notebook import Step
    from cjm_helpers.paths import SAMPLE_DIR, SAMPLE_PROJECT

    project = tmp_path / "project.cjm.yaml"
    shutil.copyfile(SAMPLE_PROJECT, project)
    survey = SAMPLE_DIR / "survey.csv"
    step = Step(
        number=8, project_path=project, events_path=SAMPLE_DIR / "events.csv", survey_path=survey
    )
    _, changed = step._measured_baselines()

    frame = pd.read_csv(survey)
    expected = round(frame.groupby("respondent_id")["spend"].first().dropna().mean())
    row = changed.set_index("kpi").loc["kpi-revenue-per-customer"]
    assert row["baseline"] == expected
