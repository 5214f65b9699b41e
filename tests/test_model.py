"""The project model: valid projects load, every kind of mistake is named with its path."""

from __future__ import annotations

import copy

import pytest
from helpers import FILLED_LANES

from cjm_helpers.errors import ProjectInvalid
from cjm_helpers.model import DEFAULT_LANES, Journey, Project
from cjm_helpers.store import project_to_data
from cjm_helpers.validation import validate_project


@pytest.fixture
def data(sample_project: Project) -> dict:
    return copy.deepcopy(project_to_data(sample_project))


def problems_of(data: dict) -> list[str]:
    with pytest.raises(ProjectInvalid) as info:
        validate_project(data, "p.yaml")
    return [str(p) for p in info.value.problems]


def test_sample_project_is_complete(sample_project: Project) -> None:
    assert len(sample_project.personas) == 2
    assert {j.map_type for j in sample_project.journeys} == {"current_state", "future_state"}
    current = sample_project.journey("rina-current")
    for stage in sample_project.stage_ids():
        cell = current.cell(stage)
        for lane in FILLED_LANES:
            assert getattr(cell, lane), f"sample leaves {stage}.{lane} empty"
        assert cell.emotion is not None
    for part in ("resources", "walkthrough", "kpis", "opportunities", "actions"):
        assert getattr(sample_project, part), part


def test_minimal_project_gets_default_stages() -> None:
    project = validate_project({"name": "Warung"})
    assert project.stage_ids() == [
        "awareness",
        "consideration",
        "purchase",
        "retention",
        "advocacy",
    ]


def test_dangling_touchpoint_names_path_and_known_ids(data: dict) -> None:
    data["journeys"][0]["stages"]["purchase"]["touchpoints"][2] = "tp-9"
    (message,) = problems_of(data)
    assert message.startswith(
        "journeys[0].stages.purchase.touchpoints[2]: 'tp-9' is not a touchpoint"
    )
    assert "tp-instagram-ad" in message and "known:" in message


def test_all_problems_reported_at_once(data: dict) -> None:
    data["touchpoints"][0]["stage"] = "nowhere"
    data["journeys"][1]["persona"] = "ghost"
    data["opportunities"][0]["kpis"] = ["kpi-nope"]
    data["actions"][0]["opportunity"] = "opp-nope"
    messages = problems_of(data)
    assert len(messages) == 4
    paths = [m.split(":")[0] for m in messages]
    assert paths == [
        "touchpoints[0].stage",
        "journeys[1].persona",
        "opportunities[0].kpis[0]",
        "actions[0].opportunity",
    ]


def test_structural_errors_all_at_once(data: dict) -> None:
    data["personas"][0]["share_of_customers"] = 1.5
    data["journeys"][0]["stages"]["purchase"]["emotion"] = 5
    data["touchpoints"][1]["visibility"] = "sideways"
    data["personas"][1]["nmae"] = "typo"
    messages = problems_of(data)
    assert "personas[0].share_of_customers: is 1.5; it must be at most 1.0" in messages
    # an emotion is checked against the project's scale once the structure is sound
    assert not any("emotion" in m for m in messages)
    data["personas"][0]["share_of_customers"] = 0.5
    data["touchpoints"][1]["visibility"] = "backstage"
    del data["personas"][1]["nmae"]
    assert problems_of(data) == [
        "journeys[0].stages.purchase.emotion: is 5; it must be at most 2"
        " (for a -3..+3 scale, set emotion_scale: 3)"
    ]
    assert any(
        m.startswith("touchpoints[1].visibility: is 'sideways'; use one of") for m in messages
    )
    assert "personas[1].nmae: is not a known field; check its spelling or remove it" in messages


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d.pop("name"), "name: is required but missing; add it"),
        (
            lambda d: d["personas"][0].update(id="Rina Q"),
            "personas[0].id: 'Rina Q' is not a valid id",
        ),
        (
            lambda d: d["personas"][0].update(evidence="rumour"),
            "personas[0].evidence: is 'rumour'; use one of",
        ),
        (
            lambda d: d["objectives"].update(next_review="soon"),
            "objectives.next_review: is 'soon'; write a date",
        ),
        (
            lambda d: d["walkthrough"][0].update(minutes=-3),
            "walkthrough[0].minutes: is -3; it must be at least 0",
        ),
        (
            lambda d: d["opportunities"][0].update(impact="high"),
            "opportunities[0].impact: is 'high'; use a whole number",
        ),
        (lambda d: d.update(personas={"rina": {}}), "personas: is dict; it must be a list"),
        (
            lambda d: d["touchpoints"].append(dict(d["touchpoints"][0])),
            "touchpoints: the touchpoint id 'tp-instagram-ad' is used 2 times",
        ),
        (
            lambda d: d["target_personas"][1].update(primary=True),
            "target_personas: more than one persona is marked primary",
        ),
        (
            lambda d: d["journeys"][1].update(compares_to="old"),
            "journeys[1].compares_to: 'old' is not a journey",
        ),
        (
            lambda d: d["journeys"][0]["stages"].update(checkout={}),
            "journeys[0].stages.checkout: 'checkout' is not a stage",
        ),
        (
            lambda d: d["opportunities"][0]["pain_points"].append("pp-x"),
            "opportunities[0].pain_points[2]: 'pp-x' is not a pain point",
        ),
        (
            lambda d: d["resources"][0].update(touchpoint="tp-x"),
            "resources[0].touchpoint: 'tp-x' is not a touchpoint",
        ),
        (
            lambda d: d["walkthrough"][0].update(stage="s"),
            "walkthrough[0].stage: 's' is not a stage",
        ),
        (lambda d: d["kpis"][0].update(stage="s"), "kpis[0].stage: 's' is not a stage"),
    ],
)
def test_each_kind_of_error_has_its_message(data: dict, edit, expected: str) -> None:
    edit(data)
    messages = problems_of(data)
    assert any(m.startswith(expected) for m in messages), messages


