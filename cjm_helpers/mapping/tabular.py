"""The map as tables and data: one row per stage × lane cell, the wide layout, JSON.

Spreadsheets run formulas, so every text cell written to CSV or XLSX that starts
with ``=``, ``+``, ``-``, ``@`` (or their full-width forms), a tab or a carriage
return, even after blanks, gets a leading apostrophe (the OWASP advice against CSV
injection), and so does a formula after a ``;`` inside a cell; the wide-CSV import
strips them again, so our own exports round-trip.
"""

from __future__ import annotations

__all__ = [
    "FORMULA_STARTS",
    "TABLE_COLUMNS",
    "emotion_cell",
    "journey_data",
    "journey_json",
    "journey_table",
    "journey_wide_table",
    "journey_xlsx",
    "layout_table",
    "neutralise",
    "neutralise_frame",
    "one_line",
    "restore",
    "table_csv",
]

import io
import json
import re
from typing import Any

import pandas as pd

from ..i18n import t
from ..model import Project
from ..store import project_to_data
from .layout import MapLayout, build_layout, lane_label

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""What makes a spreadsheet read a cell as a formula, the full-width ＝ ＋ － ＠ that some convert included."""
_LEADING_BLANKS = " \n\u00a0\u2007\u202f\u3000"
_AFTER_SEMICOLON = re.compile("(;\\s*)(?=[=+\\-@\uff1d\uff0b\uff0d\uff20])")
"""A ';' then a formula: where ';' separates cells (Polish, Indonesian settings) a new cell starts there."""
TABLE_COLUMNS = (
    "journey",
    "stage_order",
    "stage_id",
    "stage",
    "lane",
    "lane_label",
    "cards",
    "text",
    "evidence",
    "refs",
    "emotion",
)


def neutralise(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe.

    Also when blanks come first (" =1+1"), and after every ';' that a formula follows,
    since a spreadsheet set to split on ';' would start a new cell there.
    """
    if not isinstance(value, str):
        return value
    if value.lstrip(_LEADING_BLANKS).startswith(FORMULA_STARTS):
        value = "'" + value
    return _AFTER_SEMICOLON.sub("\\1'", value) if ";" in value else value


_GUARDED_AFTER_SEMICOLON = re.compile("(;\\s*)'(?=[=+\\-@\uff1d\uff0b\uff0d\uff20])")


def restore(value: str) -> str:
    """Undo :func:`neutralise`, so a wide CSV we exported reads back as the text that was written."""
    if value.startswith("'") and value[1:].lstrip(_LEADING_BLANKS).startswith(FORMULA_STARTS):
        value = value[1:]
    return _GUARDED_AFTER_SEMICOLON.sub("\\1", value) if ";" in value else value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the frame with every text cell (and header) made formula-safe."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def one_line(text: str) -> str:
    """Card text on one line, so a cell can list several cards one per line."""
    return " ".join(str(text).split())


def journey_table(
    project: Project, journey_id: str | None = None, lang: str = "en"
) -> pd.DataFrame:
    """One row per stage × lane cell, cards one per line, with evidence and ids aligned."""
    layout = build_layout(project, journey_id, lang, drawn=False)
    return layout_table(layout, lang)


def layout_table(layout: MapLayout, lang: str = "en") -> pd.DataFrame:
    rows = []
    lanes = {lane.lane: lane for lane in layout.lanes}
    for lane_name in layout.lane_order:
        for i, stage in enumerate(layout.stages):
            row = {
                "journey": layout.journey_id,
                "stage_order": i + 1,
                "stage_id": stage.id,
                "stage": stage.name,
                "lane": lane_name,
                "lane_label": lane_label(lane_name, lang),
            }
            if lane_name == "emotions":
                point = layout.emotions[i]
                recorded = point.score is not None
                row.update(
                    cards=int(recorded),
                    text="",
                    refs="",
                    evidence=point.evidence if recorded else "",
                    emotion=point.score,
                )
            else:
                cards = lanes[lane_name].cells[i]
                row.update(
                    cards=len(cards),
                    text="\n".join(one_line(c.text) for c in cards),
                    evidence="\n".join(c.evidence for c in cards),
                    refs="\n".join(c.ref for c in cards) if any(c.ref for c in cards) else "",
                    emotion=None,
                )
            rows.append(row)
    frame = pd.DataFrame(rows, columns=list(TABLE_COLUMNS))
    whole = all(pd.isna(v) or float(v).is_integer() for v in frame["emotion"])
    frame["emotion"] = frame["emotion"].astype("Int64" if whole else "Float64")
    frame["cards"] = frame["cards"].astype("int64")
    return frame


