"""Every table a person reads, made one way: human headers, formatted values, names instead of ids.

Notebooks, exported pages, the journey report, the overlay's ``summary.html`` and
the diff page all turn a pandas DataFrame into HTML here, so a header reads
"Removal effect" (not ``markov_removal``), a share reads "78.9%" (not ``0.789227``),
``tp-instagram-ad`` reads as its touchpoint's name, ``True`` as a mark explained
under the table, and no 0…n index column appears. Values are escaped here once.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .i18n import catalogue, format_date, format_number, format_percent, t
from .kernel import kernel_shell
from .text import esc

__all__ = [
    "TABLE_CSS",
    "Table",
    "cell_text",
    "column_label",
    "human_frame",
    "id_names",
    "show_tables_in_notebook",
    "table_html",
    "word",
]

TABLE_CSS = """
.cjm-table{border-collapse:collapse;margin:8px 0 14px;font-size:13.5px;width:auto;max-width:100%;
  font-family:'DejaVu Sans','Segoe UI',Arial,sans-serif;color:#1d2b36}
.cjm-table th{background:#1f3b57;color:#fff;text-align:left;padding:6px 10px;font-weight:600;
  vertical-align:bottom}
.cjm-table td{border-bottom:1px solid #d5dee7;padding:5px 10px;vertical-align:top;text-align:left;
  white-space:normal;overflow:visible;text-overflow:clip;max-width:none}
.cjm-table td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.cjm-table th.num{text-align:right}
.cjm-table td.mark{text-align:center}
.cjm-table tr:nth-child(even) td{background:#f8fafc}
.cjm-table-legend{font-size:12px;color:#5b6b7a;margin:-8px 0 12px}
.cjm-table-wrap{overflow-x:auto;max-width:100%}
@media print{.cjm-table-wrap{overflow:visible}.cjm-table tr{break-inside:avoid;page-break-inside:avoid}}
"""
"""Styles every table page carries (pages also add their own look around it)."""

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
        "switch_rate",
        "share_of_customers",
        "removal_effect",
        "stage_share",
        "earlier_share",
        "recent_share",
    }
)
"""Columns holding shares (0–1): shown as percentages in the language's style."""

CURRENCY_COLUMNS = frozenset({"revenue", "annual_value", "value_per_customer", "cost", "amount"})
"""Columns holding money in the project's currency."""

TRUE_MARK, FALSE_MARK = "✓", "✗"
_SNAKE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)+$")
FIELD_WORDS: dict[str, tuple[str, ...]] = {
    "status": ("views.status", "views.resource_status"),
    "evidence": ("common.evidence",),
    "emotion_evidence": ("common.evidence",),
    "map_type": ("common.map_type",),
    "goal_type": ("views.goal_type",),
    "review_cadence": ("views.cadence",),
    "unit": ("tables.unit",),
    "basis": ("tables.basis",),
    "kind": ("tables.kind", "views.resource_kind", "views.source_kind"),
    "group": ("diff.group",),
}
"""Fields whose values are words of the suite (``in_progress``, ``per_customer``) and where their names live."""


def column_label(name: object, lang: str) -> str:
    """A column's heading in the language: ``tables.col.<name>``, then ``report.col.<name>``, else tidied.

    A heading that is already human text (a view's translated header) is kept as it is.
    """
    text = str(name)
    for key in (f"tables.col.{text}", f"report.col.{text}"):
        if key in catalogue("en"):
            return t(key, lang)
    if _SNAKE.match(text) or text.islower():
        tidy = text.replace("_", " ").strip()
        return tidy[:1].upper() + tidy[1:]
    return text


def _get(part: Any, name: str) -> Any:
    """A field of a model or of its JSON form (a form's data), whichever ``part`` is."""
    return part.get(name) if isinstance(part, Mapping) else getattr(part, name, None)


def id_names(project: Any) -> dict[str, str]:
    """Every id of a project mapped to the name a person knows it by (touchpoints, stages, personas, …).

    ``project`` is a :class:`Project` or its JSON form, as the step forms hold it.
    """
    if project is None:
        return {}
    names: dict[str, str] = {}
    for part, attribute in (
        ("personas", "name"),
        ("stages", "name"),
        ("touchpoints", "name"),
        ("journeys", "name"),
        ("kpis", "name"),
        ("opportunities", "title"),
        ("actions", "title"),
    ):
        for item in _get(project, part) or []:
            label = _get(item, attribute) or ""
            if _get(item, "id") and label:
                names[str(_get(item, "id"))] = str(label)
    for journey in _get(project, "journeys") or []:
        for cell in (_get(journey, "stages") or {}).values():
            for pain in [
                *(_get(cell, "pain_points") or []),
                *(_get(cell, "internal_pain_points") or []),
            ]:
                names.setdefault(str(_get(pain, "id")), str(_get(pain, "text")))
    return names


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (bytes, list, tuple, dict, set)):
        return False
    try:
        import pandas as pd

        return bool(pd.isna(value))
    except (TypeError, ValueError, ImportError):
        return False


def word(value: str, field: str, lang: str) -> str:
    """A value of a field with fixed choices (a status, a unit) in the language, or the value as it is."""
    for prefix in (*FIELD_WORDS.get(field, ()), "tables.word"):
        key = f"{prefix}.{value}"
        if key in catalogue("en"):
            return t(key, lang)
    return value


def cell_text(
    value: Any,
    column: str,
    lang: str,
    names: Mapping[str, str] | None = None,
    currency: str = "",
) -> tuple[str, str]:
    """A value as text for the language, and its kind: 'num' (right-aligned), 'mark' or 'text'."""
    from babel.numbers import format_currency

    from .i18n import _BABEL_LOCALE

    if _is_missing(value):
        return "—", "text"
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        try:
            value = value.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(value, bool):
        return (TRUE_MARK if value else FALSE_MARK), "mark"
    if hasattr(value, "to_pydatetime"):  # a pandas Timestamp
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        if value.hour == value.minute == value.second == 0:
            return format_date(value.date(), lang), "text"
        return format_date(value.date(), lang) + value.strftime(" %H:%M"), "text"
    if isinstance(value, dt.date):
        return format_date(value, lang), "text"
    if isinstance(value, (int, float)):
        if column in CURRENCY_COLUMNS and currency:
            return format_currency(
                value, currency, locale=_BABEL_LOCALE[lang], format_type="standard"
            ), "num"
        if isinstance(value, float) and column in PERCENT_COLUMNS and -1.0 <= value <= 1.0:
            return format_percent(value, lang, 1), "num"
        if isinstance(value, int) or float(value).is_integer():
            return format_number(value, lang, 0), "num"
        return format_number(value, lang, 2 if abs(value) < 100 else 1), "num"
    if isinstance(value, (list, tuple, set)):
        return ", ".join(
            cell_text(v, column, lang, names, currency)[0] for v in value if not _is_missing(v)
        ) or "—", "text"
    text = str(value)
    if names and text in names:
        return names[text], "text"
    if column == "kpi" and f"overlay.kpi.{text}" in catalogue("en"):
        return t(f"overlay.kpi.{text}", lang), "text"
    if column in FIELD_WORDS:
        return word(text, column, lang), "text"
    return text, "text"


def _kind(column: str, row: Mapping[str, Any]) -> str:
    """How to read a cell: a KPI's value whose unit is a share is a percentage."""
    if column in ("value", "current", "baseline", "target") and row.get("unit") in ("share", "%"):
        return "share"
    if column in ("value", "numerator") and row.get("unit") == "money":
        return "revenue"
    return column


def _visible(frame: Any) -> Any:
    """The frame as a person sees it: a meaningful index becomes a column, a 0…n index goes,
    and an id column beside its name ('stage' and 'stage_name') shows the name only."""
    import pandas as pd

    data = frame
    if not isinstance(data.index, pd.RangeIndex) or data.index.name is not None:
        data = data.reset_index()
        data = data.rename(columns={"index": ""}) if "index" in data.columns else data
    if isinstance(data.columns, pd.MultiIndex):
        data.columns = [" · ".join(str(p) for p in c if str(p)) for c in data.columns]
    keep = [
        c
        for c in data.columns
        if f"{c}_name" not in data.columns and not (c == "key" and "label" in data.columns)
    ]
    return data[keep]


def _rows(
    frame: Any, lang: str, names: Mapping[str, str] | None, currency: str, max_rows: int | None
) -> tuple[list[str], list[list[tuple[str, str]]]]:
    data = _visible(frame)
    columns = [str(c) for c in data.columns]
    records = data.itertuples(index=False, name=None)
    rows = []
    for n, record in enumerate(records):
        if max_rows is not None and n >= max_rows:
            break
        row = dict(zip(columns, record))
        rows.append(
            [
                cell_text(value, _kind(column, row), lang, names, currency)
                for column, value in zip(columns, record)
            ]
        )
    return columns, rows


def human_frame(
    frame: Any,
    lang: str = "en",
    names: Mapping[str, str] | None = None,
    currency: str = "",
) -> Any:
    """A copy of ``frame`` as a person reads it: translated headers, every value as formatted text, no index."""
    import pandas as pd

    columns, rows = _rows(frame, lang, names, currency, None)
    labels = [column_label(c, lang) for c in columns]
    return pd.DataFrame([[text for text, _ in row] for row in rows], columns=labels)


def table_html(
    frame: Any,
    lang: str = "en",
    names: Mapping[str, str] | None = None,
    currency: str = "",
    max_rows: int | None = 40,
    css: bool = False,
) -> str:
    """``frame`` as an escaped HTML table with the suite's look; a legend under it explains any marks.

    Rows past ``max_rows`` are left out and a line says how many there are in all.
    ``css`` puts :data:`TABLE_CSS` before the table, for places with no page styles.
    """
    style = f"<style>{TABLE_CSS}</style>" if css else ""
    if frame is None or len(frame) == 0:
        return style + f"<p>{esc(t('tables.empty', lang))}</p>"
    columns, rows = _rows(frame, lang, names, currency, max_rows)
    kinds = [
        "num" if rows and all(k == "num" or x == "—" for x, k in (r[i] for r in rows)) else ""
        for i in range(len(columns))
    ]
    head = "".join(
        f'<th scope="col" class="{k}">{esc(column_label(c, lang))}</th>'
        if k
        else f'<th scope="col">{esc(column_label(c, lang))}</th>'
        for c, k in zip(columns, kinds)
    )
    body = []
    marks = False
    for row in rows:
        cells = []
        for text, kind in row:
            marks = marks or kind == "mark"
            css_class = f' class="{kind}"' if kind != "text" else ""
            cells.append(f"<td{css_class}>{esc(text)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    parts = [
        style,
        '<div class="cjm-table-wrap"><table class="cjm-table">',
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>",
    ]
    if marks:
        legend = t("tables.legend", lang, yes=TRUE_MARK, no=FALSE_MARK)
        parts.append(f'<p class="cjm-table-legend">{esc(legend)}</p>')
    if max_rows is not None and len(frame) > max_rows:
        more = t("tables.more_rows", lang, shown=max_rows, total=len(frame))
        parts.append(f'<p class="cjm-table-legend">{esc(more)}</p>')
    return "".join(parts)


@dataclass
class Table:
    """A DataFrame with what it takes to show it to a person; displays itself in a notebook."""

    frame: Any
    lang: str = "en"
    names: Mapping[str, str] = field(default_factory=dict)
    currency: str = ""
    max_rows: int | None = 60

    def to_html(self, css: bool = True) -> str:
        return table_html(self.frame, self.lang, self.names, self.currency, self.max_rows, css)

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return human_frame(self.frame, self.lang, self.names, self.currency).to_string(index=False)


def show_tables_in_notebook(lang: str, project: Any = None) -> None:
    """In a kernel, show every DataFrame a cell returns through :func:`table_html` (no-op elsewhere).

    Step methods return plain DataFrames (tests and plots use them as data); what the
    learner and the exported pages see is the human table. ``project`` may be a
    callable returning the project as saved now, so names added since stay current.
    """
    shell = kernel_shell()
    if shell is None:
        return
    import pandas as pd

    def render(frame: Any) -> str:
        current = project() if callable(project) else project
        currency = str(getattr(current, "currency", "") or "")
        return table_html(frame, lang, id_names(current), currency, 60, css=True)

    shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, render)
