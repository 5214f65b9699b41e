"""The checks survey and ticket tables share: a column out of several, and cells every row needs."""

from __future__ import annotations

import pandas as pd
import pytest

from cjm_helpers.errors import DataError
from cjm_helpers.overlay import load_survey, load_tickets
from cjm_helpers.overlay.feedback_input import Problems, require_cells, require_one_of


def test_require_one_of_is_content_with_any_and_names_them_all_when_none() -> None:
    frame = pd.DataFrame({"respondent_id": ["r1"], "touchpoint": ["app"]})
    require_one_of(frame, "answers.csv", ["stage", "touchpoint"], "en")
    with pytest.raises(DataError) as info:
        require_one_of(frame, "answers.csv", ["emotion", "satisfaction"], "en")
    message = str(info.value)
    assert message.startswith("answers.csv: needs one of the columns emotion, satisfaction")
    assert "(found: respondent_id, touchpoint)" in message


def test_require_cells_reports_each_blank_row_as_a_person_counts_it() -> None:
    problems = Problems("answers.csv", from_file=True)
    require_cells(pd.Series(["r1", "", "r3", ""]), "respondent_id", problems, "an id")
    assert problems.count == 2
    assert [line.split(":")[0] for line in problems.lines] == [
        "answers.csv, row 3, column respondent_id",
        "answers.csv, row 5, column respondent_id",
    ]
    assert all("fill in an id" in line for line in problems.lines)


def test_survey_needs_a_stage_or_touchpoint_column_and_cell(tmp_path) -> None:  # type: ignore[no-untyped-def]
    no_place = tmp_path / "no_place.csv"
    no_place.write_text("respondent_id,emotion\nr1,1\n", encoding="utf-8")
    with pytest.raises(DataError, match="needs one of the columns stage, touchpoint"):
        load_survey(no_place)
    blanks = tmp_path / "blanks.csv"
    blanks.write_text(
        "respondent_id,stage,touchpoint,emotion\nr1,awareness,,1\n,,,1\nr3,,app,0\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as info:
        load_survey(blanks)
    lines = str(info.value).splitlines()
    # row 3 lacks its respondent and its place; rows 2 and 4 have a stage or a touchpoint
    assert [line.split(":")[0] for line in lines] == [
        f"{blanks}, row 3, column respondent_id",
        f"{blanks}, row 3, column stage",
    ]


def test_tickets_need_text_in_every_row(tmp_path, sample_project) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "tickets.csv"
    path.write_text(
        "timestamp,channel,category,text\n2026-01-01 08:00,app,payment,antre lama\n"
        "2026-01-01 09:00,app,payment,\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as info:
        load_tickets(path, sample_project)
    assert str(info.value).startswith(f"{path}, row 3, column text: the cell is empty")
