"""Property-based round trips: whatever a valid project holds, save then load gives it back."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjm_helpers.model import (
    EVIDENCE_LEVELS,
    MAP_TYPES,
    Journey,
    Note,
    PainPoint,
    Persona,
    Project,
    StageCell,
    Touchpoint,
    WalkthroughEntry,
)
from cjm_helpers.store import project_from_text, project_to_yaml

text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
words = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=30)
ids = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,10}", fullmatch=True)
evidence = st.sampled_from(EVIDENCE_LEVELS)


@st.composite
def projects(draw: st.DrawFn) -> Project:
    stage_ids = ["awareness", "consideration", "purchase", "retention", "advocacy"]
    persona_ids = draw(st.lists(ids, min_size=1, max_size=3, unique=True))
    personas = [
        Persona(
            id=i,
            name=draw(words),
            quote=draw(text),
            goals=draw(st.lists(text, max_size=3)),
            evidence=draw(evidence),
            share_of_customers=draw(st.none() | st.floats(0, 1, allow_nan=False)),
            value=draw(st.none() | st.floats(0, 1e12, allow_nan=False)),
        )
        for i in persona_ids
    ]
    tp_ids = draw(st.lists(ids, max_size=5, unique=True))
    touchpoints = [
        Touchpoint(
            id=i,
            name=draw(words),
            stage=draw(st.sampled_from(stage_ids)),
            channel=draw(text),
            events=draw(st.lists(words, max_size=2)),
            evidence=draw(evidence),
        )
        for i in tp_ids
    ]
    pp_counter = iter(range(10_000))
    cells = {}
    for stage in draw(st.lists(st.sampled_from(stage_ids), unique=True)):
        cells[stage] = StageCell(
            actions=[
                Note(text=t, evidence=draw(evidence)) for t in draw(st.lists(words, max_size=2))
            ],
            touchpoints=draw(st.lists(st.sampled_from(tp_ids), max_size=3)) if tp_ids else [],
            emotion=draw(st.none() | st.integers(-2, 2)),
            pain_points=[
                PainPoint(id=f"pp-{next(pp_counter)}", text=t)
                for t in draw(st.lists(words, max_size=2))
            ],
        )
    journey = Journey(
        id="j1",
        name=draw(words),
        persona=persona_ids[0],
        map_type=draw(st.sampled_from(MAP_TYPES)),
        stages=cells,
    )
    walk = [
        WalkthroughEntry(
            when=draw(st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2100, 1, 1))),
            stage=draw(st.sampled_from(stage_ids)),
            minutes=draw(st.floats(0, 600)),
            emotion=draw(st.integers(-2, 2)),
            note=draw(text),
        )
        for _ in range(draw(st.integers(0, 2)))
    ]
    return Project(
        name=draw(words),
        description=draw(text),
        personas=personas,
        touchpoints=touchpoints,
        journeys=[journey],
        walkthrough=walk,
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(projects())
def test_save_then_load_gives_the_same_project_and_bytes(project: Project) -> None:
    text_once = project_to_yaml(project)
    loaded = project_from_text(text_once)
    assert loaded == project
    assert project_to_yaml(loaded) == text_once
