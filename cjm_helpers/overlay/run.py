"""The whole overlay in one call: every analysis to CSV, every figure to PNG, one HTML summary.

This is what ``cjm overlay`` runs. Files are written atomically; the summary is a
self-contained page (figures inline as data URIs, every text escaped). The analyses run one
after another in a worker thread while the finished ones are written and drawn, so the engine
works while matplotlib loads and draws.
"""

from __future__ import annotations

__all__ = [
    "SUMMARY_CSS",
    "OverlayResults",
    "Step",
    "not_run_lines",
    "run_overlay",
    "skip_reasons",
    "summary_html",
]

import base64
import html
import importlib
import io
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd

from ..files import write_bytes
from ..i18n import t
from ..model import Project
from ..reading import ReadOptions, call_accepting
from ..tables import id_names, table_html
from .attribution import attribution
from .events import EventLog, load_events
from .funnel import funnel
from .gaps import gaps
from .kpis import kpis
from .paths import By, named_path, time_between_stages, top_paths, transitions


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    """The table as CSV, every text cell made formula-safe for spreadsheets."""
    # Imported here, not at the top: the map package is heavy and only the written tables need
    # this one function of it, so `import cjm_helpers.overlay.run` stays free of it.
    from ..mapping.tabular import neutralise_frame

    return neutralise_frame(frame).to_csv(index=False).encode("utf-8")


Step = tuple[str, Callable[[], pd.DataFrame], Callable[..., Any] | None]


class OverlayResults(dict[str, pd.DataFrame]):
    """The analyses that ran, by name, plus the ones that did not and why.

    ``skipped`` holds analyses the inputs cannot support (no project, no funnel);
    ``failed`` holds analyses that raised an error. Neither stops the others.
    """

    def __init__(self) -> None:
        super().__init__()
        self.skipped: dict[str, str] = {}
        self.failed: dict[str, str] = {}
        self.notes: list[str] = []
        """What a reader of every result must know about the log (guessed conversions, duplicates...)."""
        self.seconds: dict[str, float] = {}
        """Wall seconds per part of the run: loading, each analysis, each figure, the summary."""

    def order_as(self, names: Sequence[str]) -> None:
        """The analyses, and the ones that failed, in the order of ``names`` (the summary's)."""
        for table in (self, self.failed):
            kept = dict(table)
            table.clear()
            table.update({name: kept[name] for name in names if name in kept})
            table.update(kept)


def _plot(module: str, name: str, **options: Any) -> Callable[..., Any]:
    """The figure function ``name`` of ``module`` (:mod:`.plots`, :mod:`.themes_plot`), imported when
    first drawn: matplotlib then loads while the engine computes the analyses."""

    def draw(frame: pd.DataFrame, lang: str = "en") -> Any:
        figures = importlib.import_module(f"{__package__}.{module}")
        return getattr(figures, name)(frame, lang=lang, **options)

    return draw


def _close_figures(fig: Any = "all") -> None:
    import matplotlib.pyplot as plt

    plt.close(fig)


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    # the figures lay themselves out (constrained layout): a tight box would draw each one twice
    # zlib's fastest level: files about a tenth larger, drawn while the engine works (1M events: 0.04 s)
    fig.savefig(
        buffer,
        format="png",
        dpi=110,
        metadata={"Software": None},
        pil_kwargs={"compress_level": 1},
    )
    _close_figures(fig)
    return buffer.getvalue()


def skip_reasons(
    log: EventLog,
    project: Project | None,
    funnel_steps: Sequence[str] | None,
    survey_given: bool,
    lang: str,
) -> dict[str, str]:
    """The analyses these inputs cannot support, each with what to give to get it."""
    reasons: dict[str, str] = {}
    if not funnel_steps and not log.stages:
        reasons["funnel"] = t("inputs.overlay.needs_funnel", lang)
    if not log.stages:
        reasons["time_between_stages"] = t("inputs.overlay.needs_stages", lang)
    if project is None:
        reasons["attribution"] = t("inputs.overlay.needs_project", lang)
        reasons["unmatched_events"] = t("inputs.overlay.needs_project", lang)
        if survey_given:
            reasons["emotion_curve"] = t("inputs.overlay.needs_project_map", lang)
    return reasons


def _error_text(exc: Exception) -> str:
    from ..errors import CJMError

    text = str(exc).strip() or type(exc).__name__
    return text if isinstance(exc, CJMError) else f"{type(exc).__name__}: {text}"