# --- the wide layout: one row per lane, one column per stage -----------------------------


def emotion_cell(score: float | None) -> str:
    """Scores as a spreadsheet shows them without turning them into formulas: '1', '0', '−1.5'."""
    if score is None:
        return ""
    return f"\u2212{-score:g}" if score < 0 else f"{score:g}"


def journey_wide_table(
    project: Project, journey_id: str | None = None, lang: str = "en", with_evidence: bool = True
) -> pd.DataFrame:
    """The layout design tools and spreadsheets use: lanes as rows, stages as columns.

    Cards are one per line; ``with_evidence`` appends ``[observed]`` and the like
    so :func:`import_wide_csv` reads the evidence back.
    """
    layout = build_layout(project, journey_id, lang, drawn=False)
    lanes = {lane.lane: lane for lane in layout.lanes}

    def mark(level: str) -> str:
        return f" [{level}]" if with_evidence else ""

    rows = []
    for lane_name in layout.lane_order:
        row = [lane_label(lane_name, lang)]
        for i, _stage in enumerate(layout.stages):
            if lane_name == "emotions":
                point = layout.emotions[i]
                row.append(
                    emotion_cell(point.score)
                    + (mark(point.evidence) if point.score is not None else "")
                )
            else:
                row.append(
                    "\n".join(
                        one_line(c.text) + mark(c.evidence) for c in lanes[lane_name].cells[i]
                    )
                )
        rows.append(row)
    columns = [t("map.table.lane", lang)] + [s.name for s in layout.stages]
    return pd.DataFrame(rows, columns=_unique(columns))


def _unique(names: list[str]) -> list[str]:
    """Column names made unique (two stages may share a name) by numbering repeats."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


# --- files -----------------------------------------------------------------------------------


def table_csv(frame: pd.DataFrame) -> bytes:
    """CSV bytes with a BOM so spreadsheets read UTF-8 (ą, ł, é) correctly; formula-safe."""
    return neutralise_frame(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def journey_xlsx(project: Project, journey_id: str | None = None, lang: str = "en") -> bytes:
    """A workbook with the cell table and the wide map, wrapped text and frozen headers."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    layout = build_layout(project, journey_id, lang, drawn=False)
    sheets = [
        (t("map.table.sheet_map", lang), journey_wide_table(project, journey_id, lang)),
        (t("map.table.sheet_cells", lang), layout_table(layout, lang)),
    ]
    book = Workbook()
    book.remove(book.active)
    for title, frame in sheets:
        sheet = book.create_sheet(_sheet_title(title))
        safe = neutralise_frame(frame)
        sheet.append(list(safe.columns))
        for values in safe.itertuples(index=False):
            sheet.append([None if pd.isna(v) else v for v in values])
        for cell in sheet[1]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor="174EA6")
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text stays text, never a formula
        for k, column in enumerate(safe.columns, start=1):
            longest = max(
                [len(str(column))]
                + [min(len(line), 60) for v in safe.iloc[:, k - 1] for line in str(v).splitlines()]
                or [10]
            )
            sheet.column_dimensions[get_column_letter(k)].width = min(max(longest + 2, 8), 48)
        sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    book.properties.title = t(
        "map.table.title", lang, journey=layout.journey_name, persona=layout.persona_name
    )
    book.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    for bad in "[]:*?/\\":
        title = title.replace(bad, " ")
    return title[:31] or "Sheet"


def journey_data(project: Project, journey_id: str | None = None) -> dict[str, Any]:
    """The journey as plain data, with the stages, persona and touchpoints it refers to."""
    journey = project.journey(journey_id)
    data = project_to_data(project)
    journey_data_ = next(j for j in data["journeys"] if j["id"] == journey.id)
    used = {tp for cell in journey.stages.values() for tp in cell.touchpoints}
    persona = next((p for p in data.get("personas", []) if p["id"] == journey.persona), None)
    return {
        "format": "cjm-journey",
        "version": 1,
        "project": project.name,
        "journey": journey_data_,
        "lanes": list(journey.chosen_lanes()),
        "stages": [
            {"id": s.id, "name": s.name, "description": s.description} for s in project.stages
        ],
        "persona": persona,
        "touchpoints": [tp for tp in data.get("touchpoints", []) if tp["id"] in used],
    }


def journey_json(project: Project, journey_id: str | None = None) -> str:
    return json.dumps(journey_data(project, journey_id), ensure_ascii=False, indent=2) + "\n"
