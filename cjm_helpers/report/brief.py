"""The buy-in brief: one page for leadership and sales, drawn from the project alone.

Four parts, in the order a busy reader needs them: the question the map answers,
the evidence it rests on (how much is observed, reported or assumed, the sources,
the KPIs), the top three opportunities by RICE with their effect and cost, and
the asks (resources still needed, owners to name, support to win, the review).
Every value that came from the project is escaped.
"""

from __future__ import annotations

__all__ = [
    "BRIEF_CSS",
    "KPI_LIMIT",
    "OPEN_STATUSES",
    "TOP",
    "Ranked",
    "asks",
    "brief_html",
    "brief_page",
    "kpi_line",
    "kpis_to_show",
    "top_opportunities",
    "write_brief",
]

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import paths
from ..checks import evidence_counts
from ..i18n import check_language, format_date, format_number, format_percent, t
from ..model import KPI, Opportunity, Project
from ..stakeholders import quadrant
from .page import document, esc

TOP = 3
KPI_LIMIT = 5
"""Without KPIs tied to the top opportunities, the brief shows at most this many, to stay one page."""
OPEN_STATUSES = frozenset({"idea", "planned", "in_progress"})

BRIEF_CSS = """
<style>
.cjm-brief{max-width:820px}
.cjm-brief h2{font-size:18px}
.cjm-brief ol.cjm-top{padding-left:20px}
.cjm-brief ol.cjm-top li{margin:0 0 10px}
.cjm-brief .cjm-ec{display:grid;grid-template-columns:max-content 1fr;gap:0 10px;font-size:14px}
.cjm-brief .cjm-ec dt{font-weight:600;color:#1f3b57}
.cjm-brief .cjm-ec dd{margin:0}
@media print{.cjm-brief{font-size:10.5pt}}
</style>
"""


@dataclass(frozen=True)
class Ranked:
    """One of the top opportunities, with what it moves and what it removes, by name."""

    opportunity: Opportunity
    kpis: list[str]
    pains: list[str]


def top_opportunities(project: Project, n: int = TOP) -> list[Ranked]:
    """The ``n`` open opportunities with the highest RICE, ties broken by title."""
    kpi_names = {k.id: k.name for k in project.kpis}
    pain_texts = {
        pp.id: pp.text
        for j in project.journeys
        for cell in j.stages.values()
        for pp in (*cell.pain_points, *cell.internal_pain_points)
    }
    open_ones = [o for o in project.opportunities if o.status in OPEN_STATUSES]
    ranked = sorted(open_ones, key=lambda o: (-o.rice, o.title))[:n]
    return [
        Ranked(
            o,
            [kpi_names.get(k, k) for k in o.kpis],
            [pain_texts[p] for p in o.pain_points if p in pain_texts],
        )
        for o in ranked
    ]


def _number(value: float, unit: str, lang: str) -> str:
    if unit == "share" and -1 <= value <= 1:
        return format_percent(value, lang, 1)
    digits = 0 if float(value).is_integer() else 2
    text = format_number(value, lang, digits)
    return f"{text} {unit}".strip() if unit and unit != "share" else text


def kpi_line(kpi: KPI, lang: str, measured: float | None = None) -> str:
    """'Name: current → target', in words when nothing is measured yet.

    ``measured`` (the value step 7 measured from the event log, in the KPI's unit) is
    shown first and said to be measured, with the typed value beside it.
    """
    now = kpi.current if kpi.current is not None else kpi.baseline
    current = (
        _number(now, kpi.unit, lang)
        if now is not None
        else t("stakeholders.brief.kpi_unknown", lang)
    )
    if measured is not None:
        current = t(
            "reportdata.brief.measured",
            lang,
            measured=_number(measured, kpi.unit, lang),
            typed=current,
        )
    target = (
        t("stakeholders.brief.kpi_target", lang, target=_number(kpi.target, kpi.unit, lang))
        if kpi.target is not None
        else ""
    )
    return t("stakeholders.brief.kpi_line", lang, name=kpi.name, current=current, target=target)