def run_overlay(
    events: Any,
    out_dir: str | Path,
    survey: Any = None,
    tickets: Any = None,
    project: Project | None = None,
    funnel_steps: Sequence[str] | None = None,
    path_by: By = "user",
    columns: dict[str, str] | None = None,
    lang: str = "en",
    progress: bool = True,
    delimiter: str = ",",
    options: ReadOptions | None = None,
) -> OverlayResults:
    """Run every analysis the inputs allow; write CSVs, PNGs and ``summary.html`` into ``out_dir``.

    ``options`` (conversion events, dedupe, date format, engine) are passed to the
    loaders; ``columns`` and ``delimiter`` override the same options there. An
    analysis the inputs cannot support is skipped, one that fails is recorded;
    either way the others still run and the summary names it with the reason.
    """
    from tqdm.auto import tqdm

    started = time.perf_counter()
    out = Path(out_dir)
    reading = ReadOptions(columns=columns or {}, delimiter=delimiter if delimiter != "," else "")
    reading = reading.over(options or ReadOptions())
    log, survey_frame, ticket_frame = _load_inputs(events, survey, tickets, project, lang, reading)
    steps = _analysis_steps(log, survey_frame, ticket_frame, project, funnel_steps, path_by, lang)
    results = OverlayResults()
    results.seconds["load"] = time.perf_counter() - started
    results.skipped.update(skip_reasons(log, project, funnel_steps, survey_frame is not None, lang))

    def notes() -> None:  # duplicates are counted in the worker too, before the analyses
        started = time.perf_counter()
        results.notes = log.notes(lang)
        results.seconds["load"] += time.perf_counter() - started

    figures: dict[str, bytes] = {}
    # the analyses without a figure run last: every figure is then drawn while the engine works
    computing = sorted(steps, key=lambda step: step[2] is None)
    for step, outcome in tqdm(
        _computed(computing, results.skipped, log.backend, first=notes),
        total=len(steps),
        desc="overlay",
        unit="analysis",
        disable=not progress,
    ):
        _finish_step(step, outcome, out, lang, results, figures)
    results.order_as([name for name, _, _ in steps])
    started = time.perf_counter()
    write_bytes(
        out / "summary.html",
        summary_html(results, figures, lang, log.source, id_names(project)).encode("utf-8"),
    )
    results.seconds["summary.html"] = time.perf_counter() - started
    return results


def _load_inputs(
    events: Any, survey: Any, tickets: Any, project: Project | None, lang: str, reading: ReadOptions
) -> tuple[EventLog, pd.DataFrame | None, pd.DataFrame | None]:
    """The event log, survey and tickets read once, so every analysis works on the same rows.

    The survey's and the tickets' modules load only when those are given.
    """
    log = load_events(events, project=project, **reading.event_kwargs()).cached()
    survey_frame = ticket_frame = None
    if survey is not None:
        from .survey import load_survey

        survey_frame = call_accepting(
            load_survey, survey, project=project, lang=lang, **reading.date_kwargs()
        )
    if tickets is not None and project is not None:
        from .tickets import load_tickets

        ticket_frame = call_accepting(
            load_tickets, tickets, project, lang=lang, **reading.date_kwargs()
        )
    return log, survey_frame, ticket_frame


def _analysis_steps(
    log: EventLog,
    survey_frame: pd.DataFrame | None,
    ticket_frame: pd.DataFrame | None,
    project: Project | None,
    funnel_steps: Sequence[str] | None,
    path_by: By,
    lang: str,
) -> list[Step]:
    """Each analysis the inputs allow, as (name, compute, plot), in the order the summary shows them."""
    steps: list[Step] = [
        ("funnel", lambda: funnel(log, funnel_steps), _plot("plots", "plot_funnel")),
        ("transitions", lambda: transitions(log, by=path_by), _plot("plots", "plot_transitions")),
        ("top_paths", lambda: top_paths(log, n=15, by=path_by, on="touchpoint"), None),
        (
            "time_between_stages",
            lambda: time_between_stages(log),
            _plot("plots", "plot_time_between_stages"),
        ),
        ("gaps", lambda: gaps(log), _plot("plots", "plot_gaps")),
        ("kpis", lambda: kpis(log, tickets=ticket_frame), _plot("plots", "plot_kpis")),
        (
            "attribution",
            lambda: attribution(log, by="touchpoint", both_keys=True),
            _plot("plots", "plot_attribution"),
        ),
        (
            "attribution_channel",
            lambda: attribution(log, by="channel", both_keys=True),
            _plot("plots", "plot_attribution", by="channel"),
        ),
        ("unmatched_events", log.unmatched_events, None),
    ]
    return steps + _input_steps(survey_frame, ticket_frame, project, lang)


