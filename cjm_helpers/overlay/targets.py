"""Step 8 fed by step 7: measured KPIs as baselines, and what each opportunity is worth.

**Baselines.** A project KPI in percent takes the value measured from the event log
(:func:`~.kpis.kpis`, a share, times 100) as its baseline when the two are the same
measure: every word of the measured KPI's name (``checkout_abandonment`` → checkout,
abandonment; 'rate', 'per' and 'customer' ignored) starts a word of the project KPI's
id or name, compared on its first :data:`STEM` letters, or the project KPI is named
explicitly in ``links``. A project KPI whose unit is the project's currency takes
the measured revenue per customer (``unit`` ``money``, from the survey's spend) the
same way, rounded to a whole amount.

**Expected revenue effect** of an opportunity, a quarter, in the project currency::

    effect a quarter = reach a quarter x uplift x (value a year / 4) x confidence

Units are kept per quarter throughout: RICE reach counts the customers touched in a
period (a quarter here), and a persona's value is a year's revenue, so one reached
customer is worth a quarter of it in that quarter. Multiplying reach a quarter by a
year's value would price each customer-quarter as a whole year.

* reach: customers a quarter it touches (typed on the opportunity);
* uplift: the largest improvement its percent KPIs aim for, from the baseline (the
  measured one when there is one) to the target, in the direction the typed baseline
  and target say is better, / 100: the share of reached customers whose behaviour
  changes (0 when the target is already met);
* value: typical yearly revenue of one customer: the primary persona's ``value``, or
  the mean of the personas' values when the primary has none, divided by
  :data:`QUARTERS_A_YEAR`;
* confidence: typed on the opportunity (0..1), as in RICE.

An opportunity with no percent KPI (or no value) has no effect estimate, and says why.
"""

from __future__ import annotations

__all__ = [
    "EFFECT_COLUMNS",
    "IGNORED_WORDS",
    "QUARTERS_A_YEAR",
    "STEM",
    "customer_value",
    "matches",
    "measured_baselines",
    "opportunity_effects",
    "ranked_plan",
]

import math
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..i18n import format_number, t
from ..model import Project

STEM = 6
"""Letters of a word compared when matching a measured KPI to a project KPI."""
IGNORED_WORDS = frozenset({"rate", "per", "customer"})
QUARTERS_A_YEAR = 4
"""Quarters in a year: a persona's yearly value over this is what one customer brings in a quarter."""

EFFECT_COLUMNS: tuple[str, ...] = (
    "opportunity",
    "title",
    "reach",
    "kpi",
    "uplift",
    "value",
    "confidence",
    "effect",
    "rice",
    "reason",
)


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^0-9a-z]+", text.casefold()) if w]


def matches(measured: str, kpi: Any) -> bool:
    """Whether a measured KPI name (``checkout_abandonment``) is the project KPI ``kpi``."""
    wanted = [w[:STEM] for w in _words(measured) if w not in IGNORED_WORDS]
    have = [w[:STEM] for w in _words(f"{kpi.id} {kpi.name}")]
    return bool(wanted) and all(any(h.startswith(w) for h in have) for w in wanted)


def measured_baselines(
    project: Project, measured: pd.DataFrame, links: Mapping[str, str] | None = None
) -> tuple[Project, pd.DataFrame]:
    """The project with percent KPIs' baselines set from the measured KPIs, and what was set.

    Returns (a copy of the project, a frame of kpi, name, measured, typed_baseline,
    baseline, unit); the project given is not changed.
    """
    links = dict(links or {})
    found = {
        "%": {r.kpi: float(r.value) for r in measured.itertuples(index=False) if r.unit == "share"},
        "money": {
            r.kpi: float(r.value) for r in measured.itertuples(index=False) if r.unit == "money"
        },
    }
    currency = project.currency.strip().casefold()
    copy = project.model_copy(deep=True)
    rows = []
    for kpi in copy.kpis:
        unit = kpi.unit.strip()
        kind = "%" if unit == "%" else "money" if currency and unit.casefold() == currency else ""
        if not kind:
            continue
        values = found[kind]
        name = links.get(kpi.id) or next((m for m in values if matches(m, kpi)), None)
        if name is None or name not in values:
            continue
        value = round(100.0 * values[name], 1) if kind == "%" else float(round(values[name]))
        rows.append(
            {
                "kpi": kpi.id,
                "name": kpi.name,
                "measured": name,
                "typed_baseline": kpi.baseline,
                "baseline": value,
                "unit": kpi.unit,
            }
        )
        kpi.baseline = value
        kpi.current = value
        kpi.evidence = "observed"
    return copy, pd.DataFrame(
        rows, columns=["kpi", "name", "measured", "typed_baseline", "baseline", "unit"]
    )


