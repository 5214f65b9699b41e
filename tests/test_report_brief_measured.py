"""The buy-in brief shows the KPI values step 7 measured beside the typed baselines."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cjm_helpers.model import KPI, Opportunity, Project
from cjm_helpers.report import brief_html, build_report


def _project() -> Project:
    return Project(
        name="Brief",
        kpis=[
            KPI(
                id="kpi-checkout-abandon",
                name="Checkout abandonment",
                unit="%",
                baseline=38,
                target=25,
            ),
            KPI(id="kpi-wait", name="Wait at the counter", unit="min", baseline=6.5, target=3),
        ],
        opportunities=[
            Opportunity(
                id="o-promo",
                title="Fix promo codes",
                reach=100,
                impact=5,
                effort=1,
                confidence=1.0,
                kpis=["kpi-checkout-abandon", "kpi-wait"],
            )
        ],
    )


# step 7 measured 113 of 1,000 users who began checkout without paying: 11.3%
MEASURED = pd.DataFrame(
    [("checkout_abandonment", 0.113, "share")], columns=["kpi", "value", "unit"]
)


def test_brief_shows_the_measured_value_beside_the_typed_one() -> None:
    page = brief_html(_project(), "en", MEASURED)
    assert (
        "Checkout abandonment: 11.3 % measured from the event log in step 7"
        " (typed baseline: 38 %) → target 25 %"
    ) in page
    # a KPI nothing measured keeps its typed value alone
    assert "Wait at the counter: 6.5 min → target 3 min" in page
    assert "the typed baseline is the team&#x27;s estimate from step 1" in page


def test_report_brief_uses_the_overlay_kpis() -> None:
    page = build_report(_project(), "en", {"kpis": MEASURED})
    brief = page[page.index("cjm-brief") :]
    assert "11.3 % measured from the event log in step 7 (typed baseline: 38 %)" in brief


def test_brief_without_measurements_is_unchanged_and_translated() -> None:
    page = brief_html(_project(), "en")
    assert "Checkout abandonment: 38 % → target 25 %" in page
    assert "measured from the event log" not in page
    assert "terukur dari log peristiwa" in brief_html(_project(), "id", MEASURED)
    assert "według dziennika zdarzeń" in brief_html(_project(), "pl", MEASURED)


def test_brief_page_written_with_measured_values(tmp_path: Path) -> None:
    from cjm_helpers.report import write_brief

    path = write_brief(tmp_path / "brief.html", _project(), "en", measured=MEASURED)
    assert "11.3 % measured from the event log in step 7" in path.read_text(encoding="utf-8")


def test_the_runs_brief_page_states_what_the_data_measured(tmp_path: Path) -> None:
    """`cjm run` writes brief.html beside the report from the same measured KPIs."""
    from cjm_helpers.paths import SAMPLE_DIR, SAMPLE_PROJECT
    from cjm_helpers.run.suite import RunResult, write_run_report
    from cjm_helpers.store import load_project

    project = load_project(SAMPLE_PROJECT)
    result = RunResult(out_dir=tmp_path, project_file=SAMPLE_PROJECT)
    data = {"events_file": str(SAMPLE_DIR / "events.csv")}
    report, brief = write_run_report(result, data, "en", project=project)

    page = brief.read_text(encoding="utf-8")
    typed = next(k for k in project.kpis if k.id == "kpi-checkout-abandon")
    assert brief == tmp_path / "brief.html" and report.exists()
    assert "measured from the event log" in page
    assert f"typed baseline: {typed.baseline:g}" in page
