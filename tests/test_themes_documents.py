"""Survey answers and tickets become documents alike: reference, text, stage and touchpoint."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from cjm_helpers.errors import DataError
from cjm_helpers.overlay.themes import feedback_documents

SURVEY = pd.DataFrame(
    {"respondent_id": ["R1"], "touchpoint": ["app"], "comment": ["Slow  app"], "emotion": [-1]}
)
TICKETS = pd.DataFrame(
    {
        "ticket_id": ["T1"],
        "text": [" Saldo\nkepotong "],
        "stage": ["purchase"],
        "stage_name": ["Purchase"],
        "touchpoint_name": ["Payment"],
    }
)


def test_documents_without_a_project_keep_the_names_the_tables_give() -> None:
    docs = feedback_documents(SURVEY, TICKETS)
    assert docs[["source", "ref", "text"]].to_numpy().tolist() == [
        ["survey", "R1", "Slow app"],
        ["ticket", "T1", "Saldo kepotong"],
    ]
    # the survey has no stage column: a blank stage; the ticket brings its own names
    assert docs["stage"].tolist() == ["", "purchase"]
    assert docs["stage_name"].tolist() == ["", "Purchase"]
    assert docs["touchpoint_name"].tolist() == ["app", "Payment"]
    assert docs["score"].iloc[0] == -1 and math.isnan(docs["score"].iloc[1])
    assert docs["when"].isna().all()


def test_a_ticket_table_without_text_names_itself_or_tickets() -> None:
    no_text = TICKETS.drop(columns="text")
    with pytest.raises(DataError, match=r"tickets.*'text'"):
        feedback_documents(None, no_text)
    no_text.attrs["source"] = "helpdesk.csv"
    with pytest.raises(DataError, match=r"helpdesk\.csv.*'text'"):
        feedback_documents(None, no_text)