def test_top_level_must_be_a_mapping() -> None:
    with pytest.raises(ProjectInvalid, match="top level must be a mapping"):
        validate_project(["a", "list"])


def test_lanes_default_per_map_type() -> None:
    for map_type, lanes in DEFAULT_LANES.items():
        journey = Journey(id="j", name="J", persona="p", map_type=map_type)
        assert journey.chosen_lanes() == lanes
    assert "internal_process" in DEFAULT_LANES["service_blueprint"]
    assert "internal_process" not in DEFAULT_LANES["current_state"]
    custom = Journey(id="j", name="J", persona="p", lanes=["emotions", "actions"])
    assert custom.chosen_lanes() == ("emotions", "actions")


def test_assignment_is_validated(sample_project: Project) -> None:
    persona = sample_project.personas[0].model_copy()
    with pytest.raises(ValueError):
        persona.share_of_customers = 3


def test_opportunity_rice_and_target_total(sample_project: Project) -> None:
    opp = sample_project.opportunities[0]
    assert opp.rice == pytest.approx(opp.reach * opp.impact * opp.confidence / opp.effort)
    assert sample_project.target_personas[0].total == 14
    assert sample_project.primary_persona().id == "rina"


# --- the data section: which files, and how to read them ------------------------------------


def test_data_section_says_how_to_read_the_files(data: dict) -> None:
    from cjm_helpers.reading import from_project
    from cjm_helpers.store import project_to_yaml

    data["data"].update(
        columns={"uid": "user_id", "when": "timestamp"},
        delimiter=";",
        dedupe=True,
        conversion_events=["payment_success", "order_paid"],
        date_format="day-first",
    )
    project = validate_project(data)
    options = from_project(project.data).event_kwargs()
    assert options == {
        "columns": {"uid": "user_id", "when": "timestamp"},
        "delimiter": ";",
        "conversion_events": ["payment_success", "order_paid"],
        "dedupe": True,
        "date_format": "day-first",
    }
    assert "\n  delimiter: ;\n  conversion_events:\n" in project_to_yaml(project)
    assert validate_project(project_to_data(project)) == project  # saved and loaded back unchanged
    ga4 = validate_project({**data, "data": {"columns": "ga4"}})
    assert from_project(ga4.data).event_kwargs()["columns"]["user_pseudo_id"] == "user_id"


def test_an_unset_data_section_adds_nothing_to_a_saved_file(sample_project: Project) -> None:
    from cjm_helpers.store import project_to_data

    # the sample sets its files and the two periods its report compares; nothing else is written
    assert set(project_to_data(sample_project)["data"]) == {
        "events",
        "survey",
        "tickets",
        "periods",
    }


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        (
            {"columns": "bigquery"},
            "data.columns: is 'bigquery'; write 'ga4' or lines like 'their_column: user_id'",
        ),
        ({"columns": {"uid": 3}}, "data.columns: is {'uid': 3}; write 'ga4' or lines like"),
        ({"delimiter": ";;"}, "data.delimiter: is longer than 1 characters"),
        (
            {"conversion_events": "payment_success"},
            "data.conversion_events: is str; it must be a list",
        ),
        ({"conversion_events": [""]}, "data.conversion_events[0]: is empty"),
        (
            {"date_format": "DD/MM/YYYY"},
            "data.date_format: is 'DD/MM/YYYY'; use 'day-first', 'month-first' or a pattern",
        ),
        ({"dedupe": "sometimes"}, "data.dedupe: is 'sometimes'"),
        ({"engine": "duckdb"}, "data.engine: is not a known field"),
    ],
)
def test_each_data_section_mistake_is_named(data: dict, section: dict, expected: str) -> None:
    data["data"].update(section)
    messages = problems_of(data)
    assert any(m.startswith(expected) for m in messages), messages


def test_a_persona_names_its_survey_segment(data: dict) -> None:
    data["personas"][0]["segment"] = "Commuting office worker"
    assert validate_project(data).persona("rina").segment == "Commuting office worker"
    data["personas"][0]["segment"] = ["a", "list"]
    assert any(m.startswith("personas[0].segment: is") for m in problems_of(data))
