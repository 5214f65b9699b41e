"""No wrong numbers from real-world logs: zones, guessed conversions, duplicates, NULL ids, day-first dates.

Every expected figure is worked out by hand in the comments, or by an independent tool
(Python's zoneinfo for zone conversions).
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from cjm_helpers.errors import DataError
from cjm_helpers.overlay import funnel, gaps, kpis, load_events, load_tickets, transitions
from cjm_helpers.overlay.events import resolve_backend


def write(tmp_path, text: str, name: str = "events.csv"):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def utc_of(log) -> list[dt.datetime]:  # type: ignore[no-untyped-def]
    frame = log.table.order_by("seq").execute()
    return [pd.Timestamp(v).to_pydatetime() for v in frame["ts"]]


# --- named time zones --------------------------------------------------------------------------


def test_named_zones_are_converted_so_events_sort_in_true_order(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # u1 views at 10:00 CET (09:00 UTC), then carts at 01:30 PST (09:30 UTC): in order.
    # u2 views at 09:10 UTC, then carts at 11:00 Europe/Warsaw (10:00 UTC, winter): in order.
    # Dropping the zones would put u1's cart (01:30) before the view: a closed funnel of [2, 1].
    path = write(
        tmp_path,
        "user_id,timestamp,event\n"
        "u1,2024-03-10 10:00:00 CET,view\n"
        "u1,2024-03-10 01:30:00 PST,cart\n"
        "u2,2024-03-10 09:10:00 UTC,view\n"
        "u2,2024-03-10 11:00:00 Europe/Warsaw,cart\n",
    )
    log = load_events(path)
    assert utc_of(log) == [
        dt.datetime(2024, 3, 10, 9, 0),
        dt.datetime(2024, 3, 10, 9, 30),
        dt.datetime(2024, 3, 10, 9, 10),
        dt.datetime(2024, 3, 10, 10, 0),
    ]
    assert funnel(log, steps=["view", "cart"])["users_closed"].tolist() == [2, 2]


WARSAW_TIMES = [
    "2024-01-15 12:00:00",
    "2024-07-01 12:00:00",  # winter +01:00, summer +02:00
    "2024-03-31 01:59:00",
    "2024-03-31 03:00:00",
    "2024-03-31 03:30:00",  # around the spring change
    "2024-10-27 01:59:00",
    "2024-10-27 03:00:00",
    "2024-10-27 12:00:00",  # around the autumn change
    "2023-12-31 23:59:59.250",
    "2025-06-30 00:00:00",
]


def test_iana_zone_follows_summer_time_like_zoneinfo(tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = "user_id,timestamp,event\n" + "".join(
        f"u{i},{v} Europe/Warsaw,view\n" for i, v in enumerate(WARSAW_TIMES)
    )
    log = load_events(write(tmp_path, text))
    warsaw = ZoneInfo("Europe/Warsaw")
    expected = [
        dt.datetime.fromisoformat(v).replace(tzinfo=warsaw).astimezone(dt.UTC).replace(tzinfo=None)
        for v in WARSAW_TIMES
    ]
    assert utc_of(log) == expected


@pytest.mark.parametrize(
    ("zone", "words"),
    [
        ("CST", ["line 2", "'CST' can mean several zones", "US Central", "China", "offset"]),
        ("XYZ", ["line 2", "'XYZ' is not known", "Europe/Warsaw"]),
        ("Mars/Olympus", ["line 2", "'Mars/Olympus' is not known"]),
        ("+25:00", ["line 2", "'+25:00' is not a real time-zone offset"]),
    ],
)
def test_unusable_zones_are_refused_not_dropped(tmp_path, zone: str, words: list[str]) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, f"user_id,timestamp,event\nu1,2024-03-10 10:00:00 {zone},view\n")
    with pytest.raises(DataError) as info:
        load_events(path)
    message = str(info.value)
    assert str(path) in message
    for word in words:
        assert word in message


def test_offsets_and_names_together_are_one_kind_of_zoned_time(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write(
        tmp_path,
        "user_id,timestamp,event\nu1,2024-03-10T10:00:00+07:00,view\n"
        "u1,2024-03-10 04:00:00 CET,cart\nu1,2024-03-10T03:30:00Z,pay\n",
    )
    assert utc_of(load_events(path)) == [
        dt.datetime(2024, 3, 10, 3, 0),
        dt.datetime(2024, 3, 10, 3, 0),
        dt.datetime(2024, 3, 10, 3, 30),
    ]


# --- gaps without a conversion -----------------------------------------------------------------


def test_gaps_on_a_log_without_any_conversion_event() -> None:
    # u1: Mobile -> Desktop, u2: Mobile -> Mobile; nobody converts, so each last step is a drop-off
    frame = pd.DataFrame(
        {
            "user_id": ["u1", "u1", "u2", "u2"],
            "event": ["view", "menu", "view", "menu"],
            "timestamp": ["2026-01-01 08:00:00", "2026-01-01 08:01:00"] * 2,
            "device": ["Mobile", "Desktop", "Mobile", "Mobile"],
        }
    )
    log = load_events(frame)
    assert log.conversion_events == ()
    result = gaps(log).set_index(["kind", "switched"])
    assert result.loc[("device", True), ["steps", "drop_offs"]].tolist() == [1, 1]
    assert result.loc[("device", False), ["steps", "drop_offs"]].tolist() == [1, 1]


# --- conversions named, guessed only as a reported fallback ------------------------------------

# Like retentioneering's ecom log: payment_details and payment_error are steps on the way,
# payment_done the purchase; checkout_bug is an error, not a checkout.
ECOM = [
    ("a", "catalog"),
    ("a", "checkout_start"),
    ("a", "payment_details"),
    ("a", "payment_done"),
    ("b", "catalog"),
    ("b", "checkout_start"),
    ("b", "payment_details"),
    ("b", "payment_error"),
    ("c", "catalog"),
    ("c", "checkout_bug"),
    ("d", "catalog"),
    ("d", "payment_details"),
    ("d", "payment_done"),
]


def ecom_log(**kwargs):  # type: ignore[no-untyped-def]
    frame = pd.DataFrame(
        [(u, f"2026-01-01 08:{i:02d}:00", e) for i, (u, e) in enumerate(ECOM)],
        columns=["user_id", "timestamp", "event"],
    )
    return load_events(frame, **kwargs)


def test_guessed_conversions_leave_out_details_and_errors_and_are_reported() -> None:
    log = ecom_log()
    assert log.conversion_events == ("payment_done",)
    assert log.conversion_guessed == ("payment_done",)
    assert any("payment_done" in note and "guessed" in note for note in log.notes())
    result = kpis(log).set_index("kpi")
    # conversions: a and d of 4 users = 0.5 (not 0.75 with payment_details and payment_error counted)
    assert result.loc["conversion_rate", "value"] == pytest.approx(0.5)
    assert bool(result.loc["conversion_rate", "guessed"]) is True
    # checkout: a and b started (checkout_bug is not a checkout); b did not pay: 1 of 2 abandoned
    assert result.loc["checkout_abandonment", ["numerator", "denominator"]].tolist() == [1.0, 2.0]
    assert "checkout_bug" not in result.loc["checkout_abandonment", "events"]


def test_named_conversions_win_and_are_not_called_guesses() -> None:
    log = ecom_log(conversion_events=["payment_details"])
    assert log.conversion_events == ("payment_details",)
    assert log.conversion_guessed == ()
    assert not any("guessed" in note for note in log.notes())
    result = kpis(log).set_index("kpi")
    assert result.loc["conversion_rate", "value"] == pytest.approx(3 / 4)  # a, b and d reached it
    assert bool(result.loc["conversion_rate", "guessed"]) is False


def test_named_conversions_missing_from_the_log_are_reported() -> None:
    log = ecom_log(conversion_events=["payment_dnoe"])
    assert any("payment_dnoe" in note and "not in the log" in note for note in log.notes())


def test_project_conversion_setting_is_used(sample_project) -> None:  # type: ignore[no-untyped-def]
    class Data:
        conversion_events: ClassVar[list[str]] = ["checkout_start"]

    project = sample_project.model_copy()
    object.__setattr__(project, "data", Data())
    log = ecom_log(project=project)
    assert (log.conversion_events, log.conversion_guessed) == (("checkout_start",), ())


def test_kpi_events_named_replace_the_guess() -> None:
    result = kpis(ecom_log(), events={"checkout": ["payment_details"]}).set_index("kpi")
    # checkout = payment_details: a, b, d; of them b did not pay: 1 of 3
    assert result.loc["checkout_abandonment", ["numerator", "denominator"]].tolist() == [1.0, 3.0]


def test_bounce_rate_is_per_user_without_sessions_and_per_session_with_them() -> None:
    rows = [
        ("a", "2026-01-01 08:00:00", "view", "s1"),
        ("a", "2026-01-02 08:00:00", "view", "s2"),
        ("b", "2026-01-01 08:00:00", "view", "s3"),
        ("b", "2026-01-01 08:01:00", "menu", "s3"),
    ]
    with_sessions = load_events(
        pd.DataFrame(rows, columns=["user_id", "timestamp", "event", "session_id"])
    )
    result = kpis(with_sessions).set_index("kpi")
    # sessions s1 and s2 have one event, s3 two: 2 of 3 sessions bounce
    assert result.loc["bounce_rate", ["value", "basis"]].tolist() == [
        pytest.approx(2 / 3),
        "sessions",
    ]
    without = load_events(
        pd.DataFrame([r[:3] for r in rows], columns=["user_id", "timestamp", "event"])
    )
    result = kpis(without).set_index("kpi")
    assert "bounce_rate" not in result.index
    # per user: a has two events, b two: nobody bounces
    assert result.loc["bounce_rate_per_user", ["value", "basis"]].tolist() == [0.0, "users"]
    assert any("per user" in note for note in without.notes())


# --- duplicates and NULL ids -------------------------------------------------------------------

CLEAN = "u1,2026-01-01 08:00:00,view\nu1,2026-01-01 08:01:00,cart\nu2,2026-01-01 08:00:00,view\n"


def test_exact_duplicates_are_counted_and_dropped_on_request(tmp_path) -> None:  # type: ignore[no-untyped-def]
    doubled = (
        "user_id,timestamp,event\n"
        + CLEAN
        + "u1,2026-01-01 08:01:00,cart\nu1,2026-01-01 08:01:00,cart\n"
    )
    path = write(tmp_path, doubled)
    log = load_events(path)
    assert log.duplicate_rows == 2
    assert load_events(path).cached().duplicate_rows == 2  # counted on the kept table
    assert any("2 rows are exact copies" in note for note in log.notes())
    # kept: the copies add two cart -> cart moves
    assert transitions(log)["events"].sum() == 3
    deduped = load_events(path, dedupe=True)
    assert deduped.count() == 3
    clean = load_events(write(tmp_path, "user_id,timestamp,event\n" + CLEAN, "clean.csv"))
    pd.testing.assert_frame_equal(transitions(deduped), transitions(clean))
    assert deduped.duplicate_rows == 2 and deduped.deduplicated
    assert clean.duplicate_rows == 0


def test_rows_differing_in_one_column_are_not_duplicates() -> None:
    frame = pd.DataFrame(
        {
            "user_id": ["u1", "u1"],
            "timestamp": ["2026-01-01 08:00:00"] * 2,
            "event": ["view", "view"],
            "channel": ["web", "app"],
        }
    )
    assert load_events(frame).duplicate_rows == 0


@pytest.mark.parametrize("word", ["NULL", "null", "None", " none ", ""])
def test_null_like_user_ids_are_missing_not_a_user(tmp_path, word: str) -> None:  # type: ignore[no-untyped-def]
    path = write(
        tmp_path,
        f"user_id,timestamp,event\nu1,2026-01-01 08:00:00,view\n{word},2026-01-01 08:00:00,view\n",
    )
    with pytest.raises(DataError) as info:
        load_events(path)
    assert "line 3, column 'user_id' is empty" in str(info.value)


def test_null_like_session_ids_mean_no_session() -> None:
    frame = pd.DataFrame(
        {
            "user_id": ["u1", "u1"],
            "timestamp": ["2026-01-01 08:00:00", "2026-01-01 08:01:00"],
            "event": ["a", "b"],
            "session_id": ["NULL", "None"],
        }
    )
    log = load_events(frame)
    assert log.has_sessions is False
    assert log.table.execute()["session_id"].isna().all()


# --- one date reader ---------------------------------------------------------------------------


def test_day_first_dates_are_refused_with_the_way_to_read_them(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "user_id,timestamp,event\nu1,13/03/2024 10:00,view\n")
    with pytest.raises(DataError) as info:
        load_events(path)
    assert "line 2" in str(info.value) and "date_format='day-first'" in str(info.value)


@pytest.mark.parametrize(
    ("cells", "date_format"),
    [
        (["13/03/2024 10:00", "14/03/2024 09:05:30"], "day-first"),
        (["13.03.2024 10:00", "14.03.2024 09:05:30"], "day-first"),
        (["03/13/2024 10:00", "03/14/2024 09:05:30"], "month-first"),
        (["13.03.2024 10:00", "14.03.2024 09:05"], "%d.%m.%Y %H:%M"),
        (["2024|13|03 10h00", "2024|14|03 09h05"], "%Y|%d|%m %Hh%M"),
        (["13 Mar 2024 10:00 AM", "14 March 2024 09:05 AM"], "%d %b %Y %I:%M %p"),
    ],
)
def test_events_and_tickets_read_the_same_date_format(
    tmp_path,
    sample_project,
    cells: list[str],  # type: ignore[no-untyped-def]
    date_format: str,
) -> None:
    events = write(tmp_path, "user_id,timestamp,event\n" + "".join(f"u1,{c},view\n" for c in cells))
    log = load_events(events, date_format=date_format)
    got = utc_of(log)
    assert got[0] == dt.datetime(2024, 3, 13, 10, 0)
    assert got[1].date() == dt.date(2024, 3, 14) and got[1].hour == 9 and got[1].minute == 5
    tickets = write(
        tmp_path,
        "timestamp,channel,category,text\n"
        + "".join(f"{c},app,payment,antre lama\n" for c in cells),
        "tickets.csv",
    )
    read = load_tickets(tickets, sample_project, date_format=date_format)
    assert [pd.Timestamp(v).to_pydatetime() for v in read["timestamp"]] == got


def test_tickets_refuse_day_first_without_the_format_like_events(tmp_path, sample_project) -> None:  # type: ignore[no-untyped-def]
    tickets = write(
        tmp_path, "timestamp,channel,category,text\n13/03/2024 10:00,app,payment,antre\n", "t.csv"
    )
    with pytest.raises(DataError) as info:
        load_tickets(tickets, sample_project)
    assert "row 2" in str(info.value) and "13/03/2024 10:00" in str(info.value)


def test_tickets_convert_named_zones(tmp_path, sample_project) -> None:  # type: ignore[no-untyped-def]
    tickets = write(
        tmp_path,
        "timestamp,channel,category,text\n2024-07-01 12:00:00 Europe/Warsaw,app,x,antre\n"
        "2024-07-01 12:00:00 WIB,app,x,antre\n",
        "t.csv",
    )
    read = load_tickets(tickets, sample_project)
    assert [pd.Timestamp(v).to_pydatetime() for v in read["timestamp"]] == [
        dt.datetime(2024, 7, 1, 10, 0),
        dt.datetime(2024, 7, 1, 5, 0),
    ]


@pytest.mark.parametrize("date_format", ["dd/mm/yyyy", "%d/%q/%Y", "%H:%M"])
def test_a_bad_date_format_is_a_clear_error(tmp_path, date_format: str) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "user_id,timestamp,event\nu1,2024-03-13 10:00,view\n")
    with pytest.raises(DataError) as info:
        load_events(path, date_format=date_format)
    assert date_format in str(info.value)


def test_unreadable_cell_with_a_date_format_names_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write(
        tmp_path, "user_id,timestamp,event\nu1,13/03/2024 10:00,view\nu1,31/02/2024 10:00,view\n"
    )
    with pytest.raises(DataError) as info:
        load_events(path, date_format="day-first")
    assert (
        "line 3" in str(info.value)
        and "31/02/2024" in str(info.value)
        and "day-first" in str(info.value)
    )


# --- engines -----------------------------------------------------------------------------------


def test_an_ibis_connection_string_is_a_backend(tmp_path) -> None:  # type: ignore[no-untyped-def]
    con = resolve_backend("duckdb://")
    assert con.name == "duckdb"
    log = load_events(write(tmp_path, "user_id,timestamp,event\n" + CLEAN), backend="duckdb://")
    assert log.count() == 3
    with pytest.raises(DataError) as info:
        resolve_backend("oracle")
    assert "Ibis connection string" in str(info.value)


def test_spark_workers_get_this_python_unless_told_otherwise() -> None:
    import sys

    from cjm_helpers.overlay.events import spark_python_env

    env: dict[str, str] = {}
    assert spark_python_env(env) == sys.executable
    assert env["PYSPARK_PYTHON"] == sys.executable
    env = {"PYSPARK_PYTHON": "/opt/python3"}
    assert spark_python_env(env) == "/opt/python3"


@pytest.mark.parametrize("word", ["NULL", "null", "None"])
def test_null_like_user_ids_in_parquet_are_missing_too(tmp_path, word: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "events.parquet"
    pd.DataFrame(
        {
            "user_id": ["u1", word],
            "timestamp": pd.to_datetime(["2026-01-01 08:00", "2026-01-01 08:01"]),
            "event": ["view", "view"],
        }
    ).to_parquet(path, index=False)
    with pytest.raises(DataError) as info:
        load_events(path)
    assert "line 3, column 'user_id' is empty" in str(info.value)


def test_parquet_rows_keep_file_order_for_ties(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # three events of one user in the same second: transitions follow the file's order
    path = tmp_path / "events.parquet"
    pd.DataFrame(
        {
            "user_id": ["u"] * 3,
            "timestamp": pd.to_datetime(["2026-01-01 08:00"] * 3),
            "event": ["c", "a", "b"],
        }
    ).to_parquet(path, index=False)
    log = load_events(path)
    assert log.table.order_by("seq").execute()["event"].tolist() == ["c", "a", "b"]
    assert transitions(log)[["from", "to"]].values.tolist() == [["a", "b"], ["c", "a"]]


def test_surveys_read_their_dates_with_the_same_reader(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from cjm_helpers.overlay import load_survey

    path = write(
        tmp_path,
        "respondent_id,submitted,stage,emotion\nr1,13/03/2024,awareness,1\nr2,,purchase,-1\n",
        "survey.csv",
    )
    read = load_survey(path, date_format="day-first")
    assert pd.Timestamp(read.loc[0, "submitted"]) == pd.Timestamp("2024-03-13")
    assert pd.isna(read.loc[1, "submitted"])  # blank: unknown, not an error
    # the dates are optional: without the format the day-first date is not read (never as 3 Dec)
    assert pd.isna(load_survey(path).loc[0, "submitted"])
    zoned = write(
        tmp_path,
        "respondent_id,submitted,stage,emotion\nr1,2024-03-13 10:00 CET,awareness,1\n",
        "z.csv",
    )
    assert pd.Timestamp(load_survey(zoned).loc[0, "submitted"]) == pd.Timestamp("2024-03-13 09:00")
