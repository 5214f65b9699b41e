"""The report's action plan by expected revenue effect, beside its RICE order.

Baselines measured from the event log in step 7 replace the typed ones (shown in a
table of their own), and every estimate carries its formula with its inputs, as
:func:`~cjm_helpers.overlay.targets.ranked_plan` writes it.
"""

from __future__ import annotations

__all__ = ["effect_plan_html", "measured_baselines_for"]

from typing import Any

import pandas as pd

from ..i18n import format_number, t
from ..model import Project
from .page import esc, frame_html, note


def measured_baselines_for(project: Project, measured: Any) -> pd.DataFrame:
    """The percent KPIs whose baseline the measured KPIs (a ``kpis()`` frame) provide; empty without data."""
    from ..overlay.targets import measured_baselines

    if measured is None or not len(measured):
        return pd.DataFrame(
            columns=["kpi", "name", "measured", "typed_baseline", "baseline", "unit"]
        )
    return measured_baselines(project, measured)[1]


def effect_plan_html(project: Project, measured: Any, lang: str) -> str:
    """The plan ordered by expected effect with both ranks, how an effect is computed, and the baselines.

    ``measured`` is the KPI frame of the data overlay (or None when there is no event log).
    """
    from ..overlay.decision_views import baselines_table
    from ..overlay.targets import customer_value, ranked_plan

    if not project.opportunities:
        return ""
    changed = measured_baselines_for(project, measured)
    baselines = dict(zip(changed["kpi"], changed["baseline"]))
    value, whose = customer_value(project)
    if value != value:
        priced = t("reportdata.effect.no_value", lang)
    else:
        amount = f"{format_number(value, lang, 0)} {project.currency}"
        priced = t(
            "reportdata.effect.value_of" if whose else "reportdata.effect.value_mean",
            lang,
            value=amount,
            persona=whose,
        )
    body = (
        f'<div class="cjm-effect-plan"><h3>{esc(t("reportdata.effect.title", lang))}</h3>'
        f"<p>{esc(t('reportdata.effect.formula', lang))}</p>"
        f"<p>{esc(priced)}</p>"
        f"{frame_html(ranked_plan(project, baselines, lang), lang)}"
    )
    if len(changed):
        body += (
            f"<h3>{esc(t('reportdata.effect.baselines', lang))}</h3>"
            f"{frame_html(baselines_table(changed, lang), lang)}"
        )
    else:
        body += note(t("reportdata.effect.typed_baselines", lang))
    return body + "</div>"
