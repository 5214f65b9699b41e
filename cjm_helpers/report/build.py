"""The combined journey report: one self-contained HTML page per project (or per persona).

Sections, in the order a reader needs them: the objective, the buy-in brief,
the personas, the map, the data overlay, the two periods compared, the opportunities and action plan, the
team and stakeholders (with the RACI), the checklist and the review status. Parts that another module has not produced (no data, no
checks yet) are replaced by a short note rather than failing the report.
"""

from __future__ import annotations

__all__ = [
    "build_report",
    "checklist_html",
    "compare_fragment",
    "map_fragment",
    "review_html",
    "write_report",
]

import datetime as dt
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .. import paths
from ..i18n import check_language, format_date, t
from ..model import Project
from ..tables import id_names
from .overlay import measured_kpis, overlay_html, periods_html
from .page import document, esc, figure_html, frame_html, link_list, note, section, toc_html


def _objective(project: Project, lang: str) -> str:
    from ..views import objective_card_html

    return objective_card_html(project, lang)


def _personas(
    project: Project, lang: str, persona_id: str | None, overlay_results: dict[str, Any] | None
) -> str:
    from ..views import persona_cards_html, scoring_matrix
    from .overlay import FOUND_SEGMENTS, PERSONA_SCORES, PERSONAS
    from .persona_scores import found_segments_html, persona_scores_html

    shown = project
    if persona_id:
        shown = project.model_copy(update={"personas": [project.persona(persona_id)]})
    cards = persona_cards_html(shown, lang)
    matrix = scoring_matrix(project, lang)
    scores = (
        f"<h3>{esc(t('report.scores', lang))}</h3>{frame_html(matrix, lang)}" if len(matrix) else ""
    )
    data = (overlay_results or {}).get(PERSONAS) or {}
    measured = persona_scores_html(data.get(PERSONA_SCORES), project, lang)
    return cards + scores + measured + found_segments_html(data.get(FOUND_SEGMENTS), lang)


def map_fragment(project: Project, journey_id: str | None, lang: str) -> str:
    """The journey map as an inline HTML fragment (the map module's own renderer)."""
    try:
        from ..mapping import JourneyMap

        return JourneyMap(project, journey_id, lang=lang)._repr_html_()
    except ImportError:
        from ..mapping import render_map_html

        return render_map_html(project, journey_id, lang)


def compare_fragment(project: Project, journey_id: str | None, lang: str) -> str:
    """As-is beside to-be when a future-state journey improves on this one; else ''."""
    current = project.journey(journey_id)
    future = next((j for j in project.journeys if j.compares_to == current.id), None)
    if future is None:
        return ""
    try:
        from ..mapping import compare_maps

        return compare_maps(project, current.id, future.id, lang=lang)._repr_html_()
    except ImportError:
        from ..mapping import compare_html

        return compare_html(project, current.id, future.id, lang)


def _map(project: Project, lang: str, journey_id: str | None, persona_id: str | None = None) -> str:
    if not project.journeys:
        return note(t("report.no_journeys", lang))
    if persona_id and journey_id is None:
        return note(t("report.no_persona_journey", lang, persona=project.persona(persona_id).name))
    body = f'<div class="cjm-scroll">{map_fragment(project, journey_id, lang)}</div>'
    compare = compare_fragment(project, journey_id, lang)
    if compare:
        body += f'<h3>{esc(t("report.compare", lang))}</h3><div class="cjm-scroll">{compare}</div>'
    return body


def _plan(project: Project, lang: str, overlay_results: dict[str, Any] | None) -> str:
    from ..views import action_plan, impact_effort_figure, kpi_table
    from .effect_plan import effect_plan_html

    if not project.opportunities:
        body = note(t("report.no_opportunities", lang))
    else:
        body = (
            figure_html(impact_effort_figure(project, lang), t("report.impact_effort", lang))
            + f"<h3>{esc(t('report.action_plan', lang))}</h3>"
            + frame_html(action_plan(project, lang), lang)
            + effect_plan_html(project, measured_kpis(overlay_results), lang)
        )
    if project.kpis:
        body += f"<h3>{esc(t('report.kpi_targets', lang))}</h3>" + frame_html(
            kpi_table(project, lang), lang
        )
    return body


def _brief(project: Project, lang: str, overlay_results: dict[str, Any] | None) -> str:
    from .brief import brief_html

    return brief_html(project, lang, measured_kpis(overlay_results))


def _stakeholders(project: Project, lang: str) -> str:
    from ..stakeholders import stakeholders_html

    return stakeholders_html(project, lang)


SECTION_TITLES = {
    "brief": "stakeholders.brief.section",
    "stakeholders": "stakeholders.section",
    "periods": "reportdata.periods.section",
}
"""Sections whose titles live in another catalogue than ``report.section.*``."""


def checklist_html(project: Project, lang: str, today: dt.date | None = None) -> str:
    """Every check of every step, as the checks module renders it."""
    try:
        from ..checks import Checklist, check_project
    except ImportError:
        return note(t("report.no_checks", lang))
    return Checklist(check_project(project, step=None, lang=lang, today=today), lang)._repr_html_()


