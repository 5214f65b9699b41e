"""The one date reader refuses a column that mixes zoned and unzoned times, for every input alike."""

from __future__ import annotations

import ibis
import pandas as pd
import pytest

from cjm_helpers.errors import DataError
from cjm_helpers.overlay import dates, load_events, load_tickets

CELLS = ["2026-01-01 08:00:00", "2026-01-01 09:00:00+07:00", "2026-01-01 10:00:00"]


def test_parse_text_itself_refuses_mixed_zones_naming_a_row_of_each() -> None:
    table = ibis.memtable(pd.DataFrame({"pos": range(3), "txt": CELLS}))
    with pytest.raises(DataError) as info:
        dates.parse_text(
            table,
            table.txt,
            table.pos,
            zoned_rows=1,
            rows=3,
            first_zoned=1,
            first_naive=0,
            date_format=None,
            row=lambda seq: f"row {seq + 2}",
            source="visits.csv",
            column_name="when",
        )
    message = str(info.value)
    assert "visits.csv" in message and "'when'" in message and "mixes time zones" in message
    assert "row 3 has a time zone, row 2 has none" in message


def test_parse_text_reads_a_column_where_every_cell_has_a_zone() -> None:
    table = ibis.memtable(pd.DataFrame({"pos": range(2), "txt": ["2026-01-01 08:00:00+07:00"] * 2}))
    ts = dates.parse_text(
        table,
        table.txt,
        table.pos,
        zoned_rows=2,
        rows=2,
        date_format=None,
        row=str,
        source="visits.csv",
        column_name="when",
    )
    out = table.select(ts=ts).execute()
    assert out["ts"].tolist() == [pd.Timestamp("2026-01-01 01:00:00")] * 2


def test_events_and_tickets_both_refuse_mixed_zones_naming_the_rows(
    tmp_path, sample_project
) -> None:  # type: ignore[no-untyped-def]
    events = tmp_path / "events.csv"
    events.write_text(
        "user_id,timestamp,event\n" + "".join(f"u,{cell},view\n" for cell in CELLS),
        encoding="utf-8",
    )
    tickets = tmp_path / "tickets.csv"
    tickets.write_text(
        "timestamp,channel,category,text\n" + "".join(f"{cell},app,x,antre\n" for cell in CELLS),
        encoding="utf-8",
    )
    with pytest.raises(DataError) as from_events:
        load_events(events)
    with pytest.raises(DataError) as from_tickets:
        load_tickets(tickets, sample_project)
    for info, name, row in (
        (from_events, "events.csv", "line"),
        (from_tickets, "tickets.csv", "row"),
    ):
        message = str(info.value)
        assert name in message and "mixes time zones" in message
        assert f"{row} 3 has a time zone, {row} 2 has none" in message
