"""The data overlay part of the report: compute the analyses once, draw them as PNG and tables.

Each analysis is tried on its own: a missing file or an analysis that fails is
written into the report as a note naming the analysis and the problem, and the
rest of the report is still produced.
"""

from __future__ import annotations

__all__ = [
    "ANALYSES",
    "FOUND_SEGMENTS",
    "NOTES",
    "PERIODS",
    "PERSONAS",
    "PERSONA_SCORES",
    "PROBLEMS",
    "REVENUE",
    "compute_overlay",
    "measured_kpis",
    "overlay_html",
    "periods_html",
]

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..i18n import t
from ..model import Project
from ..reading import ReadOptions, call_accepting
from .page import esc, figure_html, frame_html, note

ANALYSES: tuple[tuple[str, str], ...] = (
    ("funnel", "plot_funnel"),
    ("emotion_curve", "plot_emotion_curve"),
    ("attribution", "plot_attribution"),
    ("gaps", "plot_gaps"),
    ("kpis", "plot_kpis"),
    ("tickets", "plot_tickets"),
)
"""The overlay results the report shows, in order, with the overlay plot that draws each."""

PROBLEMS = "_problems"
NOTES = "_notes"
PERSONAS = "personas"
"""The survey's view of the personas: PERSONA_SCORES and FOUND_SEGMENTS (drawn in the personas section)."""
PERSONA_SCORES = "persona_scores"
"""Share, value and satisfaction of each persona from the survey (drawn in the personas section)."""
PERIODS = "periods"
"""The project's two periods compared (``data: periods:``): a section of the report of its own."""
REVENUE = "revenue"
"""Revenue per customer from the survey's spend: a KPI row shown in the KPI table, not plotted."""
FOUND_SEGMENTS = "found_segments"
"""Segments KMeans finds in the survey answers, one profile each (drawn in the personas section)."""


def _attempt(results: dict[str, Any], name: str, compute: Callable[[], Any]) -> Any:
    try:
        value = compute()
    except Exception as exc:  # one failed analysis must not stop the report
        results.setdefault(PROBLEMS, []).append(f"{name}: {exc}")
        return None
    results[name] = value
    return value


@dataclass(frozen=True)
class _Inputs:
    """How the input files are read: for the project, with the overlay's loaders, language and options."""

    project: Project
    ov: Any
    lang: str
    reading: ReadOptions

    def tickets(self, path: str) -> Any:
        """The support tickets, read for the project (dates as the options say)."""
        return call_accepting(
            self.ov.load_tickets, path, self.project, lang=self.lang, **self.reading.date_kwargs()
        )

    def events(self, path: str) -> Any:
        """The event log, its events matched to the project's touchpoints and stages."""
        return self.ov.load_events(path, project=self.project, **self.reading.event_kwargs())

    def survey(self, path: str) -> Any:
        """The survey answers, read for the project (dates as the options say)."""
        return call_accepting(
            self.ov.load_survey,
            path,
            project=self.project,
            lang=self.lang,
            **self.reading.date_kwargs(),
        )


def _read_input(results: dict[str, Any], name: str, read: Callable[[], Any]) -> Any:
    """Read one input file: what it holds, or None with the problem recorded (the input is no result)."""
    value = _attempt(results, name, read)
    results.pop(name, None)
    return value


def compute_overlay(
    project: Project,
    events_file: str = "",
    survey_file: str = "",
    tickets_file: str = "",
    journey_id: str | None = None,
    lang: str = "en",
    reading: ReadOptions | None = None,
    persona_id: str | None = None,
) -> dict[str, Any]:
    """Funnel, emotion curve, attribution, gaps, KPIs, ticket counts and persona scores from whichever files exist.

    The files are read as ``reading`` says (else as the project's data section says).
    For one persona without a journey of its own there is no emotion curve: the
    map's stated emotions would be another persona's.
    """
    from ..reading import from_project

    reading = reading if reading is not None else from_project(project.data)
    results: dict[str, Any] = {}
    if not (events_file or survey_file or tickets_file):
        return results
    try:
        from .. import overlay as ov
    except ImportError as exc:
        results[PROBLEMS] = [f"overlay: {exc}"]
        return results
    inputs = _Inputs(project, ov, lang, reading)
    tickets = _ticket_analyses(results, inputs, tickets_file)
    log = _event_analyses(results, inputs, events_file, tickets)
    survey = None
    if survey_file:
        survey = _survey_analyses(results, inputs, survey_file, journey_id, persona_id)
    _joint_analyses(results, project, log, survey, tickets, lang)
    return results


