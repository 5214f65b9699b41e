"""The map as tables, data and Mermaid: cell table, XLSX, JSON, Mermaid journey."""

from __future__ import annotations

import csv
import io
import json
import re

import pandas as pd
import pytest
from openpyxl import load_workbook

from cjm_helpers.mapping.layout import build_layout
from cjm_helpers.mapping.mermaid import journey_mermaid, mermaid_text
from cjm_helpers.mapping.tabular import (
    emotion_cell,
    journey_data,
    journey_json,
    journey_table,
    journey_wide_table,
    journey_xlsx,
    neutralise,
    table_csv,
)
from cjm_helpers.model import Note, PainPoint
from cjm_helpers.store import project_from_text, project_to_yaml

HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2", "@SUM(A1)", "\tcmd", "\rcmd"]


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_cell_table_has_one_row_per_stage_and_lane(sample_project):
    frame = journey_table(sample_project, "rina-current")
    layout = build_layout(sample_project, "rina-current")
    assert len(frame) == len(layout.stages) * len(layout.lane_order)
    assert not frame.duplicated(["stage_id", "lane"]).any()
    assert frame["cards"].sum() == layout.card_count() + sum(
        p.score is not None for p in layout.emotions
    )
    purchase = frame[(frame.stage_id == "purchase") & (frame.lane == "pain_points")].iloc[0]
    cell = sample_project.journey("rina-current").stages["purchase"]
    assert purchase["text"].split("\n") == [p.text for p in cell.pain_points]
    assert purchase["refs"].split("\n") == [p.id for p in cell.pain_points]
    emotions = frame[frame.lane == "emotions"].set_index("stage_id")["emotion"]
    assert emotions["purchase"] == cell.emotion == -2


def test_neutralise_guards_every_formula_start():
    for text in HOSTILE:
        assert neutralise(text) == "'" + text
    assert neutralise("plain") == "plain" and neutralise(3) == 3
    assert emotion_cell(-2) == "\u22122" and emotion_cell(None) == "" and emotion_cell(0) == "0"


@pytest.fixture
def hostile_project(sample_project):
    project = sample_project.model_copy(deep=True)
    cell = project.journey("rina-current").stages["awareness"]
    cell.actions = [Note(text=h, evidence="observed") for h in HOSTILE]
    cell.pain_points = [PainPoint(id="pp-hostile", text="=1+1 <b>ą</b>")]
    project.stages[0].name = "=cmd|' /C calc'!A0"
    return project


def test_csv_cells_never_start_a_formula(hostile_project):
    rows = read_csv(table_csv(journey_table(hostile_project, "rina-current")))
    cells = [c for row in rows for c in row]
    for c in cells:
        for line in c.split("\n"):
            assert not line.startswith(("=", "+", "@", "\t", "\r")) or c.startswith("'"), c
    # only numbers (the emotion score) may start with a minus sign
    risky = [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert all(re.fullmatch(r"-\d+", c) for c in risky), risky
    assert "'=cmd|' /C calc'!A0" in cells


def test_xlsx_has_no_formula_cells_and_keeps_letters(hostile_project):
    book = load_workbook(io.BytesIO(journey_xlsx(hostile_project, "rina-current", lang="pl")))
    assert len(book.sheetnames) == 2
    values = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
                if isinstance(cell.value, str):
                    values.append(cell.value)
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), cell.value
    assert any("ą" in v for v in values)
    cells = pd.DataFrame(book.worksheets[1].values)
    assert len(cells) - 1 == len(journey_table(hostile_project, "rina-current"))


def test_json_is_the_journey_as_data_and_loads_back(sample_project):
    data = json.loads(journey_json(sample_project, "rina-future"))
    assert data["format"] == "cjm-journey" and data["journey"]["id"] == "rina-future"
    assert data["persona"]["id"] == sample_project.journey("rina-future").persona
    used = {
        tp for c in sample_project.journey("rina-future").stages.values() for tp in c.touchpoints
    }
    assert {tp["id"] for tp in data["touchpoints"]} == used
    assert [s["id"] for s in data["stages"]] == sample_project.stage_ids()
    assert data == journey_data(sample_project, "rina-future")


MERMAID_LINE = [
    re.compile(r"^journey$"),
    re.compile(r"^\s+title\s[^#\n;]+$"),
    re.compile(r"^\s+section\s[^#:\n;]+$"),
    re.compile(r"^\s+[^#:\n;%\s][^#:\n;]*:\s*[1-5]\s*:[^#:\n;]+$"),
]


def assert_mermaid_grammar(text: str) -> None:
    """Each line as Mermaid's journey lexer reads it: title, section or 'task: score: actors'."""
    lines = text.rstrip("\n").split("\n")
    assert lines[0] == "journey"
    for line in lines[1:]:
        assert any(p.match(line) for p in MERMAID_LINE[1:]), line
        assert "%%" not in line
        stripped = line.strip()
        if not stripped.startswith(("title ", "section ")):
            assert not re.match(r"(title|section|journey|acctitle|accdescr)\b", stripped, re.I), (
                line
            )


def test_mermaid_has_a_section_per_stage_and_scores_one_to_five(sample_project):
    text = journey_mermaid(sample_project, "rina-current")
    assert_mermaid_grammar(text)
    sections = [
        line.strip().removeprefix("section ") for line in text.splitlines() if "section " in line
    ]
    assert sections == [s.name for s in sample_project.stages]
    journey = sample_project.journey("rina-current")
    purchase_tasks = [
        line
        for line in text.split("section Purchase")[1].split("section")[0].splitlines()
        if line.strip()
    ]
    assert len(purchase_tasks) == len(journey.stages["purchase"].actions)
    assert all(": 1: Rina" in line for line in purchase_tasks)  # emotion -2 -> score 1


def test_mermaid_rewrites_hostile_text(sample_project):
    project = sample_project.model_copy(deep=True)
    cell = project.journey("rina-current").stages["awareness"]
    cell.actions = [
        Note(text=x)
        for x in [
            "section evil",
            "%% comment",
            "a: 5: b; c # d",
            "title x",
            "<script>alert(1)</script>",
            "journey",
        ]
    ]
    project.personas[0].name = "Zażółć: gęślą, jaźń"
    text = journey_mermaid(project, "rina-current")
    assert_mermaid_grammar(text)
    assert "<script>" not in text
    assert ": Zażółć - gęślą\n" in text  # the actor keeps its letters, up to the first comma
    assert mermaid_text("") == "…" and len(mermaid_text("x" * 500)) == 90


def test_wide_table_lists_lanes_as_rows_and_stages_as_columns(sample_project):
    wide = journey_wide_table(sample_project, "rina-current", lang="id")
    layout = build_layout(sample_project, "rina-current", "id")
    assert list(wide.columns[1:]) == [s.name for s in layout.stages]
    assert len(wide) == len(layout.lane_order)
    purchase = wide.iloc[layout.lane_order.index("emotions"), 3]
    assert purchase == "\u22122 [observed]"


def test_tables_survive_yaml_round_trip_of_polish_text(sample_project):
    project = project_from_text(project_to_yaml(sample_project))
    assert journey_table(project).equals(journey_table(sample_project))
