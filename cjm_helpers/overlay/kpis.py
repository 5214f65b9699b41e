"""KPIs measured from the event log (and the tickets): what seed 001 asks teams to track.

Before and at the sale: bounce rate, conversion rate, checkout abandonment,
click-through rate and scroll rate, each only where the log has the events it
needs. After the sale: support contacts per customer (from tickets), reviews and
referrals per converted customer.

The events behind each KPI are named (``kpis(log, events={"checkout": [...]})`` or
the project's ``data: kpi_events:``); only for a kind nobody named are they guessed
from event names (GA4 names such as ``begin_checkout`` and ``scroll`` included,
names of errors and bugs left out), and every row says which events it counted and
whether they were guessed. Conversions are the log's ``conversion_events``. The
bounce rate is per session, or ``bounce_rate_per_user`` when the log has no sessions.

Counts are computed with Ibis in the backend; one row comes back to pandas.
"""

from __future__ import annotations

__all__ = [
    "KINDS",
    "KPI_COLUMNS",
    "NOT_AN_ACTION",
    "PATTERNS",
    "kpi_events",
    "kpis",
    "project_kpi_events",
]

import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from .events import EventLog

KPI_COLUMNS: tuple[str, ...] = (
    "kpi",
    "value",
    "unit",
    "numerator",
    "denominator",
    "basis",
    "events",
    "guessed",
)
"""``events`` lists the events counted (conversions first where both count), ``guessed`` whether any of them
were guessed from their names rather than named."""

KINDS: tuple[str, ...] = ("checkout", "impression", "click", "scroll", "review", "referral")

PATTERNS: dict[str, str] = {
    "checkout": r"(checkout_start|begin_checkout|checkout)",
    "impression": r"(impression|ad_view|view_promotion)",
    "click": r"(click|select_promotion)",
    "scroll": r"(^scroll|scroll_)",
    "review": r"(review)",
    "referral": r"(referral|refer|invite|share)",
}
"""Regular expressions (case-insensitive) that say what an event is, used only to guess."""

NOT_AN_ACTION = re.compile(r"(error|fail|bug|crash|cancel|declin|reject|timeout)", re.IGNORECASE)
"""Names of things that went wrong: never guessed as the event behind a KPI."""


def _names(log: EventLog) -> list[str]:
    return log.event_names()


def _matching(names: list[str], kind: str, exclude: tuple[str, ...] = ()) -> list[str]:
    pattern = re.compile(PATTERNS[kind], re.IGNORECASE)
    return [
        n for n in names if pattern.search(n) and n not in exclude and not NOT_AN_ACTION.search(n)
    ]


def project_kpi_events(project: Any) -> dict[str, list[str]]:
    """Events per KPI kind the project names in its data settings (``data: kpi_events: {checkout: [...]}``)."""
    named = getattr(getattr(project, "data", None), "kpi_events", None) or {}
    return {str(k): [str(e) for e in v] for k, v in dict(named).items()}


def kpi_events(
    log: EventLog, names: list[str], events: Mapping[str, Sequence[str]] | None = None
) -> tuple[dict[str, list[str]], set[str]]:
    """Per kind of :data:`KINDS`, the events that count, and the kinds whose events were guessed."""
    given = {**project_kpi_events(log.project), **{k: list(v) for k, v in (events or {}).items()}}
    unknown = sorted(set(given) - set(KINDS))
    if unknown:
        from ..errors import DataError
        from ..i18n import t

        raise DataError(
            t("events.error.kpi_kinds", kinds=", ".join(unknown), known=", ".join(KINDS))
        )
    conversions = tuple(log.conversion_events)
    chosen: dict[str, list[str]] = {}
    guessed: set[str] = set()
    for kind in KINDS:
        if kind in given:
            chosen[kind] = [str(e) for e in given[kind] if str(e) in names]
        else:
            chosen[kind] = _matching(names, kind, exclude=conversions)
            guessed.add(kind)
    return chosen, guessed