def _input_steps(
    survey_frame: pd.DataFrame | None,
    ticket_frame: pd.DataFrame | None,
    project: Project | None,
    lang: str,
) -> list[Step]:
    """The analyses of the survey and the tickets, only for the inputs that were given."""
    steps: list[Step] = []
    if survey_frame is None and ticket_frame is None:
        return steps
    from .survey import emotion_curve, survey_segments
    from .themes import overlay_themes
    from .tickets import ticket_counts

    if survey_frame is not None and project is not None:
        steps.append(
            (
                "emotion_curve",
                lambda: emotion_curve(survey_frame, project),
                _plot("plots", "plot_emotion_curve"),
            )
        )
    if survey_frame is not None:
        steps.append(
            (
                "segments",
                lambda: survey_segments(survey_frame, lang=lang),
                _plot("plots", "plot_segments"),
            )
        )
    if ticket_frame is not None:
        steps.append(
            ("tickets", lambda: ticket_counts(ticket_frame), _plot("plots", "plot_tickets"))
        )
    if survey_frame is not None or ticket_frame is not None:
        steps.append(
            (
                "themes",
                lambda: overlay_themes(survey_frame, ticket_frame, project, lang),
                _plot("themes_plot", "plot_themes"),
            )
        )
    return steps


Outcome = tuple[pd.DataFrame | None, Exception | None, float]
"""What computing one analysis gave: its table, or the error it raised; and its wall seconds."""


def _compute(compute: Callable[[], pd.DataFrame]) -> Outcome:
    started = time.perf_counter()
    try:
        frame = compute()
    except Exception as exc:  # one failed analysis must not take the others down
        return None, exc, 0.0
    return frame, None, time.perf_counter() - started


def _computed(
    steps: Sequence[Step],
    skipped: Mapping[str, str],
    backend: Any,
    first: Callable[[], None] | None = None,
) -> Iterator[tuple[Step, Outcome | None]]:
    """Each step with its outcome, in order; a skipped step with none.

    The analyses run one after another in a worker thread (after ``first``, whose error
    is raised at the end) while the caller writes each finished one's table and draws its
    figure: the engine works (without Python's lock) while the figure is drawn, and the
    engine's queries never run side by side. An interruption stops the engine's running
    query and the analyses not yet started.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="cjm-overlay") as pool:
        before = pool.submit(first) if first is not None else None
        pending = [
            (step, None if step[0] in skipped else pool.submit(_compute, step[1])) for step in steps
        ]
        try:
            if any(plot is not None for _, _, plot in steps):
                importlib.import_module(f"{__package__}.plots")  # matplotlib loads meanwhile
            for step, future in pending:
                yield step, None if future is None else future.result()
            if before is not None:
                before.result()
        except BaseException:
            futures: list[Future[Any] | None] = [before, *(f for _, f in pending)]
            for future in futures:
                if future is not None:
                    future.cancel()
            _interrupt(backend)
            raise


def _interrupt(backend: Any) -> None:
    """Stop the query DuckDB is running (other engines finish theirs)."""
    interrupt = getattr(getattr(backend, "con", None), "interrupt", None)
    if callable(interrupt):
        interrupt()


def _finish_step(
    step: Step,
    outcome: Outcome | None,
    out: Path,
    lang: str,
    results: OverlayResults,
    figures: dict[str, bytes],
) -> None:
    """Write one computed analysis's CSV and figure; a skip or failure is recorded, never raised."""
    name, _, plot = step
    if outcome is None:
        _remove_stale(out, name)
        return
    frame, error, seconds = outcome
    if error is not None or frame is None:
        results.failed[name] = _error_text(error or ValueError(name))
        _remove_stale(out, name)
        return
    results[name] = frame
    results.seconds[name] = seconds
    write_bytes(out / f"{name}.csv", _csv_bytes(frame))
    if plot is not None:
        _write_figure(name, frame, plot, out, lang, results, figures)


