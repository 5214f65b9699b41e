"""Is it different from last time? The same analyses on two date ranges, side by side.

A period is a pair of dates, both included (events from the first day's 00:00 up
to, not including, the day after the last). For each KPI that is a share (conversion,
checkout abandonment, bounce, click-through, scroll) and each stage of the closed
funnel (and, with a dated survey, the share of satisfied answers and of promoters),
the two periods' values, the change (second minus first) and a
**two-proportion z-test**:

    pooled p = (x1 + x2) / (n1 + n2)
    z = (p2 - p1) / sqrt(pooled p x (1 - pooled p) x (1/n1 + 1/n2))
    p-value = erfc(|z| / sqrt 2)        (two-sided, normal distribution)

A change is *more than noise* when the p-value is below ``alpha`` (0.05). Counts
per customer (reviews, referrals) are shown with their change but not tested.
"""

from __future__ import annotations

__all__ = [
    "ALPHA",
    "PERIOD_COLUMNS",
    "Period",
    "compare_periods",
    "measure_label",
    "parse_period",
    "period_log",
    "period_table",
    "two_proportion_z",
]

import dataclasses
import datetime as dt
import math
from typing import Any

import ibis
import pandas as pd

from ..errors import DataError
from ..i18n import t

PERIOD_COLUMNS: tuple[str, ...] = (
    "measure",
    "kind",
    "value_a",
    "count_a",
    "base_a",
    "value_b",
    "count_b",
    "base_b",
    "change",
    "z",
    "p_value",
    "significant",
)
ALPHA = 0.05
"""A change whose p-value is below this is reported as more than noise."""


Period = tuple[dt.date, dt.date]


def parse_period(text: str, lang: str = "en") -> Period:
    """'2026-09-01:2026-09-30' (or '..' between the dates) as a (first, last) pair of dates."""
    parts = text.replace("..", ":").split(":")
    try:
        if len(parts) != 2:
            raise ValueError
        first, last = (dt.date.fromisoformat(p.strip()) for p in parts)
    except ValueError:
        raise DataError(t("decisions.period.bad", lang, value=repr(text))) from None
    if last < first:
        raise DataError(t("decisions.period.backwards", lang, value=repr(text)))
    return first, last


def period_log(log: Any, period: Period) -> Any:
    """The event log limited to one period (both dates included); same project and settings."""
    first, last = period
    start = ibis.literal(dt.datetime.combine(first, dt.time()))
    stop = ibis.literal(dt.datetime.combine(last + dt.timedelta(days=1), dt.time()))
    table = log.table
    return dataclasses.replace(log, table=table.filter((table.ts >= start) & (table.ts < stop)))


def two_proportion_z(x1: float, n1: float, x2: float, n2: float) -> tuple[float, float]:
    """z statistic and two-sided p-value for the change from x1/n1 to x2/n2 (NaN when undefined)."""
    if n1 <= 0 or n2 <= 0:
        return math.nan, math.nan
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2))
    if se == 0:
        return math.nan, math.nan
    z = (x2 / n2 - x1 / n1) / se
    return z, math.erfc(abs(z) / math.sqrt(2.0))


def _measures(log: Any, tickets: Any = None) -> dict[str, tuple[str, float, float, float]]:
    """measure -> (kind, value, count, base) for one period: share KPIs, per-customer KPIs, funnel."""
    from .funnel import funnel
    from .kpis import kpis

    out: dict[str, tuple[str, float, float, float]] = {}
    for row in kpis(log, tickets=tickets).itertuples(index=False):
        kind = "share" if row.unit == "share" else "per_customer"
        out[f"kpi:{row.kpi}"] = (kind, float(row.value), row.numerator, row.denominator)
    if log.stages:
        steps = funnel(log)
        if len(steps):
            first = float(steps["users_closed"].iloc[0])
            for row in steps.iloc[1:].itertuples(index=False):
                reached = float(row.users_closed)
                out[f"stage:{row.step}"] = (
                    "share",
                    reached / first if first else math.nan,
                    reached,
                    first,
                )
    return out


def _survey_measures(survey: Any) -> dict[str, tuple[str, float, float, float]]:
    """Satisfied answers (CSAT 4-5) and promoters (NPS 9-10, one per respondent) as shares."""
    out: dict[str, tuple[str, float, float, float]] = {}
    csat = pd.to_numeric(survey["csat"], errors="coerce").dropna()
    if len(csat):
        out["survey:csat_satisfied"] = (
            "share",
            float((csat >= 4).mean()),
            float((csat >= 4).sum()),
            float(len(csat)),
        )
    nps = pd.to_numeric(survey.groupby("respondent_id")["nps"].first(), errors="coerce").dropna()
    if len(nps):
        out["survey:promoters"] = (
            "share",
            float((nps >= 9).mean()),
            float((nps >= 9).sum()),
            float(len(nps)),
        )
    return out