def kpis(
    log: EventLog,
    tickets: pd.DataFrame | None = None,
    events: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """One row per KPI the data supports: value (a share or a count per customer), its parts and its events.

    ``events`` names the events of a kind (``checkout``, ``impression``, ``click``,
    ``scroll``, ``review``, ``referral``); kinds not named are guessed (see the module text).
    """
    t = log.table
    names = _names(log)
    conversions = [e for e in log.conversion_events if e in names]
    conversion_guessed = bool(log.conversion_guessed)
    chosen, guessed = kpi_events(log, names, events)
    checkout, impressions, clicks = chosen["checkout"], chosen["impression"], chosen["click"]
    scrolls, reviews, referrals = chosen["scroll"], chosen["review"], chosen["referral"]

    key = t.session_id.fill_null(t.user_id) if log.has_sessions else t.user_id
    sessions = t.group_by(key.name("k")).agg(n=t.count())
    per_user = t.group_by("user_id").agg(
        converted=t.event.isin(conversions or ["\0"]).any(),
        checkout=t.event.isin(checkout or ["\0"]).any(),
        scrolled=t.event.isin(scrolls or ["\0"]).any(),
        reviews=t.event.isin(reviews or ["\0"]).cast("int64").sum(),
        referrals=t.event.isin(referrals or ["\0"]).cast("int64").sum(),
        impressions=t.event.isin(impressions or ["\0"]).cast("int64").sum(),
        clicks=t.event.isin(clicks or ["\0"]).cast("int64").sum(),
    )
    counts: dict[str, Any] = (
        per_user.agg(
            users=per_user.count(),
            converted=per_user.converted.cast("int64").sum(),
            checkout=per_user.checkout.cast("int64").sum(),
            checkout_converted=(per_user.checkout & per_user.converted).cast("int64").sum(),
            scrolled=per_user.scrolled.cast("int64").sum(),
            reviews=per_user.reviews.sum(),
            referrals=per_user.referrals.sum(),
            impressions=per_user.impressions.sum(),
            clicks=per_user.clicks.sum(),
        )
        .execute()
        .iloc[0]
        .to_dict()
    )
    bounce = (
        sessions.agg(total=sessions.count(), single=(sessions.n == 1).cast("int64").sum())
        .execute()
        .iloc[0]
    )

    rows: list[dict[str, Any]] = []

    def add(
        kpi: str,
        numerator: float,
        denominator: float,
        unit: str,
        basis: str,
        used: Sequence[str] = (),
        was_guessed: bool = False,
    ) -> None:
        if denominator:
            rows.append(
                {
                    "kpi": kpi,
                    "value": float(numerator) / float(denominator),
                    "unit": unit,
                    "numerator": float(numerator),
                    "denominator": float(denominator),
                    "basis": basis,
                    "events": ", ".join(dict.fromkeys(used)),
                    "guessed": bool(was_guessed),
                }
            )

    users = int(counts["users"] or 0)
    converted = int(counts["converted"] or 0)
    if log.has_sessions:
        add(
            "bounce_rate",
            int(bounce["single"] or 0),
            int(bounce["total"] or 0),
            "share",
            "sessions",
        )
    else:
        add(
            "bounce_rate_per_user",
            int(bounce["single"] or 0),
            int(bounce["total"] or 0),
            "share",
            "users",
        )
    if conversions:
        add("conversion_rate", converted, users, "share", "users", conversions, conversion_guessed)
    if checkout and conversions:
        started = int(counts["checkout"] or 0)
        add(
            "checkout_abandonment",
            started - int(counts["checkout_converted"] or 0),
            started,
            "share",
            "users",
            checkout + conversions,
            "checkout" in guessed or conversion_guessed,
        )
    if impressions and clicks:
        add(
            "click_through_rate",
            int(counts["clicks"] or 0),
            int(counts["impressions"] or 0),
            "share",
            "events",
            impressions + clicks,
            bool({"impression", "click"} & guessed),
        )
    if scrolls:
        add(
            "scroll_rate",
            int(counts["scrolled"] or 0),
            users,
            "share",
            "users",
            scrolls,
            "scroll" in guessed,
        )
    if tickets is not None and len(tickets) and converted:
        add(
            "support_contacts_per_customer",
            len(tickets),
            converted,
            "per_customer",
            "tickets",
            conversions,
            conversion_guessed,
        )
    if reviews and converted:
        add(
            "reviews_per_customer",
            int(counts["reviews"] or 0),
            converted,
            "per_customer",
            "events",
            reviews + conversions,
            "review" in guessed or conversion_guessed,
        )
    if referrals and converted:
        add(
            "referrals_per_customer",
            int(counts["referrals"] or 0),
            converted,
            "per_customer",
            "events",
            referrals + conversions,
            "referral" in guessed or conversion_guessed,
        )
    return pd.DataFrame(rows, columns=list(KPI_COLUMNS))
