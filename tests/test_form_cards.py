"""The filled-in cards static pages show name parts and write numbers for the reader."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cjm_helpers.forms import step_form
from cjm_helpers.i18n import format_number, format_percent
from cjm_helpers.paths import SAMPLE_PROJECT
from cjm_helpers.store import ProjectStore, load_project


@pytest.fixture
def store(tmp_path: Path) -> ProjectStore:
    shutil.copy(SAMPLE_PROJECT, tmp_path / "p.cjm.yaml")
    return ProjectStore(tmp_path / "p.cjm.yaml")


@pytest.mark.parametrize("lang", ["en", "id", "pl"])
def test_persona_numbers_read_as_a_share_and_a_grouped_amount(store, lang: str) -> None:
    persona = load_project(store.path).personas[0]
    card = step_form(2, store, lang=lang).card_html()
    assert persona.share_of_customers is not None and persona.value is not None
    assert format_percent(persona.share_of_customers, lang, 0) in card
    assert format_number(persona.value, lang, digits=2) in card
    assert f">{persona.share_of_customers}<" not in card


def test_cards_name_touchpoints_stages_and_pain_points_not_their_ids(store) -> None:
    project = load_project(store.path)
    entry = project.walkthrough[0]
    walkthrough = step_form(7, store).card_html()
    stage = next(s for s in project.stages if s.id == entry.stage)
    assert f"<dd>{stage.name}</dd>" in walkthrough and f"<dd>{entry.stage}</dd>" not in walkthrough
    if entry.touchpoint:
        assert f"<dd>{entry.touchpoint}</dd>" not in walkthrough
    pain_ids = [p.id for j in project.journeys for c in j.stages.values() for p in c.pain_points]
    assert pain_ids
    cells = step_form(5, store).card_html()
    assert not [i for i in pain_ids if f"({i})" in cells]
