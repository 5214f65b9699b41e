"""The report's decision data: whether switches lose customers, where customers go, who comes back,
and which touchpoints earn credit for a conversion once those every buyer passes are flagged.

:func:`decision_results` computes the analyses once from the event log (and the
survey); :func:`decision_html` draws them as notes, a chart and tables. Either part
may be missing: a section appears only for what could be computed.
"""

from __future__ import annotations

__all__ = [
    "SWITCH_KIND",
    "decision_html",
    "decision_results",
]

from typing import Any

from ..i18n import t
from ..model import Project
from .page import esc, figure_html, frame_html, note

SWITCH_KIND = "channel"
"""The kind of switch charted from one step to the next in the report."""


def decision_results(log: Any, project: Project, survey: Any = None) -> dict[str, Any]:
    """Switch verdicts and points, transitions, top paths, visit groups, attribution with must-pass
    touchpoints flagged and (with a survey) stage scores."""
    from ..overlay import gaps, score_summary, switch_points, top_paths, transitions
    from ..overlay.conversion import decision_attribution
    from ..overlay.switches import switch_verdicts
    from ..overlay.visits import visit_groups

    out: dict[str, Any] = {
        "verdicts": switch_verdicts(gaps(log)),
        "switch_points": switch_points(log, SWITCH_KIND),
        "transitions": transitions(log, on="touchpoint"),
        "top_paths": top_paths(log, 10, on="stage"),
        "visits": visit_groups(log),
        "project": project,
    }
    try:  # flags and exclusions are extra: without them the plain attribution still shows
        out["attribution"] = decision_attribution(log, "touchpoint")
    except Exception:
        out["attribution"] = None
    if survey is not None:
        out["stage_scores"] = score_summary(survey, by="stage")
    return out


def _part(name: str, title: str, body: str) -> str:
    return f'<div class="cjm-overlay-part" data-analysis="{name}"><h3>{esc(title)}</h3>{body}</div>'


def decision_html(results: dict[str, Any] | None, lang: str) -> str:
    """The decision sections of the overlay part: each a heading, what it means, and the data."""
    from ..overlay import decision_views as views
    from ..overlay.switches import plot_switch_points, verdict_lines

    if not results:
        return ""
    project = results.get("project")
    parts = []
    verdicts = results.get("verdicts")
    points = results.get("switch_points")
    if verdicts is not None and points is not None:
        body = "".join(note(line) for line in verdict_lines(verdicts, lang))
        stay = verdicts.set_index("kind")["stay_drop_off"].get(SWITCH_KIND)
        title = t(
            "decisions.switch.title", lang, kind=t(f"decisions.switch.kind.{SWITCH_KIND}", lang)
        )
        if len(points):
            body += figure_html(plot_switch_points(points, stay, lang), title)
        body += frame_html(views.switch_table(points, lang), lang)
        parts.append(_part("switches", t("decisions.report.switches", lang), body))
    if results.get("transitions") is not None:
        table = views.transitions_table(results["transitions"], project, 10, lang)
        parts.append(
            _part("transitions", t("decisions.report.transitions", lang), frame_html(table, lang))
        )
    if results.get("top_paths") is not None:
        table = views.paths_table(results["top_paths"], project, lang)
        parts.append(
            _part("top_paths", t("decisions.report.top_paths", lang), frame_html(table, lang))
        )
    if results.get("stage_scores") is not None:
        table = views.stage_scores_table(results["stage_scores"], project, lang)
        parts.append(
            _part("stage_scores", t("decisions.report.stage_scores", lang), frame_html(table, lang))
        )
    attributed = results.get("attribution")
    if attributed is not None and len(attributed):
        from ..overlay.conversion import attribution_notes

        body = "".join(note(line) for line in attribution_notes(attributed, lang))
        body += frame_html(views.attribution_table(attributed, lang), lang)
        parts.append(_part("decision_attribution", t("reportdata.attribution.title", lang), body))
    if results.get("visits") is not None:
        table = views.visits_table(results["visits"], lang)
        parts.append(_part("visits", t("decisions.report.visits", lang), frame_html(table, lang)))
    return "".join(parts)