def _ticket_analyses(results: dict[str, Any], inputs: _Inputs, tickets_file: str) -> Any:
    """Read the tickets and count them; the tickets (or None) go on to the KPIs and themes."""
    tickets = (
        _read_input(results, "tickets_file", lambda: inputs.tickets(tickets_file))
        if tickets_file
        else None
    )
    if tickets is not None:
        _attempt(results, "tickets", lambda: inputs.ov.ticket_counts(tickets))
    return tickets


def _event_analyses(
    results: dict[str, Any], inputs: _Inputs, events_file: str, tickets: Any
) -> Any:
    """Read the event log and run the analyses of it alone; the log (or None) goes on to the rest."""
    log = (
        _read_input(results, "events", lambda: inputs.events(events_file)) if events_file else None
    )
    if log is None:
        return None
    ov = inputs.ov
    _attempt(results, NOTES, lambda: log.notes(inputs.lang))
    _attempt(results, "funnel", lambda: ov.funnel(log))
    _attempt(results, "attribution", lambda: ov.attribution(log))
    _attempt(results, "gaps", lambda: ov.gaps(log))
    _attempt(results, "kpis", lambda: ov.kpis(log, tickets=tickets))
    return log


def _survey_analyses(
    results: dict[str, Any],
    inputs: _Inputs,
    survey_file: str,
    journey_id: str | None,
    persona_id: str | None,
) -> Any:
    """Read the survey and run the analyses of it: personas, revenue and the emotion curve."""
    survey = _read_input(results, "survey", lambda: inputs.survey(survey_file))
    if survey is None:
        return None
    project = inputs.project
    _persona_analyses(results, survey, project, inputs.lang)
    from ..overlay.kpis import revenue_per_customer

    _attempt(results, REVENUE, lambda: revenue_per_customer(survey))
    if not (persona_id and journey_id is None):
        _attempt(
            results,
            "emotion_curve",
            lambda: inputs.ov.emotion_curve(survey, project, journey_id=journey_id),
        )
    return survey


def _persona_analyses(results: dict[str, Any], survey: Any, project: Project, lang: str) -> None:
    """Persona scores and found segments, kept under PERSONAS; their problems join the others."""
    from ..overlay.segments import find_segments, persona_scores

    personas: dict[str, Any] = {}  # kept apart: the analyses above are frames of their own
    _attempt(personas, PERSONA_SCORES, lambda: persona_scores(survey, project, lang=lang))
    _attempt(personas, FOUND_SEGMENTS, lambda: find_segments(survey, lang=lang))
    results.setdefault(PROBLEMS, []).extend(personas.pop(PROBLEMS, []))
    if not results[PROBLEMS]:
        del results[PROBLEMS]
    results[PERSONAS] = personas


def _joint_analyses(
    results: dict[str, Any], project: Project, log: Any, survey: Any, tickets: Any, lang: str
) -> None:
    """The analyses that join several inputs: the two periods, the decisions and the themes."""
    if log is not None and len(project.data.periods) == 2:
        _attempt(results, PERIODS, lambda: _periods(log, project, survey, tickets, lang))
    if log is not None:
        from .decisions import decision_results

        _attempt(results, "decisions", lambda: decision_results(log, project, survey))
    if survey is not None or tickets is not None:
        from ..overlay.themes import project_themes

        _attempt(results, "themes", lambda: project_themes(project, survey, tickets, lang=lang))


