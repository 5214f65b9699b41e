"""A clean Parquet log is checked from its statistics, without a pass over it; anything the statistics cannot
prove clean is read and refused as before, naming the line."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cjm_helpers.errors import DataError
from cjm_helpers.overlay import events as events_module
from cjm_helpers.overlay import load_events
from cjm_helpers.overlay.parquet_checks import may_hold_missing_word

MISSING = events_module.MISSING_TEXT


@pytest.mark.parametrize(
    ("smallest", "largest", "may"),
    [
        ("u0-0000000", "u1-0054452", False),  # ids after the letter n
        ("1001", "99999", False),  # digits sort before N and n
        ("ad_click", "tiktok_click", True),  # a to t passes n
        ("", "zebra", True),  # an empty cell
        ("Nadia", "Nadia", True),  # one name starting with N
        ("O", "m", False),  # between N and n, touching neither
        ("Mz", "N", True),  # reaches the letter N itself
        (None, "x", True),  # no statistics
    ],
)
def test_a_range_of_values_may_hold_a_missing_word_only_when_it_reaches_its_letter(
    smallest: str | None, largest: str | None, may: bool
) -> None:
    assert may_hold_missing_word(smallest, largest, MISSING) is may


def write(tmp_path, frame: pd.DataFrame, row_group_size: int = 4):  # type: ignore[no-untyped-def]
    path = tmp_path / "events.parquet"
    pq.write_table(
        pa.Table.from_pandas(frame, preserve_index=False), path, row_group_size=row_group_size
    )
    return path


def clean_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "user_id": [f"u{i % 4}" for i in range(12)],
            "session_id": [f"s{i % 5}" if i % 3 else None for i in range(12)],
            "timestamp": pd.date_range("2026-03-01", periods=12, freq="h").astype("datetime64[us]"),
            "event": ["app_open", "newsletter_open", "payment_success"] * 4,
        }
    )


def test_a_clean_parquet_log_is_checked_without_reading_its_rows(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, clean_frame())
    expected = load_events(path)  # the checks read the log
    scanned: list[object] = []
    monkeypatch.setattr(events_module, "_run_checks", lambda *a, **k: scanned.append(a))
    log = load_events(path)
    assert scanned == []
    assert log.has_sessions == expected.has_sessions is True
    assert log.event_names() == ["app_open", "newsletter_open", "payment_success"]
    assert log.count() == 12


@pytest.mark.parametrize(
    ("column", "value", "line"),
    [("user_id", "NULL", 7), ("user_id", None, 7), ("event", "none", 7), ("event", None, 7)],
)
def test_a_missing_cell_in_a_parquet_log_is_still_refused_with_its_line(
    tmp_path, column: str, value: object, line: int
) -> None:  # type: ignore[no-untyped-def]
    frame = clean_frame()
    frame[column] = frame[column].astype(object)
    frame.loc[5, column] = value
    path = write(tmp_path, frame)
    with pytest.raises(DataError) as raised:
        load_events(path)
    assert f"line {line}" in str(raised.value) and column in str(raised.value)


def test_sessions_that_are_all_missing_words_mean_no_sessions(tmp_path) -> None:  # type: ignore[no-untyped-def]
    frame = clean_frame().assign(session_id="null")
    assert load_events(write(tmp_path, frame)).has_sessions is False


@pytest.mark.parametrize("word", ["NULL", "none", "nan", ""])
def test_optional_columns_read_as_they_are_only_when_no_value_can_be_a_missing_word(
    tmp_path, word: str
) -> None:  # type: ignore[no-untyped-def]
    import ibis

    clean = clean_frame().assign(channel=["app", "email", "chat"] * 4)
    sql = ibis.to_sql(load_events(write(tmp_path, clean)).table)
    assert "CASE" not in sql  # sessions from s, channels from a to e: no value tested
    sessions = load_events(write(tmp_path, clean)).table.select("session_id").execute()
    assert sessions["session_id"].isna().sum() == 4  # the file's nulls stay nulls

    dirty = clean.copy()
    dirty.loc[[2, 9], "channel"] = word
    dirty.loc[4, "session_id"] = word
    read = load_events(write(tmp_path, dirty)).table.select("seq", "session_id", "channel")
    rows = read.execute().set_index("seq")
    assert rows.loc[[2, 9], "channel"].isna().all()  # still read as missing
    assert pd.isna(rows.loc[4, "session_id"])
    assert rows["channel"].notna().sum() == 10
