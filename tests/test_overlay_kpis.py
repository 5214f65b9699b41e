"""Every KPI of overlay.kpis on one small log whose answers are counted by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from cjm_helpers.overlay import kpis, load_events

# a: one long visit that sees an ad, clicks, scrolls, checks out and buys, then a review alone
# b: sees an ad, starts checkout, hits an error and leaves; c: sees an ad and leaves
# d: sees an ad and clicks, then later buys and invites a friend
ROWS = [
    ("a", "2026-01-01 08:00:00", "ad_view", "s1"),
    ("a", "2026-01-01 08:01:00", "select_promotion", "s1"),
    ("a", "2026-01-01 08:02:00", "scroll", "s1"),
    ("a", "2026-01-01 08:03:00", "begin_checkout", "s1"),
    ("a", "2026-01-01 08:04:00", "purchase", "s1"),
    ("a", "2026-01-03 08:00:00", "write_review", "s2"),
    ("b", "2026-01-01 09:00:00", "ad_view", "s3"),
    ("b", "2026-01-01 09:01:00", "begin_checkout", "s3"),
    ("b", "2026-01-01 09:02:00", "checkout_error", "s3"),
    ("c", "2026-01-01 10:00:00", "ad_view", "s4"),
    ("d", "2026-01-01 11:00:00", "ad_view", "s5"),
    ("d", "2026-01-01 11:01:00", "click_banner", "s5"),
    ("d", "2026-01-02 11:00:00", "purchase", "s6"),
    ("d", "2026-01-02 11:05:00", "invite_friend", "s6"),
]
TICKETS = pd.DataFrame({"ticket_id": ["T1", "T2", "T3"]})


def measured(**kwargs):  # type: ignore[no-untyped-def]
    frame = pd.DataFrame(ROWS, columns=["user_id", "timestamp", "event", "session_id"])
    log = load_events(frame, conversion_events=["purchase"])
    return kpis(log, **kwargs).set_index("kpi")


def test_every_kpi_by_hand_in_order() -> None:
    result = measured(tickets=TICKETS)
    assert list(result.index) == [
        "bounce_rate",  # s2 and s4 of six visits have one event
        "conversion_rate",  # a and d of four users
        "checkout_abandonment",  # a and b start, b does not buy
        "click_through_rate",  # two clicks on four ad views
        "scroll_rate",  # a of four users
        "support_contacts_per_customer",  # three tickets, two customers
        "reviews_per_customer",
        "referrals_per_customer",
    ]
    parts = result[["numerator", "denominator"]].to_numpy().tolist()
    assert parts == [[2, 6], [2, 4], [1, 2], [2, 4], [1, 4], [3, 2], [1, 2], [1, 2]]
    assert result["value"].tolist() == pytest.approx([1 / 3, 0.5, 0.5, 0.5, 0.25, 1.5, 0.5, 0.5])
    assert result["unit"].tolist() == ["share"] * 5 + ["per_customer"] * 3
    assert result["basis"].tolist() == [
        "sessions",
        "users",
        "users",
        "events",
        "users",
        "tickets",
        "events",
        "events",
    ]


def test_each_kpi_names_its_events_and_whether_they_were_guessed() -> None:
    result = measured(tickets=TICKETS, events={"review": ["write_review"]})
    assert result["events"].to_dict() == {
        "bounce_rate": "",
        "conversion_rate": "purchase",
        "checkout_abandonment": "begin_checkout, purchase",  # checkout_error is not an action
        "click_through_rate": "ad_view, click_banner, select_promotion",
        "scroll_rate": "scroll",
        "support_contacts_per_customer": "purchase",
        "reviews_per_customer": "write_review, purchase",
        "referrals_per_customer": "invite_friend, purchase",
    }
    # the conversions and the reviews were named; the other kinds guessed from their names
    assert result["guessed"].to_dict() == {
        "bounce_rate": False,
        "conversion_rate": False,
        "checkout_abandonment": True,
        "click_through_rate": True,
        "scroll_rate": True,
        "support_contacts_per_customer": False,
        "reviews_per_customer": False,
        "referrals_per_customer": True,
    }


def test_no_per_customer_kpis_without_customers_or_tickets() -> None:
    result = measured(events={"referral": []})
    assert "support_contacts_per_customer" not in result.index  # no tickets given
    assert "referrals_per_customer" not in result.index  # named as none
    assert "reviews_per_customer" in result.index
