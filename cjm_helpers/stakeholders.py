"""The stakeholder map and the RACI table: whose support the changes need, and who does what.

Stakeholders sit on an influence x interest grid (scores 1-5; 4 and 5 count as
high), and the quadrant says how to work with each one: manage closely, keep
satisfied, keep informed or monitor. The RACI table lists, per action of the
plan, who is responsible, who is accountable, who is consulted and who is informed.
"""

from __future__ import annotations

__all__ = [
    "HIGH",
    "QUADRANTS",
    "quadrant",
    "raci_for",
    "raci_table",
    "stakeholder_figure",
    "stakeholder_table",
    "stakeholders_html",
]

import pandas as pd
from matplotlib.figure import Figure

from .i18n import t
from .model import Project, Raci, Stakeholder
from .text import esc
from .views import quadrant_figure

HIGH = 4
"""A score of 4 or 5 is high influence or high interest; 3 and below is low."""

QUADRANTS: tuple[str, ...] = ("manage_closely", "keep_satisfied", "keep_informed", "monitor")


def quadrant(stakeholder: Stakeholder) -> str:
    """How to work with a stakeholder, from where they sit on the grid."""
    influential = stakeholder.influence >= HIGH
    interested = stakeholder.interest >= HIGH
    if influential:
        return "manage_closely" if interested else "keep_satisfied"
    return "keep_informed" if interested else "monitor"


def stakeholder_table(project: Project, lang: str = "en") -> pd.DataFrame:
    """Stakeholders, most influential first, with their scores and how to work with them."""
    people = sorted(
        project.objectives.stakeholders, key=lambda s: (-s.influence, -s.interest, s.name)
    )
    return pd.DataFrame(
        [
            {
                t("stakeholders.col.name", lang): s.name,
                t("stakeholders.col.role", lang): s.role or "—",
                t("stakeholders.col.department", lang): s.department or "—",
                t("stakeholders.col.influence", lang): s.influence,
                t("stakeholders.col.interest", lang): s.interest,
                t("stakeholders.col.approach", lang): t(
                    f"stakeholders.quadrant.{quadrant(s)}", lang
                ),
                t("stakeholders.col.concerns", lang): s.concerns or "—",
            }
            for s in people
        ]
    )


def stakeholder_figure(project: Project, lang: str = "en") -> Figure:
    """The influence x interest grid, one labelled dot per stakeholder, quadrants named."""
    fig, ax = quadrant_figure(
        HIGH - 0.5,
        (
            (4.6, 5.5, t("stakeholders.quadrant.manage_closely", lang)),
            (2.0, 5.5, t("stakeholders.quadrant.keep_satisfied", lang)),
            (4.6, 0.75, t("stakeholders.quadrant.keep_informed", lang)),
            (2.0, 0.75, t("stakeholders.quadrant.monitor", lang)),
        ),
        (t("stakeholders.axis.interest", lang), t("stakeholders.axis.influence", lang)),
        t("stakeholders.title", lang),
        top=5.75,
    )
    seen: dict[tuple[int, int], int] = {}
    for s in project.objectives.stakeholders:
        n = seen.get((s.interest, s.influence), 0)
        seen[(s.interest, s.influence)] = n + 1
        x, y = s.interest + 0.12 * n, s.influence - 0.18 * n  # people on one spot fan out
        ax.scatter(x, y, s=160, alpha=0.75, color="#2a7ab0", edgecolor="white")
        label = s.name if len(s.name) <= 30 else s.name[:28] + "…"
        ax.annotate(
            label,
            (x, y),
            xytext=(-8, 6) if x > 4.2 else (8, 6),
            textcoords="offset points",
            fontsize=8.5,
            ha="right" if x > 4.2 else "left",
        )
    fig.tight_layout()
    return fig


def raci_for(project: Project, action_id: str) -> Raci | None:
    """The RACI row of one action, if the team wrote one."""
    return next((r for r in project.raci if r.action == action_id), None)


def raci_table(project: Project, lang: str = "en") -> pd.DataFrame:
    """One row per action: its opportunity, then R, A, C and I by name ('—' where nobody is named).

    An action without a RACI row still shows its owner as responsible, so the gap
    is who answers for it, not the whole row.
    """
    titles = {o.id: o.title for o in project.opportunities}
    rows = []
    for action in project.actions:
        row = raci_for(project, action.id)
        responsible = (row.responsible if row else []) or ([action.owner] if action.owner else [])
        rows.append(
            {
                t("stakeholders.col.action", lang): action.title,
                t("stakeholders.col.opportunity", lang): titles.get(
                    action.opportunity, action.opportunity
                ),
                t("stakeholders.raci.responsible", lang): ", ".join(responsible) or "—",
                t("stakeholders.raci.accountable", lang): (row.accountable if row else "") or "—",
                t("stakeholders.raci.consulted", lang): ", ".join(row.consulted if row else [])
                or "—",
                t("stakeholders.raci.informed", lang): ", ".join(row.informed if row else [])
                or "—",
            }
        )
    return pd.DataFrame(rows)


def stakeholders_html(project: Project, lang: str = "en") -> str:
    """The report's section: the grid, the stakeholder table, and the RACI table."""
    from .report.page import figure_html, frame_html, note

    parts = []
    if project.objectives.stakeholders:
        parts.append(figure_html(stakeholder_figure(project, lang), t("stakeholders.title", lang)))
        parts.append(frame_html(stakeholder_table(project, lang), lang))
    else:
        parts.append(note(t("stakeholders.none", lang)))
    parts.append(f"<h3>{esc(t('stakeholders.raci.title', lang))}</h3>")
    if project.actions:
        parts.append(frame_html(raci_table(project, lang), lang))
    else:
        parts.append(note(t("stakeholders.raci.no_actions", lang)))
    return "".join(parts)
