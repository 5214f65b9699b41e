"""Themes reach the learner and the reader: step 7 shows them and puts them on the map, the report has them."""

from __future__ import annotations

from pathlib import Path

import pytest

from cjm_helpers.notebook import start_step
from cjm_helpers.paths import create_project
from cjm_helpers.report.overlay import compute_overlay, overlay_html


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return create_project(tmp_path_factory.mktemp("themes") / "s", "sample")


def test_step_7_shows_the_themes_with_quotes(sample: Path) -> None:
    step = start_step(7, str(sample), language="id")
    page = step.customer_themes().data
    assert "cjm-themes" in page and "“" in page, "themes with quotes"
    assert "lang='id'" in page or 'lang="id"' in page


def test_step_7_puts_painful_themes_on_the_map_as_observed(sample: Path) -> None:
    step = start_step(7, str(sample), language="en")
    before = {n.text for cell in step.project.journeys[0].stages.values() for n in cell.pain_points}
    themed = step.themes_on_map()
    after = [
        n
        for cell in themed.project.journey(themed.journey_id).stages.values()
        for n in cell.pain_points
        if n.text not in before
    ]
    assert after and all(n.evidence == "observed" for n in after)
    assert step.reload().journeys[0].stages == step.project.journeys[0].stages, (
        "the project file is not changed"
    )


def test_without_texts_the_step_says_so(tmp_path: Path) -> None:
    project = create_project(tmp_path / "new", "current_state")
    step = start_step(7, str(project), language="pl")
    assert step.customer_themes().data == step.note("no_survey").data


def test_the_report_has_a_themes_part(sample: Path) -> None:
    folder = sample.parent
    results = compute_overlay(
        step_project(sample),
        survey_file=str(folder / "survey.csv"),
        tickets_file=str(folder / "tickets.csv"),
        lang="pl",
    )
    html = overlay_html(results, "pl")
    assert 'data-analysis="themes"' in html and "Tematy w tym, co piszą klienci" in html


def step_project(path: Path):
    from cjm_helpers.store import load_project

    return load_project(path)


def test_the_report_says_which_conversions_were_guessed(tmp_path: Path) -> None:
    from cjm_helpers.store import load_project

    project = create_project(tmp_path / "p", "sample")
    log = tmp_path / "events.csv"
    log.write_text("user_id,timestamp,event\nu1,2026-10-01 08:00:00,purchase\n", encoding="utf-8")
    html = overlay_html(
        compute_overlay(load_project(project), events_file=str(log), lang="en"), "en"
    )
    assert "Conversion events guessed from their names: " in html
