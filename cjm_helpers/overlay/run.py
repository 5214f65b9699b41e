"""The whole overlay in one call: every analysis to CSV, every figure to PNG, one HTML summary.

This is what ``cjm overlay`` runs. Files are written atomically; the summary is a
self-contained page (figures inline as data URIs, every text escaped).
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from ..i18n import t
from ..mapping.export import write_bytes
from ..mapping.tabular import neutralise_frame
from ..model import Project
from . import plots
from .attribution import attribution
from .events import load_events
from .funnel import funnel
from .gaps import gaps
from .kpis import kpis
from .paths import time_between_stages, top_paths, transitions
from .survey import emotion_curve, load_survey, survey_segments
from .themes import overlay_themes
from .themes_plot import plot_themes
from .tickets import load_tickets, ticket_counts

Step = tuple[str, Callable[[], pd.DataFrame], Callable[..., Any] | None]


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def run_overlay(events: Any, out_dir: str | Path, survey: Any = None, tickets: Any = None,
                project: Project | None = None, funnel_steps: Sequence[str] | None = None,
                path_by: str = "user", columns: dict[str, str] | None = None, lang: str = "en",
                progress: bool = True, delimiter: str = ",") -> dict[str, pd.DataFrame]:
    """Run every analysis the inputs allow; write CSVs, PNGs and ``summary.html`` into ``out_dir``."""
    from tqdm.auto import tqdm

    out = Path(out_dir)
    log = load_events(events, project=project, columns=columns, delimiter=delimiter).cached()
    survey_frame = load_survey(survey, project=project, lang=lang) if survey is not None else None
    ticket_frame = load_tickets(tickets, project, lang=lang) if tickets is not None and project is not None else None
    steps: list[Step] = [
        ("funnel", lambda: funnel(log, funnel_steps), plots.plot_funnel),
        ("transitions", lambda: transitions(log, by=path_by), plots.plot_transitions),
        ("top_paths", lambda: top_paths(log, n=15, by=path_by, on="touchpoint"), None),
        ("time_between_stages", lambda: time_between_stages(log), plots.plot_time_between_stages),
        ("gaps", lambda: gaps(log), plots.plot_gaps),
        ("kpis", lambda: kpis(log, tickets=ticket_frame), plots.plot_kpis),
        ("attribution", lambda: attribution(log, by="touchpoint"), plots.plot_attribution),
        ("attribution_channel", lambda: attribution(log, by="channel"),
         lambda f, lang: plots.plot_attribution(f, lang, by="channel")),
        ("unmatched_events", log.unmatched_events, None),
    ]
    if survey_frame is not None and project is not None:
        steps.append(("emotion_curve", lambda: emotion_curve(survey_frame, project), plots.plot_emotion_curve))
    if survey_frame is not None:
        steps.append(("segments", lambda: survey_segments(survey_frame, lang=lang), plots.plot_segments))
    if ticket_frame is not None:
        steps.append(("tickets", lambda: ticket_counts(ticket_frame), plots.plot_tickets))
    if survey_frame is not None or ticket_frame is not None:
        steps.append(("themes", lambda: overlay_themes(survey_frame, ticket_frame, project, lang), plot_themes))
    results: dict[str, pd.DataFrame] = {}
    figures: dict[str, bytes] = {}
    for name, compute, plot in tqdm(steps, desc="overlay", unit="analysis", disable=not progress):
        frame = compute()
        results[name] = frame
        write_bytes(out / f"{name}.csv", neutralise_frame(frame).to_csv(index=False).encode("utf-8"))
        if plot is not None:
            figures[name] = _png(plot(frame, lang=lang))
            write_bytes(out / f"{name}.png", figures[name])
    write_bytes(out / "summary.html", summary_html(results, figures, lang, log.source).encode("utf-8"))
    return results


SUMMARY_CSS = """
body{font-family:'DejaVu Sans',Arial,sans-serif;margin:24px auto;max-width:1100px;color:#1d2b36;padding:0 16px}
h1{color:#1f3b57}h2{color:#1f3b57;border-bottom:1px solid #d5dde5;padding-bottom:4px;margin-top:32px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}th,td{border:1px solid #d5dde5;padding:3px 8px;text-align:left}
th{background:#eef3f8}img{max-width:100%;height:auto}
@media print{h2{break-after:avoid}img,table{break-inside:avoid}}
"""


def summary_html(results: dict[str, pd.DataFrame], figures: dict[str, bytes], lang: str, source: str) -> str:
    """One self-contained page: per analysis a heading, its figure and its table (escaped)."""
    esc = html.escape
    parts = [f"<!DOCTYPE html><html lang='{esc(lang)}'><head><meta charset='utf-8'>",
             f"<title>{esc(t('overlay.summary.title', lang))}</title><style>{SUMMARY_CSS}</style></head><body>",
             f"<h1>{esc(t('overlay.summary.title', lang))}</h1>",
             f"<p>{esc(t('overlay.summary.source', lang, source=source))}</p>"]
    for name, frame in results.items():
        parts.append(f"<h2>{esc(t(f'overlay.analysis.{name}', lang))}</h2>")
        if name in figures:
            data = base64.b64encode(figures[name]).decode("ascii")
            parts.append(f"<img alt='{esc(t(f'overlay.analysis.{name}', lang), quote=True)}' "
                         f"src='data:image/png;base64,{data}'>")
        shown = frame.head(30)
        parts.append(shown.to_html(index=False, escape=True, float_format=lambda v: f"{v:.3f}", na_rep="—",
                                   border=0))
    parts.append("</body></html>")
    return "\n".join(parts)
