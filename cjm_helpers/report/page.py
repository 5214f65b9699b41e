"""Building blocks of self-contained report pages: styles, sections, tables and inline images.

Everything here returns HTML text that loads nothing from anywhere: styles are
inline, figures become ``data:`` URIs, and every value that came from a user
(a project, a data file) is escaped.
"""

from __future__ import annotations

__all__ = [
    "PAGE_CSS",
    "PERCENT_COLUMNS",
    "cell_text",
    "column_label",
    "document",
    "figure_data_uri",
    "figure_html",
    "frame_html",
    "heading",
    "known_name",
    "link_list",
    "note",
    "section",
    "toc_html",
]

import base64
import datetime as dt
import io
import math
from collections.abc import Iterable, Sequence
from typing import Any

from ..i18n import catalogue, format_date, format_number, format_percent, t
from ..text import esc

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
.cjm-table{border-collapse:collapse;margin:8px 0 14px;font-size:13.5px;width:auto;max-width:100%}
.cjm-table th{background:var(--cjm-navy);color:#fff;text-align:left;padding:6px 10px;font-weight:600}
.cjm-table td{border-bottom:1px solid var(--cjm-line);padding:5px 10px;vertical-align:top}
.cjm-table td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.cjm-table tr:nth-child(even) td{background:#f8fafc}
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

PERCENT_COLUMNS = frozenset(
    {
        "conversion",
        "drop_off",
        "first_touch",
        "last_touch",
        "markov_removal",
        "share",
        "rate",
        "drop_off_rate",
        "conversion_rate",
        "share_of_users",
    }
)


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


def column_label(name: object, lang: str) -> str:
    """A data column's heading in the language (catalogue ``report.col.<name>``), else tidied up."""
    key = f"report.col.{name}"
    if key in catalogue("en"):
        return t(key, lang)
    return str(name).replace("_", " ")


def cell_text(value: Any, column: str, lang: str) -> tuple[str, bool]:
    """A value as text for the language, and whether it is a number (right-aligned)."""
    if (
        value is None
        or (isinstance(value, float) and math.isnan(value))
        or (isinstance(value, str) and not value.strip())
    ):
        return "—", False
    try:
        import pandas as pd

        if value is pd.NaT or (
            not isinstance(value, (str, bytes, list, tuple, dict)) and pd.isna(value)
        ):
            return "—", False
    except (TypeError, ValueError, ImportError):
        pass
    if isinstance(value, bool):
        return ("✓" if value else "—"), False
    if isinstance(value, dt.datetime):
        return format_date(value.date(), lang) + value.strftime(" %H:%M"), False
    if isinstance(value, dt.date):
        return format_date(value, lang), False
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        try:
            value = value.item()
        except (ValueError, AttributeError):
            pass
        if isinstance(value, bool):
            return ("✓" if value else "—"), False
    if isinstance(value, int):
        return format_number(value, lang, 0), True
    if isinstance(value, float):
        if str(column) in PERCENT_COLUMNS and -1.0 <= value <= 1.0:
            return format_percent(value, lang, 1), True
        digits = 0 if value.is_integer() and abs(value) >= 100 else 2
        return format_number(value, lang, digits), True
    return str(value), False


def _kind(column: str, row: dict[str, Any]) -> str:
    """How to read a cell: a KPI's value whose unit is a share is a percentage."""
    if column == "value" and row.get("unit") == "share":
        return "share"
    return column


def known_name(prefix: str, key: str, lang: str) -> str:
    """The catalogue's name for an id (e.g. a KPI), or the id itself when there is none."""
    full = f"{prefix}.{key}"
    return t(full, lang) if full in catalogue("en") else key


def frame_html(frame: Any, lang: str, max_rows: int = 40, index: bool = False) -> str:
    """A pandas DataFrame as an escaped, language-formatted HTML table."""
    if frame is None or len(frame) == 0:
        return f"<p>{esc(t('report.empty_table', lang))}</p>"
    data = frame.reset_index() if index else frame
    # an id column beside its readable name ('stage' and 'stage_name') shows the name only
    data = data[
        [
            c
            for c in data.columns
            if f"{c}_name" not in data.columns and not (c == "key" and "label" in data.columns)
        ]
    ]
    columns = list(data.columns)
    head = "".join(f"<th>{esc(column_label(c, lang))}</th>" for c in columns)
    rows = []
    for record in data.head(max_rows).itertuples(index=False, name=None):
        cells = []
        row = dict(zip(columns, record))
        for column, value in zip(columns, record):
            text, numeric = cell_text(value, _kind(str(column), row), lang)
            if column == "kpi" and isinstance(value, str):
                text = known_name("overlay.kpi", value, lang)
            cells.append(
                f'<td class="num">{esc(text)}</td>' if numeric else f"<td>{esc(text)}</td>"
            )
        rows.append(f"<tr>{''.join(cells)}</tr>")
    more = ""
    if len(data) > max_rows:
        more = f"<p class='cjm-meta'>{esc(t('report.more_rows', lang, shown=max_rows, total=len(data)))}</p>"
    return f'<div class="cjm-scroll-x"><table class="cjm-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>{more}'


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
    return (
        f'<!DOCTYPE html>\n<html lang="{esc(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{PAGE_CSS}</style></head>"
        f'<body><main class="cjm-report">{body}</main></body></html>\n'
    )
