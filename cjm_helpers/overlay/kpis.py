"""KPIs measured from the event log (and the tickets): what seed 001 asks teams to track.

Before and at the sale: bounce rate, conversion rate, checkout abandonment,
click-through rate and scroll rate, each only where the log has the events it
needs. After the sale: support contacts per customer (from tickets), reviews and
referrals per converted customer. Event names are recognised by pattern (GA4 names
such as ``begin_checkout``, ``purchase`` and ``scroll`` included).

Counts are computed with Ibis in the backend; one row comes back to pandas.
"""

from __future__ import annotations

import re
from typing import Any

import ibis
import pandas as pd

from .events import EventLog

KPI_COLUMNS: tuple[str, ...] = ("kpi", "value", "unit", "numerator", "denominator", "basis")

PATTERNS: dict[str, str] = {
    "checkout": r"(checkout_start|begin_checkout|checkout)",
    "impression": r"(impression|ad_view|view_promotion)",
    "click": r"(click|select_promotion)",
    "scroll": r"(^scroll|scroll_)",
    "review": r"(review)",
    "referral": r"(referral|refer|invite|share)",
}
"""Regular expressions (case-insensitive) that say what an event is."""


def _names(log: EventLog) -> list[str]:
    return [str(e) for e in log.table.select("event").distinct().execute()["event"]]


def _matching(names: list[str], kind: str, exclude: tuple[str, ...] = ()) -> list[str]:
    pattern = re.compile(PATTERNS[kind], re.IGNORECASE)
    return [n for n in names if pattern.search(n) and n not in exclude]


def kpis(log: EventLog, tickets: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per KPI the data supports: value (a share or a count per customer) and its parts."""
    t = log.table
    names = _names(log)
    conversions = [e for e in log.conversion_events if e in names]
    checkout = _matching(names, "checkout", exclude=tuple(conversions))
    impressions = _matching(names, "impression")
    clicks = _matching(names, "click")
    scrolls = _matching(names, "scroll")
    reviews = _matching(names, "review")
    referrals = _matching(names, "referral")

    key = t.session_id.fill_null(t.user_id) if "session_id" in t.columns else t.user_id
    sessions = t.group_by(key.name("k")).agg(n=t.count())
    per_user = t.group_by("user_id").agg(
        converted=t.event.isin(conversions or ["\0"]).any(),
        checkout=t.event.isin(checkout or ["\0"]).any(),
        scrolled=t.event.isin(scrolls or ["\0"]).any(),
        reviews=t.event.isin(reviews or ["\0"]).cast("int64").sum(),
        referrals=t.event.isin(referrals or ["\0"]).cast("int64").sum(),
    )
    counts: dict[str, Any] = per_user.agg(
        users=per_user.count(),
        converted=per_user.converted.cast("int64").sum(),
        checkout=per_user.checkout.cast("int64").sum(),
        checkout_converted=(per_user.checkout & per_user.converted).cast("int64").sum(),
        scrolled=per_user.scrolled.cast("int64").sum(),
        reviews=per_user.reviews.sum(),
        referrals=per_user.referrals.sum(),
    ).execute().iloc[0].to_dict()
    bounce = sessions.agg(total=sessions.count(), single=(sessions.n == 1).cast("int64").sum()).execute().iloc[0]
    events = t.agg(
        impressions=t.event.isin(impressions or ["\0"]).cast("int64").sum(),
        clicks=t.event.isin(clicks or ["\0"]).cast("int64").sum(),
    ).execute().iloc[0]

    rows: list[dict[str, Any]] = []

    def add(kpi: str, numerator: float, denominator: float, unit: str, basis: str) -> None:
        if denominator:
            rows.append({"kpi": kpi, "value": float(numerator) / float(denominator), "unit": unit,
                         "numerator": float(numerator), "denominator": float(denominator), "basis": basis})

    users = int(counts["users"] or 0)
    converted = int(counts["converted"] or 0)
    basis_sessions = "sessions" if "session_id" in t.columns else "users"
    add("bounce_rate", int(bounce["single"] or 0), int(bounce["total"] or 0), "share", basis_sessions)
    if conversions:
        add("conversion_rate", converted, users, "share", "users")
    if checkout and conversions:
        started = int(counts["checkout"] or 0)
        add("checkout_abandonment", started - int(counts["checkout_converted"] or 0), started, "share", "users")
    if impressions and clicks:
        add("click_through_rate", int(events["clicks"] or 0), int(events["impressions"] or 0), "share", "events")
    if scrolls:
        add("scroll_rate", int(counts["scrolled"] or 0), users, "share", "users")
    if tickets is not None and len(tickets) and converted:
        add("support_contacts_per_customer", len(tickets), converted, "per_customer", "tickets")
    if reviews and converted:
        add("reviews_per_customer", int(counts["reviews"] or 0), converted, "per_customer", "events")
    if referrals and converted:
        add("referrals_per_customer", int(counts["referrals"] or 0), converted, "per_customer", "events")
    return pd.DataFrame(rows, columns=list(KPI_COLUMNS))
