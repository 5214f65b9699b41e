"""What the step notebooks show about the project itself: tables, cards and charts.

Pure functions of a :class:`Project`: each returns a pandas DataFrame, an HTML
string (every user text escaped) or a matplotlib Figure, so notebooks, reports
and tests use the same result. Data-derived views live in :mod:`.overlay`.
"""

from __future__ import annotations

__all__ = [
    "CARD_CSS",
    "action_plan",
    "impact_effort_figure",
    "inventory_figure",
    "kpi_table",
    "objective_card_html",
    "persona_cards_html",
    "project_overview",
    "quadrant_figure",
    "resource_gaps",
    "resource_table",
    "scoring_figure",
    "scoring_matrix",
    "stages_without_touchpoints",
    "touchpoint_inventory",
    "walkthrough_by_stage",
    "walkthrough_table",
]

from collections.abc import Iterable
from typing import Any

import pandas as pd
from matplotlib import rcParams
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .charts import message_figure
from .i18n import format_date, format_number, t
from .model import RESOURCE_KINDS, Project
from .plot_parts import heatmap
from .plot_theme import crest
from .text import esc

rcParams["text.parse_math"] = (
    False  # a '$' in user text (a channel, a title) is drawn as typed, never as mathtext
)

# --- small HTML pieces ---------------------------------------------------------------

CARD_CSS = """
<style>
.cjm-cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,380px),1fr));gap:12px;
  font-family:'DejaVu Sans',Arial,sans-serif}
.cjm-card{border:1px solid #c9d3dd;border-radius:8px;padding:10px 14px;max-width:none;min-width:0;
  background:#fbfcfd;box-shadow:0 1px 2px rgba(0,0,0,.05);break-inside:avoid}
.cjm-card h4{margin:0 0 6px 0;color:#1f3b57}
.cjm-card dl{margin:0;display:grid;grid-template-columns:fit-content(40%) minmax(0,1fr);gap:2px 10px}
.cjm-card dt{font-weight:600;color:#4a5a6a}
.cjm-card dd{margin:0;overflow-wrap:break-word}
.cjm-card ul{margin:2px 0 2px 18px;padding:0}
.cjm-card .cjm-quote{font-style:italic;color:#33506b;margin:4px 0 8px}
.cjm-evidence{font-size:11px;border-radius:8px;padding:0 6px;background:#e8eef4;color:#33506b}
</style>
"""


def _items(values: Iterable[str]) -> str:
    values = [v for v in values if v]
    if not values:
        return "—"
    return "<ul>" + "".join(f"<li>{esc(v)}</li>" for v in values) + "</ul>"


def _row(label: str, value_html: str) -> str:
    return f"<dt>{esc(label)}</dt><dd>{value_html}</dd>"


def _card(title: str, rows: list[str], extra: str = "", badge: str = "") -> str:
    badge_html = f" <span class='cjm-evidence'>{esc(badge)}</span>" if badge else ""
    return f"<div class='cjm-card'><h4>{esc(title)}{badge_html}</h4>{extra}<dl>{''.join(rows)}</dl></div>"


# --- step 1 --------------------------------------------------------------------------


def objective_card_html(project: Project, lang: str = "en") -> str:
    """The objective card: question, scope, metrics, team, data sources, review."""
    o = project.objectives
    review = format_date(o.next_review, lang) if o.next_review else "—"
    rows = [
        _row(t("views.objective.question", lang), esc(o.business_question or "—")),
        _row(t("views.objective.goal_type", lang), esc(t(f"views.goal_type.{o.goal_type}", lang))),
        _row(t("views.objective.scope", lang), esc(o.scope or "—")),
        _row(t("views.objective.experience", lang), esc(o.experience or "—")),
        _row(t("views.objective.metrics", lang), _items(o.success_metrics)),
        _row(
            t("views.objective.team", lang),
            _items(
                f"{m.name} — {m.role} ({m.department})" if m.department else f"{m.name} — {m.role}"
                for m in o.team
            ),
        ),
        _row(
            t("views.objective.sources", lang),
            _items(f"{t(f'views.source_kind.{s.kind}', lang)}: {s.name}" for s in o.data_sources),
        ),
        _row(
            t("views.objective.review", lang),
            esc(f"{t(f'views.cadence.{o.review_cadence}', lang)} · {review}"),
        ),
    ]
    return CARD_CSS + "<div class='cjm-cards'>" + _card(project.name, rows) + "</div>"


# --- step 2 --------------------------------------------------------------------------


