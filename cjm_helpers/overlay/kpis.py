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

Counts are computed with Ibis in the backend, in one query; one row comes back to pandas.

Revenue per customer (:func:`revenue_per_customer`) is measured from the survey's
``spend`` (each respondent's yearly spend with us, counted once per respondent):
the event log holds no order amounts, so it cannot price a purchase.
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
    "revenue_per_customer",
]

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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


_NO_EVENT = ["\0"]
"""What ``isin`` is given for a kind without events: a list it accepts that matches no event."""

_MEASURES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "bounce_rate": ("share", "sessions", ()),
    "bounce_rate_per_user": ("share", "users", ()),
    "conversion_rate": ("share", "users", ("conversion",)),
    "checkout_abandonment": ("share", "users", ("checkout", "conversion")),
    "click_through_rate": ("share", "events", ("impression", "click")),
    "scroll_rate": ("share", "users", ("scroll",)),
    "support_contacts_per_customer": ("per_customer", "tickets", ("conversion",)),
    "reviews_per_customer": ("per_customer", "events", ("review", "conversion")),
    "referrals_per_customer": ("per_customer", "events", ("referral", "conversion")),
}
"""Per KPI: its unit, what it counts (its basis) and the kinds of events behind it (``conversion``: the
log's conversions)."""


