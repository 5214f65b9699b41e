"""Event analytics on hand-made logs whose answers are known by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from cjm_helpers.errors import DataError
from cjm_helpers.overlay import attribution, funnel, gaps, kpis, load_events, top_paths, transitions
from cjm_helpers.overlay.paths import time_between_stages


def log_of(rows: list[tuple], **kwargs):  # type: ignore[no-untyped-def]
    columns = ["user_id", "timestamp", "event", "stage", "channel", "device"][: len(rows[0])]
    return load_events(pd.DataFrame(rows, columns=columns), **kwargs)


# user a: a1 -> b (in order); user b: b before a (out of order for the closed funnel);
# user c: one event only; user d: a, then b and c at the same second (tie kept in file order)
FUNNEL_ROWS = [
    ("a", "2026-01-01 08:00:00", "view", "awareness"),
    ("a", "2026-01-01 09:00:00", "cart", "purchase"),
    ("b", "2026-01-01 08:00:00", "cart", "purchase"),
    ("b", "2026-01-01 10:00:00", "view", "awareness"),
    ("c", "2026-01-02 08:00:00", "view", "awareness"),
    ("d", "2026-01-02 08:00:00", "view", "awareness"),
    ("d", "2026-01-02 08:05:00", "cart", "purchase"),
    ("d", "2026-01-02 08:05:00", "pay", "purchase"),
]


def test_funnel_open_and_closed_by_named_events() -> None:
    result = funnel(log_of(FUNNEL_ROWS), steps=["view", "cart", "pay"])
    assert result["step"].tolist() == ["view", "cart", "pay"]
    assert result["users_open"].tolist() == [4, 3, 1]
    # b carted before viewing: open but not closed
    assert result["users_closed"].tolist() == [4, 2, 1]
    assert result["conversion"].tolist() == pytest.approx([1.0, 0.5, 0.25])
    assert result["drop_off"].tolist() == pytest.approx([0.0, 0.5, 0.5])


def test_funnel_by_stage_from_the_log() -> None:
    result = funnel(log_of(FUNNEL_ROWS))
    assert result["step"].tolist() == ["awareness", "purchase"]
    assert result["users_open"].tolist() == [4, 3]
    assert result["users_closed"].tolist() == [4, 2]


def test_events_out_of_order_in_the_file_are_sorted_by_time() -> None:
    shuffled = [FUNNEL_ROWS[i] for i in (7, 3, 0, 5, 2, 6, 4, 1)]
    assert funnel(log_of(shuffled), steps=["view", "cart"]).equals(
        funnel(log_of(FUNNEL_ROWS), steps=["view", "cart"])
    )


def test_transitions_keep_ties_in_file_order() -> None:
    result = transitions(log_of(FUNNEL_ROWS))
    got = {(r["from"], r["to"]): (r["users"], r["events"]) for _, r in result.iterrows()}
    assert got == {("view", "cart"): (2, 2), ("cart", "view"): (1, 1), ("cart", "pay"): (1, 1)}
    # transition counts sum to events minus users
    assert result["events"].sum() == len(FUNNEL_ROWS) - 4


def test_transitions_by_session() -> None:
    rows = [
        ("u", "2026-01-01 08:00:00", "a", "s1"),
        ("u", "2026-01-01 08:01:00", "b", "s1"),
        ("u", "2026-01-01 12:00:00", "c", "s2"),
    ]
    log = load_events(pd.DataFrame(rows, columns=["user_id", "timestamp", "event", "session_id"]))
    assert transitions(log, by="session")[["from", "to"]].values.tolist() == [["a", "b"]]
    assert transitions(log, by="user")["events"].sum() == 2


def test_top_paths_merge_repeats() -> None:
    rows = [
        ("u1", "2026-01-01 08:00:00", "a"),
        ("u1", "2026-01-01 08:01:00", "a"),
        ("u1", "2026-01-01 08:02:00", "b"),
        ("u2", "2026-01-01 08:00:00", "a"),
        ("u2", "2026-01-01 08:03:00", "b"),
        ("u3", "2026-01-01 08:00:00", "b"),
    ]
    result = top_paths(log_of(rows), n=5)
    assert result.iloc[0][["path", "count"]].tolist() == ["a > b", 2]
    assert result["share"].sum() == pytest.approx(1.0)


def test_time_between_stages_median() -> None:
    rows = [
        ("a", "2026-01-01 08:00:00", "v", "awareness"),
        ("a", "2026-01-01 10:00:00", "c", "purchase"),
        ("b", "2026-01-01 08:00:00", "v", "awareness"),
        ("b", "2026-01-01 12:00:00", "c", "purchase"),
    ]
    result = time_between_stages(log_of(rows))
    row = result.iloc[0]
    assert (row["from_stage"], row["to_stage"], row["users"]) == ("awareness", "purchase", 2)
    assert row["median_hours"] == pytest.approx(3.0)


def test_gaps_compare_drop_off_after_a_switch() -> None:
    rows = [
        # u1 switches Mobile -> Desktop and leaves without paying: a drop-off after a switch
        ("u1", "2026-01-01 08:00:00", "view", "awareness", "Social", "Mobile"),
        ("u1", "2026-01-01 08:05:00", "menu", "consideration", "Web", "Desktop"),
        # u2 stays on Mobile and pays
        ("u2", "2026-01-01 08:00:00", "view", "awareness", "Social", "Mobile"),
        ("u2", "2026-01-01 08:05:00", "menu", "consideration", "Social", "Mobile"),
        ("u2", "2026-01-01 08:06:00", "payment_success", "purchase", "Social", "Mobile"),
        # u3 stays on Mobile and leaves
        ("u3", "2026-01-01 08:00:00", "view", "awareness", "Social", "Mobile"),
        ("u3", "2026-01-01 08:05:00", "menu", "consideration", "Social", "Mobile"),
    ]
    result = gaps(log_of(rows)).set_index(["kind", "switched"])
    assert result.loc[("device", True), ["steps", "drop_offs"]].tolist() == [1, 1]
    assert result.loc[("device", False), ["steps", "drop_offs"]].tolist() == [3, 1]
    assert result.loc[("device", True), "drop_off"] == 1.0
    assert result.loc[("device", False), "drop_off"] == pytest.approx(1 / 3)
    # no department column and no project: nothing to compare, no crash
    assert result.loc[("department", True), "steps"] == 0


def test_kpis_conversion_and_checkout_abandonment() -> None:
    rows = [
        ("a", "2026-01-01 08:00:00", "checkout_start"),
        ("a", "2026-01-01 08:01:00", "payment_success"),
        ("b", "2026-01-01 08:00:00", "checkout_start"),
        ("c", "2026-01-01 08:00:00", "view"),
    ]
    result = kpis(log_of(rows)).set_index("kpi")["value"]
    assert result["conversion_rate"] == pytest.approx(1 / 3)
    assert result["checkout_abandonment"] == pytest.approx(0.5)
    assert result["bounce_rate_per_user"] == pytest.approx(2 / 3)  # no sessions in this log


def test_attribution_first_last_and_removal_by_hand() -> None:
    # a: X -> Y -> convert; b: X -> drop; c: Y -> convert
    rows = [
        ("a", "2026-01-01 08:00:00", "X"),
        ("a", "2026-01-01 08:01:00", "Y"),
        ("a", "2026-01-01 08:02:00", "payment_success"),
        ("b", "2026-01-01 08:00:00", "X"),
        ("c", "2026-01-01 08:00:00", "Y"),
        ("c", "2026-01-01 08:01:00", "payment_success"),
    ]
    frame = pd.DataFrame(rows, columns=["user_id", "timestamp", "event"]).assign(
        touchpoint=lambda f: f["event"]
    )
    frame.loc[frame["event"] == "payment_success", "touchpoint"] = None
    result = attribution(load_events(frame)).set_index("key")
    assert result.loc["X", "first_touch"] == pytest.approx(0.5)
    assert result.loc["Y", "last_touch"] == pytest.approx(1.0)
    # Markov chain: start->X 2/3, start->Y 1/3; X->Y 1/2, X->drop 1/2; Y->conv 1.
    # P(conv) = 2/3*1/2 + 1/3 = 2/3. Without X: 1/3 (effect 1/2). Without Y: 0 (effect 1).
    assert result.loc["X", "removal_effect"] == pytest.approx(0.5)
    assert result.loc["Y", "removal_effect"] == pytest.approx(1.0)
    assert result["markov_removal"].sum() == pytest.approx(1.0)
    assert result.loc["Y", "markov_removal"] == pytest.approx(2 / 3)


def test_one_event_users_and_never_converting_users() -> None:
    rows = [("a", "2026-01-01 08:00:00", "view"), ("b", "2026-01-01 08:00:00", "view")]
    log = log_of(rows)
    assert transitions(log).empty
    assert funnel(log, steps=["view", "cart"])["users_closed"].tolist() == [2, 0]
    assert attribution(log)["markov_removal"].sum() == 0


def test_unmatched_events_are_reported(sample_project) -> None:  # type: ignore[no-untyped-def]
    rows = [
        ("a", "2026-01-01 08:00:00", "menu_view"),
        ("a", "2026-01-01 08:01:00", "mystery_screen"),
    ]
    log = log_of(rows, project=sample_project)
    assert log.unmatched_events()["event"].tolist() == ["mystery_screen"]
    table = log.table.execute()
    assert table.loc[table["event"] == "menu_view", "stage"].item() == "consideration"
    assert table.loc[table["event"] == "menu_view", "touchpoint"].item() == "tp-menu"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("user_id,event\na,view\n", "no column for timestamp"),
        ("user_id,timestamp,event\na,yesterday,view\n", "line 2"),
        ("", "empty"),
        ("user_id;timestamp;event\na;2026-01-01 08:00:00;view\n", "';'"),
        (
            "user_id,timestamp,event\na,2026-01-01 08:00:00,view\nb,1767254400,view\n",
            "mixes numbers and dates",
        ),
        (
            "user_id,timestamp,event\na,2026-01-01 08:00:00+07:00,view\nb,2026-01-01 08:00:00,view\n",
            "mixes time zones",
        ),
    ],
)
def test_bad_files_say_what_and_where(tmp_path, text: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "events.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_events(path)
    message = str(info.value)
    assert "events.csv" in message
    assert expected in message


def test_ga4_columns_with_microseconds(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from cjm_helpers.overlay import GA4_COLUMNS

    frame = pd.DataFrame(
        {
            "user_pseudo_id": ["x", "x"],
            "event_timestamp": [1767254400000000, 1767254460000000],
            "event_name": ["page_view", "purchase"],
        }
    )
    log = load_events(frame, columns=GA4_COLUMNS)
    table = log.table.execute()
    assert str(table["ts"].min()) == "2026-01-01 08:00:00"
    assert log.conversion_events == ("purchase",)