def _periods(log: Any, project: Project, survey: Any, tickets: Any, lang: str) -> Any:
    """The project's two periods compared, as the table step 8 and ``cjm diff --period`` show."""
    from ..overlay.periods import compare_periods, parse_period, period_table

    a, b = (parse_period(text, lang) for text in project.data.periods)
    frame = compare_periods(log, a, b, tickets=tickets, survey=survey)
    return period_table(frame, log, a, b, lang)


def periods_html(project: Project, results: dict[str, Any] | None, lang: str) -> str:
    """The two-period section: the comparison, or a sentence saying why there is none."""
    periods = project.data.periods
    if len(periods) != 2:
        return note(t("reportdata.periods.none", lang))
    frame = (results or {}).get(PERIODS)
    if frame is None:
        problem = next(
            (p for p in (results or {}).get(PROBLEMS, []) if str(p).startswith(f"{PERIODS}:")),
            "",
        )
        key = "reportdata.periods.failed" if problem else "reportdata.periods.no_log"
        return note(t(key, lang, first=periods[0], second=periods[1], problem=problem))
    how = t("reportdata.periods.how", lang, first=periods[0], second=periods[1])
    return f"<p>{esc(how)}</p>{frame_html(frame, lang)}"


def _plot(name: str) -> Callable[[Any], Any] | None:
    try:
        from ..overlay import plots
    except ImportError:
        return None
    return getattr(plots, name, None)


def measured_kpis(results: dict[str, Any] | None) -> Any:
    """The KPIs measured from the data: the event log's, then revenue per customer from the survey; None when neither."""
    import pandas as pd

    found = [
        frame
        for frame in ((results or {}).get("kpis"), (results or {}).get(REVENUE))
        if frame is not None and len(frame)
    ]
    if not found:
        return None
    return found[0] if len(found) == 1 else pd.concat(found, ignore_index=True)


def overlay_html(
    results: dict[str, Any] | None,
    lang: str,
    names: Mapping[str, str] | None = None,
    currency: str = "",
) -> str:
    """The overlay section's body: each analysis as a figure and a table, then any problems.

    ``names`` (``id_names(project)``) shows stages and touchpoints by name, not by id;
    ``currency`` formats money (revenue per customer in the KPI table).
    """
    results = results or {}
    parts: list[str] = [note(line) for line in results.get(NOTES) or []]
    for name, plot_name in ANALYSES:
        frame = measured_kpis(results) if name == "kpis" else results.get(name)
        if frame is None:
            continue
        title = t(f"report.overlay.{name}", lang)
        body = ""
        plot = _plot(plot_name)
        drawn = frame[frame["unit"] != "money"] if name == "kpis" else frame
        if plot is not None and len(drawn):
            try:
                body += figure_html(call_accepting(plot, drawn, lang=lang), title)
            except Exception as exc:  # a broken plot still leaves the table
                body += note(t("report.overlay.plot_failed", lang, name=title, error=str(exc)))
        body += frame_html(frame, lang, names=names, currency=currency)
        if name == "kpis" and (frame["unit"] == "money").any():
            body += note(t("reportdata.revenue.how", lang))
        if name == "emotion_curve":  # how the survey's numbers meet the map's scale
            body += note(t("mapmeaning.report.emotion_scale", lang))
        parts.append(
            f'<div class="cjm-overlay-part" data-analysis="{name}"><h3>{esc(title)}</h3>{body}</div>'
        )
    from .decisions import decision_html

    parts.append(decision_html(results.get("decisions"), lang))
    themes = results.get("themes")
    if themes is not None and len(themes.themes):
        title = t("report.overlay.themes", lang)
        parts.append(
            f'<div class="cjm-overlay-part" data-analysis="themes"><h3>{esc(title)}</h3>'
            f"{themes.html(lang)}</div>"
        )
    if not any(parts[len(results.get(NOTES) or []) :]) and not results.get(PROBLEMS):
        parts.append(note(t("report.overlay.no_data", lang)))
    for problem in results.get(PROBLEMS, []):
        parts.append(note(t("report.overlay.problem", lang, problem=problem)))
    return "".join(parts)