def persona_cards_html(project: Project, lang: str = "en") -> str:
    """One card per persona: who they are, what they want, where to reach them."""
    cards = []
    for p in project.personas:
        d = p.demographics
        who = ", ".join(
            v for v in (d.age_band, d.occupation, d.location, d.family_status, d.income_band) if v
        )
        share = (
            format_number(p.share_of_customers * 100, lang, 0) + " %"
            if p.share_of_customers is not None
            else "—"
        )
        rows = [
            _row(t("views.persona.who", lang), esc(who or "—")),
            _row(t("views.persona.share", lang), esc(share)),
            _row(t("views.persona.goals", lang), _items(p.goals)),
            _row(t("views.persona.needs", lang), _items(p.needs)),
            _row(t("views.persona.pains", lang), _items(p.pains)),
            _row(t("views.persona.channels", lang), _items(p.preferred_channels)),
            _row(t("views.persona.hears_via", lang), _items(p.hears_about_products_via)),
            _row(t("views.persona.jobs", lang), _items(p.jobs_to_be_done)),
            _row(t("views.persona.says", lang), _items(p.empathy_map.says)),
            _row(t("views.persona.thinks", lang), _items(p.empathy_map.thinks)),
            _row(t("views.persona.does", lang), _items(p.empathy_map.does)),
            _row(t("views.persona.feels", lang), _items(p.empathy_map.feels)),
        ]
        quote = f"<p class='cjm-quote'>“{esc(p.quote)}”</p>" if p.quote else ""
        cards.append(_card(p.name, rows, quote, t(f"common.evidence.{p.evidence}", lang)))
    body = "".join(cards) or f"<p>{esc(t('views.persona.none', lang))}</p>"
    return CARD_CSS + f"<div class='cjm-cards'>{body}</div>"


# --- step 3 --------------------------------------------------------------------------


def scoring_matrix(project: Project, lang: str = "en") -> pd.DataFrame:
    """Personas scored on share of customers, value and strategic fit; highest total first."""
    scores = {tp.persona: tp for tp in project.target_personas}
    rows = []
    for p in project.personas:
        tp = scores.get(p.id)
        rows.append(
            {
                t("views.score.persona", lang): p.name,
                t("views.score.share", lang): tp.share_score if tp else None,
                t("views.score.value", lang): tp.value_score if tp else None,
                t("views.score.fit", lang): tp.strategic_fit if tp else None,
                t("views.score.total", lang): tp.total if tp else None,
                t("views.score.primary", lang): "★" if tp and tp.primary else "",
            }
        )
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    # whole numbers, and "not scored" as a missing value rather than NaN turning 3 into 3.0
    numbers = [t(f"views.score.{k}", lang) for k in ("share", "value", "fit", "total")]
    frame[numbers] = frame[numbers].astype("Int64")
    return frame.sort_values(
        t("views.score.total", lang), ascending=False, na_position="last"
    ).reset_index(drop=True)


def scoring_figure(project: Project, lang: str = "en") -> Figure:
    """A heatmap of the scoring matrix: rows are personas, columns the three criteria."""
    matrix = scoring_matrix(project, lang)
    height = 1.2 + 0.6 * max(len(matrix), 1)
    if matrix.empty:
        return message_figure(7, height, t("views.persona.none", lang))
    fig = Figure(figsize=(7, height))
    ax = fig.subplots()
    cols = [t(f"views.score.{k}", lang) for k in ("share", "value", "fit")]
    data = matrix.set_index(t("views.score.persona", lang))[cols].astype(float)
    heatmap(ax, data, crest(), fmt=".0f", vmin=1, vmax=5, line_width=1)
    ax.set_ylabel("")
    ax.set_title(t("views.score.title", lang))
    fig.tight_layout()
    return fig


# --- step 4 --------------------------------------------------------------------------


def touchpoint_inventory(project: Project, lang: str = "en") -> pd.DataFrame:
    """Count of touchpoints per stage (rows, in journey order) and channel (columns)."""
    stages = [s.name for s in project.stages]
    by_id = {s.id: s.name for s in project.stages}
    records = [
        (by_id.get(tp.stage, tp.stage), tp.channel or t("views.inventory.no_channel", lang))
        for tp in project.touchpoints
    ]
    frame = pd.DataFrame(records, columns=["stage", "channel"])
    table = pd.crosstab(frame["stage"], frame["channel"]) if records else pd.DataFrame()
    table = table.reindex(stages, fill_value=0) if not table.empty else pd.DataFrame(index=stages)
    table.index.name = t("views.inventory.stage", lang)
    table.columns.name = t("views.inventory.channel", lang)
    return table.astype(int)


def stages_without_touchpoints(project: Project) -> list[str]:
    """Names of stages that no touchpoint belongs to yet."""
    used = {tp.stage for tp in project.touchpoints}
    return [s.name for s in project.stages if s.id not in used]