def review_html(project: Project, lang: str, today: dt.date | None = None) -> str:
    """When the map is next due for review, and whether that date has passed."""
    today = today or dt.date.today()
    due = project.objectives.next_review
    cadence = t(f"views.cadence.{project.objectives.review_cadence}", lang)
    try:
        from ..diff import review_status

        status = review_status(project, today=today)
        overdue, message = bool(status.overdue), status.message(lang)
    except ImportError:
        if due is None:
            overdue, message = True, t("report.review.none", lang)
        elif due < today:
            overdue, message = (
                True,
                t(
                    "report.review.overdue",
                    lang,
                    date=format_date(due, lang),
                    days=(today - due).days,
                ),
            )
        else:
            overdue, message = (
                False,
                t("report.review.due", lang, date=format_date(due, lang), days=(due - today).days),
            )
    css = "overdue" if overdue else "ok"
    return (
        f'<p><span class="cjm-status {css}">{esc(message)}</span></p>'
        f"<p class='cjm-meta'>{esc(t('report.review.cadence', lang, cadence=cadence))}</p>"
    )


def _guarded(title: str, render: Callable[[], str], lang: str) -> str:
    """A section's HTML, or a note naming the section and the problem when it cannot be drawn."""
    try:
        return render()
    except Exception as exc:  # one broken section must not cost the reader the whole report
        return note(
            t("report.section_failed", lang, section=title, error=f"{type(exc).__name__}: {exc}")
        )


def build_report(
    project: Project,
    lang: str = "en",
    overlay_results: dict[str, Any] | None = None,
    persona_id: str | None = None,
    journey_id: str | None = None,
    notebook_links: Sequence[tuple[str, str]] = (),
    today: dt.date | None = None,
    segment: str | None = None,
    notices: Sequence[str] = (),
) -> str:
    """The journey report as one self-contained HTML page (styles inline, images as data URIs).

    ``notices`` (a data file skipped, data not cut to a persona) open the page, where no reader misses them.
    """
    lang = check_language(lang)
    if today is None:
        today = paths.reference_date()
    if persona_id and journey_id is None:
        journey_id = next((j.id for j in project.journeys if j.persona == persona_id), None)
    parts = _sections(project, lang, overlay_results, persona_id, journey_id, today)
    if notebook_links:
        parts.append(("notebooks", t("report.section.notebooks", lang), link_list(notebook_links)))
    focus = _focus_html(project, lang, persona_id, journey_id, segment, notices)
    toc = toc_html([(anchor, title) for anchor, title, _ in parts], lang)
    body = _head_html(project, focus, today, lang) + toc
    body += "".join(section(anchor, title, html) for anchor, title, html in parts)
    body += f"<footer class='cjm-foot'>{esc(t('report.footer', lang))}</footer>"
    return document(t("report.title", lang, project=project.name), body, lang)


def _sections(
    project: Project,
    lang: str,
    overlay_results: dict[str, Any] | None,
    persona_id: str | None,
    journey_id: str | None,
    today: dt.date,
) -> list[tuple[str, str, str]]:
    """Each section as (anchor, title, HTML); a section that fails to render says so in its place."""
    renderers: list[tuple[str, Callable[[], str]]] = [
        ("objective", lambda: _objective(project, lang)),
        ("brief", lambda: _brief(project, lang, overlay_results)),
        ("personas", lambda: _personas(project, lang, persona_id, overlay_results)),
        ("map", lambda: _map(project, lang, journey_id, persona_id)),
        (
            "overlay",
            lambda: overlay_html(overlay_results, lang, id_names(project), project.currency),
        ),
        ("periods", lambda: periods_html(project, overlay_results, lang)),
        ("plan", lambda: _plan(project, lang, overlay_results)),
        ("stakeholders", lambda: _stakeholders(project, lang)),
        ("checklist", lambda: checklist_html(project, lang, today)),
        ("review", lambda: review_html(project, lang, today)),
    ]
    parts: list[tuple[str, str, str]] = []
    for anchor, render in renderers:
        title = t(SECTION_TITLES.get(anchor, f"report.section.{anchor}"), lang)
        parts.append((anchor, title, _guarded(title, render, lang)))
    return parts


def _focus_html(
    project: Project,
    lang: str,
    persona_id: str | None,
    journey_id: str | None,
    segment: str | None,
    notices: Sequence[str],
) -> str:
    """Whom the report is about (persona, segment) and the notices every reader must see first."""
    focus = ""
    if persona_id:
        focus = f"<p class='cjm-meta'>{esc(t('report.focus_persona', lang, persona=project.persona(persona_id).name))}</p>"
    if segment:
        focus += f"<p class='cjm-meta'>{esc(t('report.focus_segment', lang, segment=segment))}</p>"
    if persona_id and journey_id is None and project.journeys:
        notices = [
            *notices,
            t("inputs.persona.no_journey", lang, persona=project.persona(persona_id).name),
        ]
    if notices:
        focus += (
            '<div class="cjm-notices" role="alert">'
            + "".join(note(line) for line in notices)
            + "</div>"
        )
    return focus


def _head_html(project: Project, focus: str, today: dt.date, lang: str) -> str:
    """The page's header: the project's name and description, the focus, and the date it was made."""
    return (
        f'<header class="cjm-report-head"><p class="cjm-kicker">{esc(t("report.kicker", lang))}</p>'
        f"<h1>{esc(project.name)}</h1>{focus}"
        f"<p class='cjm-lead'>{esc(project.description)}</p>"
        f"<p class='cjm-meta'>{esc(t('report.generated', lang, date=format_date(today, lang)))}</p></header>"
    )


def write_report(
    path: str | os.PathLike[str],
    project: Project,
    lang: str = "en",
    overlay_results: dict[str, Any] | None = None,
    **options: Any,
) -> Path:
    """Build the report and write it atomically; external references are stripped as a safeguard."""
    from ..export import strip_external
    from ..store import atomic_write_text

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    page = strip_external(build_report(project, lang, overlay_results, **options))
    atomic_write_text(target, page, durable=False)
    return target