def _write_figure(
    name: str,
    frame: pd.DataFrame,
    plot: Callable[..., Any],
    out: Path,
    lang: str,
    results: OverlayResults,
    figures: dict[str, bytes],
) -> None:
    """Draw one analysis's figure to PNG; the table is already written, so a failed plot is only named."""
    started = time.perf_counter()
    try:
        figures[name] = _png(plot(frame, lang=lang))
        results.seconds[f"{name}.png"] = time.perf_counter() - started
    except Exception as exc:  # the table is written; the figure's problem is named
        _close_figures()
        results.failed[name] = t("inputs.overlay.plot_failed", lang, error=_error_text(exc))
        return
    write_bytes(out / f"{name}.png", figures[name])


def _remove_stale(out: Path, name: str) -> None:
    """Remove an earlier run's files of an analysis that did not run now, so none is taken for current."""
    for suffix in (".csv", ".png"):
        stale = out / f"{name}{suffix}"
        if stale.is_file():
            stale.unlink()


SUMMARY_CSS = """
body{font-family:'DejaVu Sans',Arial,sans-serif;margin:24px auto;max-width:1100px;color:#1d2b36;padding:0 16px}
h1{color:#1f3b57}h2{color:#1f3b57;border-bottom:1px solid #d5dde5;padding-bottom:4px;margin-top:32px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}th,td{border:1px solid #d5dde5;padding:3px 8px;text-align:left}
th{background:#eef3f8}img{max-width:100%;height:auto}
.not-run{background:#fff8e6;border-left:4px solid #a86b00;padding:4px 14px}
@media print{h2{break-after:avoid}img,table{break-inside:avoid}}
"""


def _named_paths(frame: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """Paths with every step by its name, as the notebooks show them (the CSV keeps the ids)."""
    if "path" not in frame.columns:
        return frame
    return frame.assign(path=[named_path(p, names) for p in frame["path"]])


def not_run_lines(results: OverlayResults, lang: str) -> list[str]:
    """One line per analysis that did not run: its name, skipped or failed, and why."""
    lines = [
        t(
            "inputs.overlay.skipped",
            lang,
            analysis=t(f"overlay.analysis.{name}", lang),
            reason=reason,
        )
        for name, reason in results.skipped.items()
    ]
    lines += [
        t(
            "inputs.overlay.failed",
            lang,
            analysis=t(f"overlay.analysis.{name}", lang),
            reason=reason,
        )
        for name, reason in results.failed.items()
    ]
    return lines


def summary_html(
    results: dict[str, pd.DataFrame],
    figures: dict[str, bytes],
    lang: str,
    source: str,
    names: Mapping[str, str] | None = None,
) -> str:
    """One self-contained page: what did not run and why, then per analysis a heading, its figure and its table.

    ``names`` maps the project's ids (stages, touchpoints, ...) to the names its tables show.
    """
    esc = html.escape
    parts = [
        f"<!DOCTYPE html><html lang='{esc(lang)}'><head><meta charset='utf-8'>",
        f"<title>{esc(t('overlay.summary.title', lang))}</title><style>{SUMMARY_CSS}</style></head><body>",
        f"<h1>{esc(t('overlay.summary.title', lang))}</h1>",
        f"<p>{esc(t('overlay.summary.source', lang, source=source))}</p>",
    ]
    if isinstance(results, OverlayResults) and results.notes:
        items = "".join(f"<li>{esc(line)}</li>" for line in results.notes)
        parts.append(
            f"<div class='log-notes'><h2>{esc(t('inputs.overlay.about_the_log', lang))}</h2>"
            f"<ul>{items}</ul></div>"
        )
    if isinstance(results, OverlayResults) and (results.skipped or results.failed):
        items = "".join(f"<li>{esc(line)}</li>" for line in not_run_lines(results, lang))
        parts.append(
            f"<div class='not-run'><h2>{esc(t('inputs.overlay.not_run', lang))}</h2><ul>{items}</ul></div>"
        )
    for name, frame in results.items():
        parts.append(f"<h2>{esc(t(f'overlay.analysis.{name}', lang))}</h2>")
        if name in figures:
            data = base64.b64encode(figures[name]).decode("ascii")
            parts.append(
                f"<img alt='{esc(t(f'overlay.analysis.{name}', lang), quote=True)}' "
                f"src='data:image/png;base64,{data}'>"
            )
        shown = _named_paths(frame, names or {}) if name == "top_paths" else frame
        parts.append(table_html(shown, lang, names=names, max_rows=30, css=True))
    parts.append("</body></html>")
    return "\n".join(parts)
