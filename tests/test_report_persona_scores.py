"""The report's personas section shows share, value and satisfaction measured by the survey."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cjm_helpers.model import Persona, Project, TargetPersona
from cjm_helpers.report import build_report, compute_overlay

ROWS = [
    # respondent, stage, emotion, csat, segment, spend
    ("r1", "purchase", 1, 4, "Commuter", 1000),
    ("r1", "retention", 0, 2, "Commuter", ""),  # r1's second stage: its spend counts once
    ("r2", "purchase", 0, 3, "Commuter", 2000),
    ("r3", "purchase", -1, 5, "Commuter", 3000),
    ("r4", "purchase", 2, 1, "Student", 500),
]


def _project() -> Project:
    return Project(
        name="Scores",
        personas=[
            Persona(id="rina", name="Rina", segment="Commuter", share_of_customers=0.5, value=2000),
            Persona(
                id="dimas", name="Dimas", segment="Student", share_of_customers=0.25, value=1000
            ),
        ],
        target_personas=[TargetPersona(persona="rina", primary=True)],
    )


def _survey_file(tmp_path: Path) -> str:
    path = tmp_path / "survey.csv"
    pd.DataFrame(
        ROWS, columns=["respondent_id", "stage", "emotion", "csat", "segment", "spend"]
    ).to_csv(path, index=False)
    return str(path)


def _personas_section(page: str) -> str:
    start = page.index('id="personas"')
    return page[start : page.index("</section>", start)]


def _measured(page: str) -> str:
    start = page.index('class="cjm-persona-scores"')
    return page[start : page.index("</section>", start)]


def test_report_shows_computed_share_and_value_beside_the_typed_ones(tmp_path: Path) -> None:
    project = _project()
    results = compute_overlay(project, survey_file=_survey_file(tmp_path))
    section = _measured(build_report(project, "en", results))
    assert "Share and value measured by the survey" in section
    # Rina: 3 of 4 respondents = 75% (typed 50%); spend (1000 + 2000 + 3000) / 3 = 2,000 IDR;
    # CSAT (4 + 2 + 3 + 5) / 4 = 3.5
    rina = section[section.index("<td>Rina</td>") : section.index("<td>Dimas</td>")]
    for shown in ("75%", "50%", "2,000 IDR", "3.5"):
        assert shown in rina
    # Dimas: 1 of 4 = 25% (typed 25%); spend 500 IDR against a typed 1,000 IDR (100% of 500 off)
    dimas = section[section.index("<td>Dimas</td>") :]
    for shown in ("25%", "500 IDR", "1,000 IDR"):
        assert shown in dimas
    # the disagreements, written out: Rina's share (25 points), Dimas' value
    assert "Rina: the typed share of customers is 50%, but 3 respondents make 75%" in section
    assert "Dimas: the typed value is 1,000 IDR a year" in section
    assert "spend 500 IDR on average" in section


@pytest.mark.parametrize(
    ("lang", "title"),
    [("id", "Porsi dan nilai menurut survei"), ("pl", "Udział i wartość według ankiety")],
)
def test_persona_scores_in_the_report_speak_the_reports_language(
    tmp_path: Path, lang: str, title: str
) -> None:
    project = _project()
    results = compute_overlay(project, survey_file=_survey_file(tmp_path), lang=lang)
    section = _personas_section(build_report(project, lang, results))
    assert title in section
    assert "75%" in section.replace("\xa0", "")


def test_no_survey_no_measured_scores(tmp_path: Path) -> None:
    section = _personas_section(build_report(_project(), "en", {}))
    assert "measured by the survey" not in section