def inventory_figure(project: Project, lang: str = "en") -> Figure:
    """A heatmap of touchpoints per stage and channel; empty stages show as a row of zeros."""
    table = touchpoint_inventory(project, lang)
    size = (max(6, 1.1 * len(table.columns) + 3), 1 + 0.55 * len(table))
    if table.empty or table.columns.empty:
        return message_figure(*size, t("views.inventory.none", lang))
    fig = Figure(figsize=size)
    ax = fig.subplots()
    heatmap(ax, table, "Blues", line_width=1)
    ax.set_title(t("views.inventory.title", lang))
    ax.tick_params(axis="x", rotation=30)
    fig.tight_layout()
    return fig


# --- step 6 --------------------------------------------------------------------------


def resource_table(project: Project, lang: str = "en") -> pd.DataFrame:
    """Resources per touchpoint and department, with what is had and what is needed."""
    names = {tp.id: tp.name for tp in project.touchpoints}
    rows = [
        {
            t("views.resource.touchpoint", lang): names.get(r.touchpoint or "", "—"),
            t("views.resource.department", lang): r.department or "—",
            t("views.resource.kind", lang): t(f"views.resource_kind.{r.kind}", lang),
            t("views.resource.description", lang): r.description,
            t("views.resource.status", lang): t(f"views.resource_status.{r.status}", lang),
            t("views.resource.owner", lang): r.owner or "—",
        }
        for r in project.resources
    ]
    return pd.DataFrame(rows)


def resource_gaps(project: Project, lang: str = "en") -> pd.DataFrame:
    """Touchpoints by resource kind: 'need' where something is missing, 'have' where covered."""
    names = {tp.id: tp.name for tp in project.touchpoints}
    kinds = list(RESOURCE_KINDS)
    cells: dict[str, dict[str, str]] = {}
    for r in project.resources:
        row = cells.setdefault(names.get(r.touchpoint or "", r.department or "—"), {})
        current = row.get(r.kind)
        row[r.kind] = "need" if "need" in (current, r.status) else "have"
    frame = pd.DataFrame.from_dict(cells, orient="index").reindex(columns=kinds)
    frame = frame.map(
        lambda v: t(f"views.resource_status.{v}", lang) if isinstance(v, str) else "—"
    )
    frame.columns = [t(f"views.resource_kind.{k}", lang) for k in kinds]
    frame.index.name = t("views.resource.touchpoint", lang)
    return frame


# --- step 7 --------------------------------------------------------------------------


def walkthrough_table(project: Project, lang: str = "en") -> pd.DataFrame:
    """The walkthrough log in time order, with stage and touchpoint names."""
    stages = {s.id: s.name for s in project.stages}
    names = {tp.id: tp.name for tp in project.touchpoints}
    rows = [
        {
            # as a person reads it (the text view of the table too): "6 Oct 2026 06:52"
            t("views.walk.when", lang): format_date(w.when.date(), lang)
            + w.when.strftime(" %H:%M"),
            t("views.walk.stage", lang): stages.get(w.stage, w.stage),
            t("views.walk.touchpoint", lang): names.get(w.touchpoint or "", "—"),
            t("views.walk.action", lang): w.action,
            t("views.walk.friction", lang): w.friction or "—",
            t("views.walk.minutes", lang): w.minutes,
            t("views.walk.emotion", lang): w.emotion,
        }
        for w in sorted(project.walkthrough, key=lambda w: w.when)
    ]
    return pd.DataFrame(rows)


def walkthrough_by_stage(project: Project, lang: str = "en") -> pd.DataFrame:
    """Minutes spent, steps with friction and mean feeling per stage of the walkthrough."""
    order = {s.id: i for i, s in enumerate(project.stages)}
    stages = {s.id: s.name for s in project.stages}
    rows: dict[str, dict[str, Any]] = {}
    for w in project.walkthrough:
        row = rows.setdefault(w.stage, {"minutes": 0.0, "friction": 0, "emotions": []})
        row["minutes"] += w.minutes
        row["friction"] += bool(w.friction)
        row["emotions"].append(w.emotion)
    out = [
        {
            t("views.walk.stage", lang): stages.get(stage, stage),
            t("views.walk.minutes", lang): round(r["minutes"], 1),
            t("views.walk.friction_steps", lang): r["friction"],
            t("views.walk.mean_emotion", lang): round(sum(r["emotions"]) / len(r["emotions"]), 2),
        }
        for stage, r in sorted(rows.items(), key=lambda kv: order.get(kv[0], 99))
    ]
    return pd.DataFrame(out)


# --- step 8 --------------------------------------------------------------------------