def customer_value(project: Project) -> tuple[float, str]:
    """Yearly revenue of a typical customer, and whose it is (a persona's name, or 'mean')."""
    primary = project.primary_persona()
    if primary is not None and primary.value is not None:
        return float(primary.value), primary.name
    values = [p.value for p in project.personas if p.value is not None]
    if values:
        return sum(values) / len(values), ""
    return math.nan, ""


def opportunity_effects(
    project: Project, baselines: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """Each opportunity's expected revenue effect a quarter with its inputs, and its RICE.

    ``baselines`` (KPI id -> percent, e.g. from :func:`measured_baselines`) replace the
    typed baselines; the direction of a KPI (up or down is better) stays the one typed,
    from its baseline to its target. Columns :data:`EFFECT_COLUMNS` (``value`` is a
    customer's value a year, ``effect`` a quarter's); ``reason`` is '' when the effect is computed, 'no_share_kpi', 'target_met' or 'no_value' when not.
    """
    value, _ = customer_value(project)
    measured = dict(baselines or {})
    kpis = {k.id: k for k in project.kpis}
    rows = []
    for o in project.opportunities:
        best: tuple[float, str] | None = None
        for kpi_id in o.kpis:
            k = kpis.get(kpi_id)
            if k is None or k.unit.strip() != "%" or k.baseline is None or k.target is None:
                continue
            direction = 1.0 if k.target >= k.baseline else -1.0
            uplift = max(0.0, direction * (k.target - measured.get(k.id, k.baseline))) / 100.0
            if best is None or uplift > best[0]:
                best = (uplift, k.id)
        reason = "" if best is not None else "no_share_kpi"
        if best is not None and best[0] <= 0:
            reason = "target_met"
        if not reason and value != value:
            reason = "no_value"
        uplift = best[0] if best else math.nan
        quarter_value = value / QUARTERS_A_YEAR
        effect = o.reach * uplift * quarter_value * o.confidence if not reason else math.nan
        rows.append(
            {
                "opportunity": o.id,
                "title": o.title,
                "reach": o.reach,
                "kpi": best[1] if best else "",
                "uplift": uplift,
                "value": value,
                "confidence": o.confidence,
                "effect": effect,
                "rice": o.rice,
                "reason": reason,
            }
        )
    return pd.DataFrame(rows, columns=list(EFFECT_COLUMNS))


def ranked_plan(
    project: Project, baselines: Mapping[str, float] | None = None, lang: str = "en"
) -> pd.DataFrame:
    """The action plan ordered by expected effect (largest first, unknown last), with both ranks.

    Each row shows the formula with its inputs, so the estimate can be checked.
    """
    effects = opportunity_effects(project, baselines)
    if effects.empty:
        return pd.DataFrame()
    effects["rice_rank"] = effects["rice"].rank(ascending=False, method="min").astype(int)
    effects["effect_rank"] = effects["effect"].rank(ascending=False, method="min")
    effects = effects.sort_values(
        ["effect", "rice", "title"], ascending=[False, False, True], na_position="last"
    )
    kpi_names = {k.id: k.name for k in project.kpis}
    currency = project.currency
    rows = []
    for row in effects.itertuples(index=False):
        if row.reason:
            shown = "—"
            how = t(f"decisions.effect.{row.reason}", lang, kpi=kpi_names.get(row.kpi, row.kpi))
        else:
            shown = f"{format_number(row.effect, lang, 0)} {currency}"
            how = t(
                "decisions.effect.formula",
                lang,
                reach=format_number(row.reach, lang, 0),
                uplift=format_number(100 * row.uplift, lang, 1),
                kpi=kpi_names.get(row.kpi, row.kpi),
                value=f"{format_number(row.value / QUARTERS_A_YEAR, lang, 0)} {currency}",
                yearly=f"{format_number(row.value, lang, 0)} {currency}",
                confidence=format_number(row.confidence, lang, 2),
            )
        rows.append(
            {
                t("decisions.effect.col.opportunity", lang): row.title,
                t("decisions.effect.col.effect", lang): shown,
                t("decisions.effect.col.effect_rank", lang): (
                    str(int(row.effect_rank)) if row.effect_rank == row.effect_rank else "—"
                ),
                t("decisions.effect.col.rice", lang): format_number(row.rice, lang, 1),
                t("decisions.effect.col.rice_rank", lang): str(row.rice_rank),
                t("decisions.effect.col.how", lang): how,
            }
        )
    return pd.DataFrame(rows)
