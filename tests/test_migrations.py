"""Older project files load: each schema migration and the version checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from cjm_helpers.errors import ProjectInvalid
from cjm_helpers.migrations import migrate
from cjm_helpers.model import SCHEMA_VERSION
from cjm_helpers.store import load_project

V1_PROJECT = """\
schema_version: 1
name: Toko Batik Sari
stages: [Awareness, Pertimbangan, Pembelian Ulang]
personas:
  - {id: ibu-ani, name: Ibu Ani}
touchpoints:
  - {id: tp-ig, name: Instagram, stage: awareness, frontstage: true}
  - {id: tp-gudang, name: Gudang, stage: pembelian-ulang, frontstage: false}
journeys:
  - id: ani-now
    name: Ibu Ani membeli batik
    persona: ibu-ani
    stages:
      - stage: Awareness
        actions: [Melihat iklan]
        touchpoints: [tp-ig]
        emotion: 1
      - stage: Pembelian Ulang
        pain_points: [Ongkir mahal]
"""


def test_version_1_file_loads_as_current(tmp_path: Path) -> None:
    path = tmp_path / "old.cjm.yaml"
    path.write_text(V1_PROJECT, encoding="utf-8")
    project = load_project(path)
    assert project.schema_version == SCHEMA_VERSION
    assert project.stage_ids() == ["awareness", "pertimbangan", "pembelian-ulang"]
    assert [t.visibility for t in project.touchpoints] == ["frontstage", "backstage"]
    journey = project.journey("ani-now")
    assert journey.cell("awareness").actions[0].text == "Melihat iklan"
    assert journey.cell("awareness").actions[0].evidence == "assumed"
    assert journey.cell("pembelian-ulang").pain_points[0].id == "ani-now-ongkir-mahal"


def test_current_version_is_left_alone() -> None:
    data = {"schema_version": SCHEMA_VERSION, "name": "x", "stages": [{"id": "a", "name": "A"}]}
    assert migrate(dict(data)) == data


@pytest.mark.parametrize(
    ("version", "message"),
    [
        (99, "newer than this version of cjm understands"),
        (0, "the oldest known is 1"),
        ("two", "must be a whole number"),
    ],
)
def test_unknown_versions_are_refused(version: object, message: str) -> None:
    with pytest.raises(ProjectInvalid, match=message):
        migrate({"schema_version": version, "name": "x"}, "p.yaml")


def test_stage_names_become_ids_with_polish_letters_and_empties() -> None:
    data = migrate(
        {"schema_version": 1, "name": "x", "stages": ["Pembelian Ulang", "Zażółć gęślą", "???"]}
    )
    assert [s["id"] for s in data["stages"]] == ["pembelian-ulang", "zazolc-gesla", "stage-3"]


OLD_V2 = """\
schema_version: 2
name: Kedai Kopi Sore
stages:
  - id: awareness
    name: Awareness
  - id: purchase
    name: Purchase
personas:
  - evidence: assumed
    id: budi
    name: Budi
touchpoints:
  - evidence: observed
    id: tp-app
    name: App
    stage: purchase
journeys:
  - id: budi-now
    name: Budi orders
    persona: budi
    map_type: day_in_the_life
    stages:
      purchase:
        actions:
          - evidence: observed
            text: Orders in the app
        touchpoints:
          - tp-app
        emotion: -2
"""


def test_a_version_2_file_from_before_the_map_fields_loads_and_saves_as_before(
    tmp_path: Path,
) -> None:
    from cjm_helpers.store import project_to_yaml

    path = tmp_path / "old.cjm.yaml"
    path.write_text(OLD_V2, encoding="utf-8")
    project = load_project(path)
    stage = project.stages[1]
    assert (stage.phase, stage.time_span, stage.clock) == (None, "", "")
    journey = project.journeys[0]
    assert journey.stages_shown == [] and journey.touchpoint_changes == []
    cell = journey.stages["purchase"]
    assert cell.actions[0].emotion is None and cell.stage_emotion() == -2
    assert cell.activities == [] and project.top_emotion == 2
    saved = project_to_yaml(project)
    for key in ("phase", "time_span", "clock", "stages_shown", "touchpoint_changes"):
        assert f"{key}:" not in saved
    assert "emotion_scale" not in saved and "activities" not in saved
    assert "emotion: -2\n" in saved  # a whole number stays whole, not -2.0
    again = tmp_path / "again.cjm.yaml"
    again.write_text(saved, encoding="utf-8")
    assert load_project(again) == project


def test_version_1_notes_become_actions_without_an_emotion_of_their_own(tmp_path: Path) -> None:
    path = tmp_path / "v1.yaml"
    path.write_text(V1_PROJECT, encoding="utf-8")
    cell = load_project(path).journeys[0].stages["awareness"]
    assert [(a.text, a.emotion) for a in cell.actions] == [("Melihat iklan", None)]
    assert cell.stage_emotion() == 1