def _survey_in(survey: Any, period: Period) -> Any:
    """The answers submitted in the period (by ``submitted``, else ``timestamp``); None without dates."""
    column = next((c for c in ("submitted", "timestamp") if c in survey.columns), None)
    if column is None:
        return None
    first, last = period
    stamp = pd.to_datetime(survey[column], errors="coerce")
    keep = (stamp >= pd.Timestamp(first)) & (stamp < pd.Timestamp(last + dt.timedelta(days=1)))
    return survey[keep]


def compare_periods(
    log: Any,
    a: Period,
    b: Period,
    tickets: Any = None,
    alpha: float = ALPHA,
    survey: Any = None,
) -> pd.DataFrame:
    """Every measure of period ``a`` beside period ``b``: values, change and the z-test.

    Columns :data:`PERIOD_COLUMNS`; ``measure`` is 'kpi:<name>', 'stage:<stage id>'
    (users reaching the stage in order, as a share of those who started) or, with a
    dated ``survey``, 'survey:csat_satisfied' and 'survey:promoters'.
    """
    first = _measures(period_log(log, a), _tickets_in(tickets, a))
    second = _measures(period_log(log, b), _tickets_in(tickets, b))
    if survey is not None:
        in_a, in_b = _survey_in(survey, a), _survey_in(survey, b)
        if in_a is not None and in_b is not None:
            first.update(_survey_measures(in_a))
            second.update(_survey_measures(in_b))
    rows = []
    for measure in list(dict.fromkeys([*first, *second])):
        kind, va, xa, na = first.get(measure, (second[measure][0], math.nan, 0.0, 0.0))
        _, vb, xb, nb = second.get(measure, (kind, math.nan, 0.0, 0.0))
        z, p = two_proportion_z(xa, na, xb, nb) if kind == "share" else (math.nan, math.nan)
        rows.append(
            {
                "measure": measure,
                "kind": kind,
                "value_a": va,
                "count_a": xa,
                "base_a": na,
                "value_b": vb,
                "count_b": xb,
                "base_b": nb,
                "change": vb - va,
                "z": z,
                "p_value": p,
                "significant": bool(p == p and p < alpha),
            }
        )
    return pd.DataFrame(rows, columns=list(PERIOD_COLUMNS))


def _tickets_in(tickets: Any, period: Period) -> Any:
    if tickets is None or "timestamp" not in getattr(tickets, "columns", ()):
        return tickets
    first, last = period
    stamp = pd.to_datetime(tickets["timestamp"])
    keep = (stamp >= pd.Timestamp(first)) & (stamp < pd.Timestamp(last + dt.timedelta(days=1)))
    return tickets[keep]


def measure_label(measure: str, log: Any, lang: str = "en") -> str:
    """A measure's name for people: the KPI's name, or 'Reached <stage name>'."""
    kind, _, name = measure.partition(":")
    if kind == "stage":
        stage = log.stage_names().get(name, name) if hasattr(log, "stage_names") else name
        return t("decisions.period.reached", lang, stage=stage)
    if kind == "survey":
        return t(f"decisions.period.{name}", lang)
    return t(f"decisions.kpi.{name}", lang)


def period_table(
    frame: pd.DataFrame, log: Any, a: Period, b: Period, lang: str = "en"
) -> pd.DataFrame:
    """The comparison for people: names, formatted values and change, and a plain verdict."""
    from ..i18n import format_date, format_number, format_percent

    def shown(kind: str, value: float) -> str:
        if value != value:
            return "—"
        return format_percent(value, lang) if kind == "share" else format_number(value, lang, 2)

    def span(period: Period) -> str:
        return f"{format_date(period[0], lang)} – {format_date(period[1], lang)}"

    rows = []
    for row in frame.itertuples(index=False):
        if row.kind == "share" and row.change == row.change:
            points = round(100 * row.change, 1) + 0.0  # no '-0'
            change = t("decisions.period.points", lang, n=format_number(points, lang, 1))
        else:
            change = shown(row.kind, row.change) if row.change == row.change else "—"
        if row.kind != "share" or row.p_value != row.p_value:
            verdict = t("decisions.period.not_tested", lang)
        elif row.significant:
            verdict = t("decisions.period.real", lang, p=format_number(row.p_value, lang, 3))
        else:
            verdict = t("decisions.period.noise", lang, p=format_number(row.p_value, lang, 3))
        rows.append(
            {
                t("decisions.period.col.measure", lang): measure_label(row.measure, log, lang),
                span(a): shown(row.kind, row.value_a),
                span(b): shown(row.kind, row.value_b),
                t("decisions.period.col.change", lang): change,
                t("decisions.period.col.verdict", lang): verdict,
            }
        )
    return pd.DataFrame(rows)
