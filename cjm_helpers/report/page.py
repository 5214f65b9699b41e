"""Building blocks of self-contained report pages: styles, sections, tables and inline images.

Everything here returns HTML text that loads nothing from anywhere: styles are
inline, figures become ``data:`` URIs, and every value that came from a user
(a project, a data file) is escaped.
"""

from __future__ import annotations

__all__ = [
    "PAGE_CSS",
    "cell_text",
    "column_label",
    "document",
    "figure_data_uri",
    "figure_html",
    "frame_html",
    "heading",
    "link_list",
    "note",
    "section",
    "toc_html",
]

import base64
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..i18n import t
from ..tables import TABLE_CSS, cell_text, column_label, table_html
from ..text import esc, html_page

PAGE_CSS = """
:root{--cjm-ink:#1d2b36;--cjm-navy:#1f3b57;--cjm-accent:#2a7ab0;--cjm-soft:#eef3f8;--cjm-line:#d5dee7;
  --cjm-ok:#2e7d4f;--cjm-bad:#b3402e;--cjm-warn:#a86b00}
*{box-sizing:border-box}
html{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{margin:0;background:#f5f7fa;color:var(--cjm-ink);font:15px/1.5 'DejaVu Sans','Segoe UI',Arial,sans-serif}
.cjm-report{max-width:1180px;margin:0 auto;padding:28px 32px 60px;background:#fff;min-height:100vh}
.cjm-report-head{border-bottom:4px solid var(--cjm-accent);padding-bottom:14px;margin-bottom:18px}
.cjm-kicker{text-transform:uppercase;letter-spacing:.08em;font-size:12px;color:var(--cjm-accent);margin:0 0 4px;font-weight:700}
.cjm-report h1{margin:0 0 6px;color:var(--cjm-navy);font-size:28px;line-height:1.2}
.cjm-report h2{color:var(--cjm-navy);font-size:21px;margin:34px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--cjm-line)}
.cjm-report h3{color:var(--cjm-navy);font-size:16px;margin:20px 0 8px}
.cjm-meta{color:#5b6b7a;font-size:13px;margin:4px 0 0}
.cjm-lead{margin:8px 0 0;max-width:900px}
.cjm-toc{background:var(--cjm-soft);border-radius:8px;padding:10px 16px;margin:0 0 12px}
.cjm-toc ol{margin:4px 0;padding-left:20px;columns:2;column-gap:40px}
.cjm-toc a{color:var(--cjm-navy);text-decoration:none}
.cjm-toc a:hover{text-decoration:underline}
.cjm-note{background:#fff8e6;border-left:4px solid var(--cjm-warn);padding:8px 12px;margin:8px 0;font-size:14px}
.cjm-status{display:inline-block;padding:6px 12px;border-radius:6px;font-weight:600}
.cjm-status.ok{background:#e6f4ec;color:var(--cjm-ok)}
.cjm-status.overdue{background:#fbe9e6;color:var(--cjm-bad)}
.cjm-table tr.failed td{background:#fbe9e6}
.cjm-figure{margin:10px 0 16px}
.cjm-figure img{max-width:100%;height:auto;border:1px solid var(--cjm-line);border-radius:6px;background:#fff}
.cjm-figure figcaption{font-size:12.5px;color:#5b6b7a}
.cjm-scroll{overflow-x:auto;border:1px solid var(--cjm-line);border-radius:8px;padding:8px;background:#fff}
.cjm-grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:8px 24px;align-items:start}
.cjm-error{white-space:pre-wrap;color:var(--cjm-bad);font-size:12.5px;margin:0}
.cjm-links li{margin:2px 0}
#objective .cjm-card{max-width:none;width:100%}
#objective .cjm-card dl{grid-template-columns:minmax(160px,max-content) 1fr}
.cjm-report .cjm-cards{margin:6px 0 12px}
.cjm-foot{margin-top:40px;font-size:12px;color:#6b7b8b;border-top:1px solid var(--cjm-line);padding-top:8px}
@media print{
  /* whole words on paper: no hyphenation and no breaks inside a word, anywhere on the page */
  *{hyphens:none!important;-webkit-hyphens:none!important;word-break:normal!important;overflow-wrap:normal!important}
  body{background:#fff;font-size:11pt}
  .cjm-report{max-width:none;padding:0}
  .cjm-toc{display:none}
  .cjm-report h2{break-after:avoid;page-break-after:avoid}
  .cjm-figure,.cjm-card,.cjm-table tr{break-inside:avoid;page-break-inside:avoid}
  .cjm-scroll{overflow:visible;border:none}
  section.cjm-section{break-before:auto}
  a{color:inherit;text-decoration:none}
}
@page{margin:14mm}
"""