def asks(project: Project, lang: str, top: list[Ranked] | None = None) -> list[str]:
    """What leadership is asked for: needed resources, missing owners, key support, the review."""
    top = top_opportunities(project) if top is None else top
    touchpoints = {tp.id: tp.name for tp in project.touchpoints}
    out = []
    for r in project.resources:
        if r.status != "need":
            continue
        where = touchpoints.get(r.touchpoint or "", "") or r.department
        out.append(
            t(
                "stakeholders.brief.ask_resource",
                lang,
                kind=t(f"views.resource_kind.{r.kind}", lang),
                description=r.description,
                where=f" ({where})" if where else "",
            )
        )
    for ranked in top:
        if not ranked.opportunity.owner.strip():
            out.append(t("stakeholders.brief.ask_owner", lang, title=ranked.opportunity.title))
    for s in project.objectives.stakeholders:
        if quadrant(s) == "manage_closely":
            role = ", ".join(x for x in (s.role, s.department) if x)
            out.append(
                t(
                    "stakeholders.brief.ask_support",
                    lang,
                    name=s.name,
                    role=f" ({role})" if role else "",
                )
            )
    if project.objectives.next_review is not None:
        out.append(
            t(
                "stakeholders.brief.ask_review",
                lang,
                date=format_date(project.objectives.next_review, lang),
            )
        )
    return out


def _list(items: list[str], css: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    return f"<ul{cls}>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>"


def _question(project: Project, lang: str) -> str:
    o = project.objectives
    if not o.business_question.strip():
        return f'<p class="cjm-note">{esc(t("stakeholders.brief.no_question", lang))}</p>'
    body = f"<p class='cjm-lead'><strong>{esc(o.business_question)}</strong></p>"
    if o.scope.strip():
        body += f"<p class='cjm-meta'>{esc(t('stakeholders.brief.scope', lang, scope=o.scope))}</p>"
    return body


def kpis_to_show(project: Project, top: list[Ranked]) -> list[KPI]:
    """The KPIs the top opportunities move; when they name none, the project's first few."""
    moved = {k for r in top for k in r.opportunity.kpis}
    chosen = [k for k in project.kpis if k.id in moved]
    return chosen or project.kpis[:KPI_LIMIT]


def _measured(project: Project, measured: Any) -> dict[str, float]:
    """KPI id -> the baseline step 7 measured (a ``kpis()`` frame), for the percent KPIs it matches."""
    from .effect_plan import measured_baselines_for

    found = measured_baselines_for(project, measured)
    return {str(k): float(v) for k, v in zip(found["kpi"], found["baseline"])}


def _evidence(project: Project, lang: str, top: list[Ranked], measured: Any = None) -> str:
    counts = evidence_counts(project)
    total = sum(counts.values())
    if total:
        mix = t("stakeholders.brief.evidence_mix", lang, total=total, **counts)
        if counts.get("planned"):
            mix += " " + t("stakeholders.brief.evidence_planned", lang, planned=counts["planned"])
        parts = [f"<p>{esc(mix)}</p>"]
    else:
        parts = [f"<p>{esc(t('stakeholders.brief.no_cards', lang))}</p>"]
    sources = [s.name for s in project.objectives.data_sources]
    if sources:
        parts.append(
            f"<p class='cjm-meta'>{esc(t('stakeholders.brief.sources', lang, sources='; '.join(sources)))}</p>"
        )
    shown = kpis_to_show(project, top)
    if shown:
        parts.append(f"<h3>{esc(t('stakeholders.brief.kpis', lang))}</h3>")
        values = _measured(project, measured)
        parts.append(_list([kpi_line(k, lang, values.get(k.id)) for k in shown]))
        if values:
            parts.append(
                f"<p class='cjm-meta'>{esc(t('reportdata.brief.measured_note', lang))}</p>"
            )
    return "".join(parts)


def _top(project: Project, lang: str, top: list[Ranked]) -> str:
    if not top:
        return f'<p class="cjm-note">{esc(t("stakeholders.brief.no_opportunities", lang))}</p>'
    items = []
    for r in top:
        o = r.opportunity
        effect = t(
            "stakeholders.brief.effect_line",
            lang,
            impact=o.impact,
            reach=format_number(o.reach, lang, 0),
            confidence=format_percent(o.confidence, lang, 0),
        )
        rows = [
            (t("stakeholders.brief.effect", lang), effect),
            (
                t("stakeholders.brief.cost", lang),
                t("stakeholders.brief.cost_line", lang, effort=o.effort),
            ),
        ]
        extra = []
        if r.kpis:
            extra.append(t("stakeholders.brief.moves", lang, kpis="; ".join(r.kpis)))
        if r.pains:
            extra.append(t("stakeholders.brief.removes", lang, pains="; ".join(r.pains)))
        extra.append(
            t("stakeholders.brief.owner", lang, owner=o.owner)
            if o.owner.strip()
            else t("stakeholders.brief.no_owner", lang)
        )
        grid = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in rows)
        items.append(
            f"<li><strong>{esc(o.title)}</strong>"
            f"<dl class='cjm-ec'>{grid}</dl>"
            + "".join(f"<div class='cjm-meta'>{esc(line)}</div>" for line in extra)
            + "</li>"
        )
    rule = f"<p class='cjm-meta'>{esc(t('stakeholders.brief.top_rule', lang))}</p>"
    return rule + "<ol class='cjm-top'>" + "".join(items) + "</ol>"


