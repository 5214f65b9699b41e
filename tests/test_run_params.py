"""Params files and --only: every wrong key or value is named with its file."""

from __future__ import annotations

from pathlib import Path

import pytest

from cjm_helpers.errors import DataError
from cjm_helpers.run import RunParams, load_params, parse_only
from cjm_helpers.run.focus import focus_project


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "run.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_full_params_file(tmp_path):
    (tmp_path / "data").mkdir()
    params = load_params(
        write(
            tmp_path,
            (
                "language: id\nevents_file: data/events.csv\nsurvey_file: ''\nonly: [7, 3]\n"
                "for_each: persona\njobs: 2\nshow_code: true\nparameters:\n  outlet: blok-m\n  days: 30\n"
            ),
        )
    )
    assert params.language == "id"
    assert params.events_file == str((tmp_path / "data" / "events.csv").resolve())
    assert params.survey_file == ""
    assert params.only == (3, 7)
    assert (params.for_each, params.jobs, params.show_code) == ("persona", 2, True)
    assert params.parameters == {"outlet": "blok-m", "days": 30}


def test_empty_file_gives_defaults(tmp_path):
    assert load_params(write(tmp_path, "")) == RunParams()


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("langauge: id\n", "langauge"),
        ("language: fr\n", "language"),
        ("jobs: two\n", "jobs"),
        ("jobs: 0\n", "jobs"),
        ("show_code: yes please\n", "show_code"),
        ("only: [3, 12]\n", "only"),
        ("only: true\n", "only"),
        ("for_each: outlet\n", "for_each"),
        ("events_file: 3\n", "events_file"),
        ("parameters: [a, b]\n", "parameters"),
        ("parameters:\n  bad name: 1\n", "bad name"),
        ("parameters:\n  x: [1, 2]\n", "parameters.x"),
    ],
)
def test_wrong_keys_and_types_name_the_file_and_key(tmp_path, text, key):
    path = write(tmp_path, text)
    with pytest.raises(DataError) as info:
        load_params(path)
    message = str(info.value)
    assert str(path) in message
    assert key in message


def test_not_a_mapping_and_not_yaml(tmp_path):
    with pytest.raises(DataError, match="must be a mapping"):
        load_params(write(tmp_path, "- language\n- id\n"))
    with pytest.raises(DataError, match=r"run.yaml: line \d"):
        load_params(write(tmp_path, "language: [id\n"))
    with pytest.raises(DataError, match="no such params file"):
        load_params(tmp_path / "missing.yaml")


def test_unsafe_yaml_is_refused(tmp_path):
    with pytest.raises(DataError):
        load_params(write(tmp_path, "language: !!python/object/apply:os.system ['echo hi']\n"))


def test_parse_only():
    assert parse_only("7, 3,3") == (3, 7)
    assert parse_only([0, 8]) == (0, 8)
    for bad in ("3,x", "9", "-1", "1.5"):
        with pytest.raises(DataError, match="step number"):
            parse_only(bad)


def test_merged_keeps_values_not_overridden():
    base = RunParams(language="id", jobs=3)
    merged = base.merged(language=None, jobs=2, events_file="")
    assert (merged.language, merged.jobs, merged.events_file) == ("id", 2, "")


def test_focus_on_persona_keeps_everything_and_reorders(sample_project):
    dimas = sample_project.personas[1]
    focused = focus_project(sample_project, "persona", dimas.id)
    assert [tp.persona for tp in focused.target_personas if tp.primary] == [dimas.id]
    assert focused.primary_persona().id == dimas.id
    assert len(focused.journeys) == len(sample_project.journeys)
    rina = sample_project.personas[0]
    focused = focus_project(sample_project, "persona", rina.id)
    assert focused.journey().persona == rina.id


def test_focus_on_journey_makes_it_the_default(sample_project):
    last = sample_project.journeys[-1]
    focused = focus_project(sample_project, "journey", last.id)
    assert focused.journey().id == last.id
    assert {j.id for j in focused.journeys} == {j.id for j in sample_project.journeys}


def test_focus_on_unknown_persona_is_a_clear_error(sample_project):
    from cjm_helpers.errors import CJMError

    with pytest.raises(CJMError, match="no persona with id 'nobody'"):
        focus_project(sample_project, "persona", "nobody")
