"""Reading the wide map layout (stages as columns, lanes as rows) into a journey."""

from __future__ import annotations

from pathlib import Path

import pytest

from cjm_helpers.errors import DataError
from cjm_helpers.mapping.layout import build_layout
from cjm_helpers.mapping.tabular import journey_wide_table, layout_table, table_csv
from cjm_helpers.mapping.wide_import import column_letter, import_wide_csv, import_wide_rows
from cjm_helpers.model import Note, PainPoint, Project


def write(tmp_path: Path, text: str | bytes, name: str = "map.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


@pytest.mark.parametrize("journey_id", ["rina-current", "rina-future"])
@pytest.mark.parametrize("lang", ["en", "id", "pl"])
def test_our_wide_export_reads_back_unchanged(sample_project, tmp_path, journey_id, lang):
    path = write(tmp_path, table_csv(journey_wide_table(sample_project, journey_id, lang)))
    again = import_wide_csv(path, sample_project, journey_id, lang=lang)
    assert again.journey(journey_id) == sample_project.journey(journey_id)
    assert again.touchpoints == sample_project.touchpoints
    assert again.stages == sample_project.stages


def test_export_into_a_new_journey_draws_the_same_map(sample_project, tmp_path):
    path = write(tmp_path, table_csv(journey_wide_table(sample_project, "rina-current")))
    again = import_wide_csv(path, sample_project, "copy", name="Copy")
    before = layout_table(build_layout(sample_project, "rina-current")).drop(
        columns=["journey", "refs"]
    )
    after = layout_table(build_layout(again, "copy")).drop(columns=["journey", "refs"])
    assert before.equals(after)
    # pain point ids stay unique across journeys
    ids = [pp.id for j in again.journeys for c in j.stages.values() for pp in c.pain_points]
    assert len(ids) == len(set(ids))


def test_hostile_text_with_formula_guards_round_trips(sample_project, tmp_path):
    project = sample_project.model_copy(deep=True)
    cell = project.journey("rina-current").stages["awareness"]
    texts = [
        "=1+1",
        "-minus first",
        "@at",
        "+plus",
        "<script>alert(1)</script>",
        "Zażółć gęślą jaźń",
        "a [b] c",
    ]
    cell.actions = [Note(text=x, evidence="reported") for x in texts]
    cell.pain_points = [PainPoint(id="pp-x", text='=HYPERLINK("x")', evidence="observed")]
    path = write(tmp_path, table_csv(journey_wide_table(project, "rina-current")))
    again = import_wide_csv(path, project, "rina-current")
    assert again.journey("rina-current") == project.journey("rina-current")


def test_a_hand_made_sheet_becomes_a_journey_with_new_stages_and_touchpoints(sample_project):
    rows = [
        ["", "Awareness", "Kasir & antrean", "Purchase"],
        ["Actions", "Sees an ad [observed]\nAsks a friend", "Queues at the till", ""],
        ["touchpoints", "Instagram ad", "Counter queue", ""],
        ["Channels", "Instagram", "Outlet", ""],
        ["Emocje", "+1", "\u22122 [zgłoszone]", "-1.0"],
        ["Pain points", "", "Long queue", ""],
    ]
    project = import_wide_rows(rows, sample_project, source="sheet.csv")
    journey = project.journey("sheet")
    assert journey.name == "Journey from sheet" and journey.persona == "rina"
    assert project.stage_ids()[:3] == ["awareness", "kasir-antrean", "consideration"]
    aw = journey.stages["awareness"]
    assert [(n.text, n.evidence) for n in aw.actions] == [
        ("Sees an ad", "observed"),
        ("Asks a friend", "assumed"),
    ]
    assert aw.emotion == 1 and aw.emotion_evidence == "assumed"
    new = journey.stages["kasir-antrean"]
    assert new.emotion == -2 and new.emotion_evidence == "reported"
    queue = project.touchpoint(new.touchpoints[0])
    assert (
        queue.name == "Counter queue"
        and queue.stage == "kasir-antrean"
        and queue.channel == "Outlet"
    )
    assert new.pain_points[0].id == "pp-long-queue"
    assert journey.stages["purchase"].emotion == -1  # a spreadsheet's "-1.0"
    assert journey.stages["purchase"].actions == []  # an empty cell adds nothing
    assert journey.lanes == ["actions", "touchpoints", "channels", "emotions", "pain_points"]


def test_a_project_without_personas_gets_one(tmp_path):
    project = Project(name="Empty")
    done = import_wide_rows(
        [["Lane", "Awareness"], ["Actions", "Looks"]], project, "j", source="x.csv", lang="id"
    )
    assert done.persona(done.journey("j").persona).name == "Pelanggan"


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ("", "map.csv", "is empty"),
        ("Lane\n", "row 1", "one column per stage"),
        ("Lane,Awareness,,Purchase\nActions,a,,b\n", "row 1, column C", "has no name"),
        ("Lane,Awareness,Awareness\nActions,a,b\n", "row 1, column C", "appears twice"),
        ("Lane,Awareness\nActions,a,b\n", "row 2, column C", "right of the last stage"),
        ("Lane,Awareness\n,a\n", "row 2, column A", "first cell of this row is empty"),
        ("Lane,Awareness\nFeelings,a\n", "row 2, column A", "'Feelings' is not a lane"),
        ("Lane,Awareness\nActions,a\nActions,b\n", "row 3, column A", "already appeared in row 2"),
        ("Lane,Awareness\n\n", "row 2", "no lane rows"),
        (
            "Lane,Awareness,Purchase\nEmotions,1,very bad\n",
            "row 2, column C",
            "'very bad' is not an emotion",
        ),
        ("Lane,Awareness\nEmotions,3\n", "row 2, column B", "from -2"),
        ("Lane,Awareness\nEmotions,1.25\n", "row 2, column B", "'1.25' is not an emotion"),
        ("Lane,Awareness\nEmotions,-2.5\n", "row 2, column B", "'-2.5' is not an emotion"),
        ('Lane,Awareness\nActions,"unclosed\n', "map.csv", "not a readable CSV"),
        ("Lane,Awareness\nActions," + "x" * 2100 + "\n", "row 2, column B", "cannot be used"),
    ],
)
def test_bad_files_name_the_file_row_and_column(sample_project, tmp_path, text, where, what):
    path = write(tmp_path, text)
    with pytest.raises(DataError) as caught:
        import_wide_csv(path, sample_project, "j")
    message = str(caught.value)
    assert message.startswith(str(path)), message
    assert where in message and what in message, message