def brief_html(project: Project, lang: str = "en", measured: Any = None) -> str:
    """The brief as an HTML fragment (for the report and for its own page).

    ``measured`` is the KPI frame step 7 measured from the event log (``kpis()``), or None:
    where it matches a KPI, the brief shows that value beside the typed one.
    """
    lang = check_language(lang)
    top = top_opportunities(project)
    wanted = asks(project, lang, top)
    sections = [
        ("question", _question(project, lang)),
        ("evidence", _evidence(project, lang, top, measured)),
        ("top", _top(project, lang, top)),
        (
            "asks",
            _list(wanted) if wanted else f"<p>{esc(t('stakeholders.brief.no_asks', lang))}</p>",
        ),
    ]
    body = "".join(
        f"<h2>{esc(t(f'stakeholders.brief.{key}', lang))}</h2>{html}" for key, html in sections
    )
    return f"{BRIEF_CSS}<div class='cjm-brief'>{body}</div>"


def brief_page(
    project: Project, lang: str = "en", today: dt.date | None = None, measured: Any = None
) -> str:
    """The brief as a whole self-contained page, printable on one sheet (``measured``: as for :func:`brief_html`)."""
    lang = check_language(lang)
    if today is None:
        today = paths.reference_date()
    head = (
        f'<header class="cjm-report-head"><p class="cjm-kicker">{esc(t("stakeholders.brief.kicker", lang))}</p>'
        f"<h1>{esc(t('stakeholders.brief.title', lang, project=project.name))}</h1>"
        f"<p class='cjm-meta'>{esc(t('report.generated', lang, date=format_date(today, lang)))}</p></header>"
    )
    return document(
        t("stakeholders.brief.title", lang, project=project.name),
        head + brief_html(project, lang, measured),
        lang,
    )


def write_brief(
    path: str | os.PathLike[str],
    project: Project,
    lang: str = "en",
    today: dt.date | None = None,
    measured: Any = None,
) -> Path:
    """Write the brief page atomically; external references are stripped as a safeguard."""
    from ..export import strip_external
    from ..store import atomic_write_text

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(
        target, strip_external(brief_page(project, lang, today, measured)), durable=False
    )
    return target