def kpis(
    log: EventLog,
    tickets: pd.DataFrame | None = None,
    events: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """One row per KPI the data supports: value (a share or a count per customer), its parts and its events.

    ``events`` names the events of a kind (``checkout``, ``impression``, ``click``,
    ``scroll``, ``review``, ``referral``); kinds not named are guessed (see the module text).
    """
    names = _names(log)
    conversions = [e for e in log.conversion_events if e in names]
    chosen, guessed = kpi_events(log, names, events)
    evidence = _Evidence(
        counts=_counts(log, chosen, conversions),
        chosen=chosen,
        guessed=guessed,
        conversions=conversions,
        conversion_guessed=bool(log.conversion_guessed),
    )
    rows = [
        *_before_sale(evidence, log.has_sessions),
        *_after_sale(evidence, 0 if tickets is None else len(tickets)),
    ]
    return pd.DataFrame([row for row in rows if row], columns=list(KPI_COLUMNS))


def _counts(log: EventLog, chosen: dict[str, list[str]], conversions: list[str]) -> dict[str, int]:
    """Users, converters, the users or events of each kind, and sessions (with one event): one query.

    It reads the log's own columns (no touchpoint join); the per-user and per-session
    counts are two aggregates of one row each, joined into the one row that comes back.
    """
    t = log.events()

    def seen(events: list[str]) -> Any:
        return t.event.isin(events or _NO_EVENT)

    per_user = t.group_by("user_id").agg(
        converted=seen(conversions).any(),
        checkout=seen(chosen["checkout"]).any(),
        scrolled=seen(chosen["scroll"]).any(),
        reviews=t.count(where=seen(chosen["review"])),
        referrals=t.count(where=seen(chosen["referral"])),
        impressions=t.count(where=seen(chosen["impression"])),
        clicks=t.count(where=seen(chosen["click"])),
    )
    counts = per_user.agg(
        users=per_user.count(),
        converted=per_user.count(where=per_user.converted),
        checkout=per_user.count(where=per_user.checkout),
        checkout_converted=per_user.count(where=per_user.checkout & per_user.converted),
        scrolled=per_user.count(where=per_user.scrolled),
        reviews=per_user.reviews.sum(),
        referrals=per_user.referrals.sum(),
        impressions=per_user.impressions.sum(),
        clicks=per_user.clicks.sum(),
    )
    key = t.session_id.fill_null(t.user_id) if log.has_sessions else t.user_id
    sessions = t.group_by(key.name("k")).agg(single=t.count() == 1)
    bounce = sessions.agg(visits=sessions.count(), single=sessions.count(where=sessions.single))
    found = counts.cross_join(bounce).execute().iloc[0].to_dict()
    return {name: int(value or 0) for name, value in found.items()}


@dataclass(frozen=True)
class _Evidence:
    """What every KPI is measured from: the counts, the events of each kind and which of them were guessed."""

    counts: dict[str, int]
    chosen: dict[str, list[str]]
    guessed: set[str]
    conversions: list[str]
    conversion_guessed: bool

    def row(self, kpi: str, numerator: int, denominator: int) -> dict[str, Any] | None:
        """The row of a KPI of :data:`_MEASURES`; none without a denominator."""
        if not denominator:
            return None
        unit, basis, kinds = _MEASURES[kpi]
        used = [e for kind in kinds for e in self.events(kind)]
        return {
            "kpi": kpi,
            "value": float(numerator) / float(denominator),
            "unit": unit,
            "numerator": float(numerator),
            "denominator": float(denominator),
            "basis": basis,
            "events": ", ".join(dict.fromkeys(used)),
            "guessed": any(self.was_guessed(kind) for kind in kinds),
        }

    def events(self, kind: str) -> list[str]:
        return self.conversions if kind == "conversion" else self.chosen[kind]

    def was_guessed(self, kind: str) -> bool:
        return self.conversion_guessed if kind == "conversion" else kind in self.guessed


def _before_sale(data: _Evidence, has_sessions: bool) -> list[dict[str, Any] | None]:
    """Bounce, conversion, checkout abandonment, click-through and scroll rates, where the log has their events."""
    c, chosen = data.counts, data.chosen
    bounce = "bounce_rate" if has_sessions else "bounce_rate_per_user"
    rows = [data.row(bounce, c["single"], c["visits"])]
    if data.conversions:
        rows.append(data.row("conversion_rate", c["converted"], c["users"]))
    if chosen["checkout"] and data.conversions:
        abandoned = c["checkout"] - c["checkout_converted"]
        rows.append(data.row("checkout_abandonment", abandoned, c["checkout"]))
    if chosen["impression"] and chosen["click"]:
        rows.append(data.row("click_through_rate", c["clicks"], c["impressions"]))
    if chosen["scroll"]:
        rows.append(data.row("scroll_rate", c["scrolled"], c["users"]))
    return rows


def _after_sale(data: _Evidence, tickets: int) -> list[dict[str, Any] | None]:
    """Support contacts, reviews and referrals per converted customer, where there are customers to divide by."""
    converted = data.counts["converted"]
    if not converted:
        return []
    rows = []
    if tickets:
        rows.append(data.row("support_contacts_per_customer", tickets, converted))
    for kind in ("review", "referral"):
        if data.chosen[kind]:
            rows.append(data.row(f"{kind}s_per_customer", data.counts[f"{kind}s"], converted))
    return rows


REVENUE_KPI = "revenue_per_customer"
"""The KPI name of a customer's yearly revenue; its unit is ``money`` (the project's currency)."""


def revenue_per_customer(survey: pd.DataFrame) -> pd.DataFrame:
    """Mean yearly spend of a respondent, from the survey's ``spend``: one KPI row, or none without spend.

    A respondent answers once per stage, so their spend is counted once (their first
    non-missing one); respondents who gave no spend are left out of both sums.
    """
    if "spend" not in survey.columns or "respondent_id" not in survey.columns:
        return pd.DataFrame(columns=list(KPI_COLUMNS))
    spend = pd.to_numeric(survey["spend"], errors="coerce")
    per_respondent = spend.groupby(survey["respondent_id"]).first().dropna()
    if per_respondent.empty:
        return pd.DataFrame(columns=list(KPI_COLUMNS))
    total, count = float(per_respondent.sum()), float(len(per_respondent))
    row = {
        "kpi": REVENUE_KPI,
        "value": total / count,
        "unit": "money",
        "numerator": total,
        "denominator": count,
        "basis": "respondents",
        "events": "",
        "guessed": False,
    }
    return pd.DataFrame([row], columns=list(KPI_COLUMNS))