def test_non_utf8_and_missing_files_are_plain_errors(sample_project, tmp_path):
    path = write(tmp_path, "Lane,Awareness\nActions,caf\xe9\n".encode("latin-1"))
    with pytest.raises(DataError, match="row 2: is not UTF-8"):
        import_wide_csv(path, sample_project)
    with pytest.raises(DataError, match="no such file"):
        import_wide_csv(tmp_path / "nope.csv", sample_project)
    with pytest.raises(DataError, match="no persona 'ghost'"):
        import_wide_csv(
            write(tmp_path, "Lane,Awareness\nActions,a\n"), sample_project, persona="ghost"
        )


def test_errors_follow_the_language(sample_project, tmp_path):
    path = write(tmp_path, "Warstwa,Świadomość\nUczucia,a\n")
    with pytest.raises(DataError, match="wiersz 2, kolumna A: 'Uczucia' nie jest warstwą"):
        import_wide_csv(path, sample_project, lang="pl")


def test_semicolon_sheets_and_default_stage_names_in_other_languages(sample_project, tmp_path):
    path = write(
        tmp_path, "Warstwa;Świadomość;Purchase (pembelian)\nAksi pelanggan;Melihat iklan;Bayar\n"
    )
    project = import_wide_csv(path, sample_project, "id-map")
    assert set(project.journey("id-map").stages) == {"awareness", "purchase"}


def test_helpers():
    assert [column_letter(i) for i in (0, 25, 26, 27)] == ["A", "Z", "AA", "AB"]