def action_plan(project: Project, lang: str = "en") -> pd.DataFrame:
    """Opportunities by RICE priority, each with its actions, owners, status and due dates."""
    rows = []
    for o in sorted(project.opportunities, key=lambda o: o.rice, reverse=True):
        actions = [a for a in project.actions if a.opportunity == o.id]
        rows.append(
            {
                t("views.plan.opportunity", lang): o.title,
                t("views.plan.rice", lang): round(o.rice, 1),
                t("views.plan.impact", lang): o.impact,
                t("views.plan.effort", lang): o.effort,
                t("views.plan.owner", lang): o.owner or "—",
                t("views.plan.status", lang): t(f"views.status.{o.status}", lang),
                t("views.plan.due", lang): format_date(o.due, lang) if o.due else "—",
                t("views.plan.actions", lang): "; ".join(
                    f"{a.title} ({t(f'views.status.{a.status}', lang)})" for a in actions
                )
                or "—",
            }
        )
    return pd.DataFrame(rows)


def quadrant_figure(
    middle: float,
    names: Iterable[tuple[float, float, str]],
    axes: tuple[str, str],
    title: str,
    top: float = 5.5,
) -> tuple[Figure, Axes]:
    """A 1-5 by 1-5 grid cut into quadrants at ``middle``, each named at its (x, y), ready for dots.

    The impact/effort grid and the stakeholder grid share this look. ``axes`` names the x and
    y axes; ``top`` leaves room above 5 for the names. Call ``fig.tight_layout()`` after drawing.
    """
    fig = Figure(figsize=(8, 5.5))
    ax = fig.subplots()
    ax.axhline(middle, color="#9aa7b4", lw=1, ls="--")
    ax.axvline(middle, color="#9aa7b4", lw=1, ls="--")
    for x, y, name in names:
        ax.text(x, y, name, ha="center", va="center", color="#6b7b8b", fontsize=10)
    ax.set_xlim(0.5, 5.5)
    ax.set_ylim(0.5, top)
    ax.set_xlabel(axes[0])
    ax.set_ylabel(axes[1])
    ax.set_title(title)
    return fig, ax


def impact_effort_figure(project: Project, lang: str = "en") -> Figure:
    """Opportunities on an impact/effort grid, bubble size by reach: quick wins top left."""
    fig, ax = quadrant_figure(
        3,
        (
            (1.6, 4.8, t("views.matrix.quick_wins", lang)),
            (4.4, 4.8, t("views.matrix.big_bets", lang)),
            (1.6, 1.2, t("views.matrix.fill_ins", lang)),
            (4.4, 1.2, t("views.matrix.money_pits", lang)),
        ),
        (t("views.matrix.effort", lang), t("views.matrix.impact", lang)),
        t("views.matrix.title", lang),
    )
    max_reach = max((o.reach for o in project.opportunities), default=0) or 1
    for n, o in enumerate(project.opportunities):
        jitter = ((n % 3) - 1) * 0.08
        ax.scatter(
            o.effort + jitter,
            o.impact + jitter,
            s=120 + 900 * o.reach / max_reach,
            alpha=0.55,
            color="#2a7ab0" if o.status not in ("done", "dropped") else "#9aa7b4",
            edgecolor="white",
        )
        label = o.title if len(o.title) <= 38 else o.title[:36] + "…"
        right_edge = (
            o.effort + jitter > 3.5
        )  # labels there sit centred below, so they stay inside the axes
        ax.annotate(
            label,
            (o.effort + jitter, o.impact + jitter),
            xytext=(0, -22) if right_edge else (8, 6),
            textcoords="offset points",
            fontsize=8.5,
            ha="center" if right_edge else "left",
        )
    fig.tight_layout()
    return fig


def kpi_table(project: Project, lang: str = "en") -> pd.DataFrame:
    """KPIs with baseline, current value, target and how far there is still to go."""
    rows = []
    for k in project.kpis:
        gap = None
        if k.target is not None and k.current is not None:
            gap = round(k.target - k.current, 2)
        rows.append(
            {
                t("views.kpi.name", lang): k.name,
                t("views.kpi.unit", lang): k.unit,
                t("views.kpi.baseline", lang): k.baseline,
                t("views.kpi.current", lang): k.current,
                t("views.kpi.target", lang): k.target,
                t("views.kpi.gap", lang): gap,
                t("views.kpi.source", lang): k.source or "—",
            }
        )
    return pd.DataFrame(rows)


def project_overview(project: Project, lang: str = "en") -> pd.DataFrame:
    """How much each part of the project holds: a quick map of what is filled in."""
    parts = [
        "personas",
        "target_personas",
        "stages",
        "touchpoints",
        "journeys",
        "resources",
        "walkthrough",
        "kpis",
        "opportunities",
        "actions",
    ]
    return pd.DataFrame(
        {
            t("views.overview.part", lang): [t(f"views.overview.{p}", lang) for p in parts],
            t("views.overview.count", lang): [len(getattr(project, p)) for p in parts],
        }
    )
