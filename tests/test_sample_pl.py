"""The Polish sample business (sample_data/pl): a complete project in Polish, with data files that load."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from helpers import FILLED_LANES

from cjm_helpers.model import Project
from cjm_helpers.overlay import (
    funnel,
    generate_events,
    generate_survey,
    generate_tickets,
    load_events,
    load_survey,
    load_tickets,
)
from cjm_helpers.overlay.feedback_phrases_pl import COMMENTS_PL, GENERIC_COMMENTS_PL, TICKETS_PL
from cjm_helpers.overlay.feedback_samples import COMMENTS, GENERIC_COMMENTS, TICKETS
from cjm_helpers.paths import SAMPLE_PROJECT
from cjm_helpers.store import load_project

FOLDER = Path(__file__).resolve().parent.parent / "sample_data" / "pl"
SEED = 14
"""The seed the sample's data files were written with (`cjm sample-data … --out sample_data/pl --seed 14`)."""


@pytest.fixture(scope="module")
def project_file() -> Path:
    files = sorted(FOLDER.glob("*.cjm.yaml"))
    assert len(files) == 1, f"sample_data/pl must hold exactly one project file, found {files}"
    return files[0]


@pytest.fixture(scope="module")
def project(project_file: Path) -> Project:
    return load_project(project_file)


def _data(project: Project, project_file: Path, kind: str) -> Path:
    name = getattr(project.data, kind)
    assert name, f"the Polish sample declares no {kind} file"
    return project_file.parent / name


def test_polish_sample_validates_with_the_shape_of_kopiloka(project: Project) -> None:
    kopiloka = load_project(SAMPLE_PROJECT)
    assert project.language == "pl" and project.currency == "PLN"
    assert len(project.personas) == 2 and len(project.stages) == 5
    assert len(project.touchpoints) >= 18
    assert sum(1 for tp in project.touchpoints if tp.events) >= 14
    assert {j.map_type for j in project.journeys} == {"current_state", "future_state"}
    for part in ("resources", "walkthrough", "kpis", "opportunities", "actions"):
        assert len(getattr(project, part)) >= len(getattr(kopiloka, part)) - 1, part
    assert project.primary_persona() is not None


def test_every_lane_of_the_current_map_is_filled_at_every_stage(project: Project) -> None:
    current = next(j for j in project.journeys if j.map_type == "current_state")
    for stage in project.stages:
        cell = current.cell(stage.id)
        assert cell.emotion is not None, stage.id
        for lane in FILLED_LANES:
            assert getattr(cell, lane), f"{stage.id}: lane {lane} is empty"


def test_the_sample_speaks_polish_not_english(project: Project) -> None:
    english = {"the", "and", "with", "order", "customer", "app"}
    texts = [
        project.name,
        project.description,
        project.objectives.business_question,
        *(p.name for p in project.personas),
        *(s.name for s in project.stages),
        *(tp.name for tp in project.touchpoints),
        *(o.title for o in project.opportunities),
    ]
    for text in texts:
        words = set(text.lower().replace(",", " ").split())
        assert not words & english, f"English left in the Polish sample: {text!r}"


def test_its_data_files_load_without_problems(project: Project, project_file: Path) -> None:
    log = load_events(_data(project, project_file, "events"), project)
    stages = funnel(log)
    assert len(stages) == 5 and (stages.iloc[:, 1:].select_dtypes("number") >= 0).all().all()
    assert log.count() > 5000
    survey = load_survey(_data(project, project_file, "survey"), project, lang="pl")
    assert set(survey["persona"].dropna()) >= {p.id for p in project.personas}
    tickets = load_tickets(_data(project, project_file, "tickets"), project, lang="pl")
    placed = (tickets["matched_by"] != "none").mean()
    assert placed >= 0.95, f"only {placed:.0%} of the Polish tickets land on a touchpoint"


def test_the_data_files_are_what_the_generators_write(project: Project, project_file: Path) -> None:
    """Anyone can rebuild them: `cjm sample-data <project> --out sample_data/pl --seed 14`."""
    for kind, frame in (
        ("events", generate_events(project, users=2000, seed=SEED)),
        ("survey", generate_survey(project, n=300, seed=SEED)),
        ("tickets", generate_tickets(project, n=200, seed=SEED)),
    ):
        written = _data(project, project_file, kind).read_text(encoding="utf-8")
        assert frame.to_csv(index=False) == written, (
            f"{kind}.csv differs from the generator's output"
        )


def test_a_polish_project_gets_polish_comments_and_tickets(project: Project) -> None:
    polish_comments = {c for stage in COMMENTS_PL.values() for pool in stage.values() for c in pool}
    polish_comments |= {c for pool in GENERIC_COMMENTS_PL.values() for c in pool}
    survey = generate_survey(project, n=200, seed=1)
    comments = set(survey["comment"]) - {""}
    assert comments and comments <= polish_comments
    polish_tickets = {text for _, _, texts in TICKETS_PL.values() for text in texts}
    assert set(generate_tickets(project, n=100, seed=1)["text"]) <= polish_tickets


def test_kopiloka_keeps_its_own_comments_and_tickets() -> None:
    kopiloka = load_project(SAMPLE_PROJECT)
    known = {c for stage in COMMENTS.values() for pool in stage.values() for c in pool}
    known |= {c for pool in GENERIC_COMMENTS.values() for c in pool}
    survey = generate_survey(kopiloka, n=100, seed=1)
    assert (set(survey["comment"]) - {""}) <= known
    texts = {text for _, _, pool in TICKETS.values() for text in pool}
    assert set(generate_tickets(kopiloka, n=100, seed=1)["text"]) <= texts


def test_a_polish_project_that_is_not_the_sample_gets_polish_ticket_texts(project: Project) -> None:
    other = project.model_copy(
        update={
            "touchpoints": [
                tp.model_copy(update={"id": f"x-{tp.id}"}) for tp in project.touchpoints
            ]
        }
    )
    texts = generate_tickets(other, n=50, seed=2)["text"]
    assert texts.str.contains("Problem: |Coś nie działa: |Otwórzcie|Czy mogłaby|Wróćcie").all()
    assert not texts.str.contains("please help|mohon").any()


def test_polish_tickets_land_on_the_touchpoint_they_are_about(project: Project) -> None:
    rows = [
        {
            "timestamp": "2026-09-01 08:00:00",
            "channel": "Messenger",
            "category": category,
            "text": text,
            "want": tp,
        }
        for tp, (category, _, pool) in TICKETS_PL.items()
        for text in pool
    ]
    frame = pd.DataFrame(rows)
    frame.insert(0, "ticket_id", [f"T{i:03d}" for i in range(len(frame))])
    placed = load_tickets(frame.drop(columns="want"), project, lang="pl")
    wrong = [
        (w, got, text)
        for w, got, text in zip(frame["want"], placed["touchpoint"], frame["text"])
        if (w or "") != (got or "")
    ]
    assert not wrong