PRINT_MAP_CSS = """
@media print{
  .cjm-scroll,.cjm-table-wrap,.cjmmap .cjmmap-scroll{overflow:visible!important}
  .cjm-report .cjmmap{font-size:7pt}
  .cjmmap .cjmmap-grid{min-width:0!important;
    grid-template-columns:minmax(min-content,7rem) repeat(var(--cols),minmax(min-content,1fr))!important}
  .cjmmap .cjmmap-grid.cjmmap-timeline{min-width:0!important;
    grid-template-columns:minmax(min-content,7rem) var(--tracks)!important}
  .cjmmap .cjmmap-card{padding:2px 4px}
}
@media print{.cjmmap{page:cjm-wide}}
@page cjm-wide{size:A4 landscape;margin:10mm}
"""
"""Printing the journey map: whole words, columns as wide as their longest word, nothing scrolled away."""


def heading(key: str, lang: str) -> str:
    return esc(t(key, lang))


def section(anchor: str, title: str, body: str) -> str:
    """One titled part of the report, with an anchor for the table of contents."""
    return f'<section class="cjm-section" id="{esc(anchor)}"><h2>{esc(title)}</h2>{body}</section>'


def note(text: str) -> str:
    return f'<p class="cjm-note">{esc(text)}</p>'


def figure_data_uri(fig: Any, dpi: int = 110) -> str:
    """A matplotlib figure as a PNG ``data:`` URI (the figure is closed afterwards)."""
    buffer = io.BytesIO()
    fig.savefig(
        buffer,
        format="png",
        dpi=dpi,
        bbox_inches="tight",
        facecolor="white",
        metadata={"Software": None},
    )
    try:
        import matplotlib.pyplot as plt

        plt.close(fig)
    except Exception:  # a Figure not managed by pyplot needs no closing
        pass
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def figure_html(fig: Any, caption: str = "") -> str:
    cap = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    return f'<figure class="cjm-figure"><img alt="{esc(caption)}" src="{figure_data_uri(fig)}">{cap}</figure>'


def frame_html(
    frame: Any,
    lang: str,
    max_rows: int = 40,
    index: bool = False,
    names: Mapping[str, str] | None = None,
    currency: str = "",
) -> str:
    """A pandas DataFrame as the suite's table (:func:`cjm_helpers.tables.table_html`): escaped, formatted for ``lang``.

    ``names`` turns ids into the names people know (``id_names(project)``); a
    meaningful index (``index=True`` or a named one) shows as the first column.
    """
    if frame is not None and index:
        frame = frame.reset_index()
    return table_html(frame, lang, names, currency, max_rows)


def toc_html(entries: Sequence[tuple[str, str]], lang: str) -> str:
    items = "".join(
        f'<li><a href="#{esc(anchor)}">{esc(title)}</a></li>' for anchor, title in entries
    )
    return f'<nav class="cjm-toc" aria-label="{heading("report.contents", lang)}"><strong>{heading("report.contents", lang)}</strong><ol>{items}</ol></nav>'


def link_list(links: Iterable[tuple[str, str]]) -> str:
    """Links to files beside the report (relative paths only; they never leave the folder)."""
    items = "".join(f'<li><a href="{esc(href)}">{esc(label)}</a></li>' for label, href in links)
    return f'<ul class="cjm-links">{items}</ul>'


def document(title: str, body: str, lang: str) -> str:
    """A whole page around ``body``: inline styles, no scripts, nothing fetched."""
    body = f'<main class="cjm-report">{body}</main>'
    return html_page(title, body, lang, PAGE_CSS + TABLE_CSS + PRINT_MAP_CSS)
