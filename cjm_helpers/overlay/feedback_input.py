"""Reading survey and ticket tables: files or DataFrames in, clean text cells out.

Shared by :mod:`.survey` and :mod:`.tickets`. Every problem a person can cause
(missing file, empty file, wrong delimiter, missing column, a bad cell) becomes a
:class:`DataError` that names the file, the row and the column and says what to
do; at most :data:`MAX_SHOWN` bad cells are listed so the message stays readable.
"""

from __future__ import annotations

__all__ = [
    "MAX_SHOWN",
    "OTHER_DELIMITERS",
    "Problems",
    "is_blank",
    "known_list",
    "match",
    "number_column",
    "parse_timestamps",
    "read_table",
    "require_cells",
    "require_columns",
    "require_one_of",
    "source_name",
    "stage_lookup",
    "text_column",
    "touchpoint_lookup",
]

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import DataError
from ..i18n import t
from ..model import Project
from . import dates

MAX_SHOWN = 5
OTHER_DELIMITERS: tuple[str, ...] = (";", "\t", "|")


@dataclass
class Problems:
    """Bad cells found while checking one table, turned into one DataError at the end."""

    source: str
    from_file: bool
    lang: str = "en"
    lines: list[str] = field(default_factory=list)
    count: int = 0

    def where(self, position: int, label: Any) -> str:
        """Row as a person finds it: the spreadsheet row in a file (header is row 1)."""
        return str(position + 2) if self.from_file else str(label)

    def add(self, key: str, **values: Any) -> None:
        """Count one problem; ``key`` names a message of feedback.error, or any catalogue key with a dot."""
        self.count += 1
        if len(self.lines) < MAX_SHOWN:
            full = key if "." in key else f"feedback.error.{key}"
            self.lines.append(t(full, self.lang, file=self.source, **values))

    def raise_if_any(self) -> None:
        if not self.count:
            return
        lines = list(self.lines)
        if self.count > len(lines):
            lines.append(t("feedback.error.more", self.lang, count=self.count - len(lines)))
        raise DataError("\n".join(lines))


def source_name(source: Any, what: str) -> str:
    if isinstance(source, (str, os.PathLike)):
        return str(source)
    return what


def read_table(
    source: Any, what: str, lang: str = "en", sep: str = ","
) -> tuple[pd.DataFrame, str, bool]:
    """The table as text cells ('' for blanks), its name for messages, and whether it came from a file.

    ``source`` is a CSV, XLSX or Parquet path, or a pandas DataFrame. Column names
    are stripped and lower-cased so 'NPS ' and 'nps' are the same column.
    """
    if isinstance(source, pd.DataFrame):
        frame = source.copy()
        name = str(source.attrs.get("source") or what)
        from_file = bool(source.attrs.get("from_file", False))
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        name, from_file = str(path), True
        if not path.is_file():
            raise DataError(t("feedback.error.no_file", lang, file=name))
        if path.stat().st_size == 0:
            raise DataError(t("feedback.error.empty_file", lang, file=name))
        frame = _read_file(path, name, lang, sep)
    else:
        raise DataError(t("feedback.error.bad_source", lang, what=what, kind=type(source).__name__))
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    if from_file and len(frame.columns) == 1:
        header = frame.columns[0]
        for other in OTHER_DELIMITERS:
            if other != sep and other in header:
                shown = "\\t" if other == "\t" else other
                raise DataError(t("feedback.error.delimiter", lang, file=name, sep=shown))
    if frame.empty:
        raise DataError(t("feedback.error.no_rows", lang, file=name))
    return frame, name, from_file


def _read_file(path: Path, name: str, lang: str, sep: str) -> pd.DataFrame:
    from ..files import check_table_file

    check_table_file(
        path, lang, sep, DataError
    )  # size, lines, columns and XLSX unpacked size, before pandas
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xls"):
            return pd.read_excel(path, dtype=str).fillna("")
        if suffix == ".parquet":
            return pd.read_parquet(path)
        return pd.read_csv(
            path,
            sep=sep,
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
            skipinitialspace=True,
        )
    except UnicodeDecodeError as exc:
        raise DataError(t("feedback.error.encoding", lang, file=name)) from exc
    except pd.errors.EmptyDataError as exc:
        raise DataError(t("feedback.error.empty_file", lang, file=name)) from exc
    except (pd.errors.ParserError, ValueError, OSError) as exc:
        raise DataError(
            t("feedback.error.unreadable", lang, file=name, reason=str(exc).strip())
        ) from exc


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        if pd.isna(value):
            return True
    except (TypeError, ValueError):
        return False
    return isinstance(value, str) and value.strip() == ""


def text_column(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column as stripped text, '' for blanks (and for a column that is not there)."""
    if column not in frame.columns:
        return pd.Series([""] * len(frame), index=frame.index, dtype="object")
    return frame[column].map(lambda v: "" if is_blank(v) else str(v).strip()).astype("object")


def number_column(
    frame: pd.DataFrame,
    column: str,
    low: float,
    high: float,
    whole: bool,
    required: bool,
    problems: Problems,
    hint: str,
) -> pd.Series:
    """A column of numbers within [low, high]; bad cells are reported, blanks become NaN."""
    out: list[float] = []
    for position, (label, value) in enumerate(frame[column].items()):
        row = problems.where(position, label)
        if is_blank(value):
            if required:
                problems.add("required", row=row, column=column, hint=hint)
            out.append(math.nan)
            continue
        try:
            number = (
                float(str(value).strip().replace(",", "."))
                if isinstance(value, str)
                else float(value)
            )
        except (TypeError, ValueError):
            problems.add("not_number", row=row, column=column, value=str(value), hint=hint)
            out.append(math.nan)
            continue
        if not math.isfinite(number):
            problems.add("not_number", row=row, column=column, value=str(value), hint=hint)
            out.append(math.nan)
        elif number < low or number > high:
            problems.add(
                "out_of_range",
                row=row,
                column=column,
                value=_show(number),
                low=_show(low),
                high=_show(high),
                hint=hint,
            )
            out.append(math.nan)
        elif whole and number != int(number):
            problems.add("not_whole", row=row, column=column, value=_show(number), hint=hint)
            out.append(math.nan)
        else:
            out.append(number)
    return pd.Series(out, index=frame.index, dtype="float64")


def _show(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def require_columns(frame: pd.DataFrame, name: str, needed: list[str], lang: str) -> None:
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise DataError(
            t(
                "feedback.error.missing_column",
                lang,
                file=name,
                column=", ".join(missing),
                found=", ".join(frame.columns) or "—",
            )
        )


def require_one_of(frame: pd.DataFrame, name: str, columns: Sequence[str], lang: str) -> None:
    """Refuse a table with none of ``columns``, where any one of them will do."""
    if not any(column in frame.columns for column in columns):
        raise DataError(
            t(
                "feedback.error.missing_one_of",
                lang,
                file=name,
                columns=", ".join(columns),
                found=", ".join(frame.columns),
            )
        )


def require_cells(values: pd.Series, column: str, problems: Problems, hint: str) -> None:
    """Report each blank cell of a column every row needs, saying what to fill in."""
    for position, (label, value) in enumerate(values.items()):
        if not value:
            problems.add("required", row=problems.where(position, label), column=column, hint=hint)


def _norm(text: str) -> str:
    return " ".join(str(text).strip().lower().replace("_", " ").replace("-", " ").split())


def stage_lookup(project: Project) -> dict[str, str]:
    """Stage id or name (any case, '-' '_' or spaces) -> stage id."""
    lookup: dict[str, str] = {}
    for stage in project.stages:
        lookup[_norm(stage.name)] = stage.id
        lookup[_norm(stage.id)] = stage.id
    return lookup


def touchpoint_lookup(project: Project) -> dict[str, str]:
    """Touchpoint id, name or one of its event names -> touchpoint id."""
    lookup: dict[str, str] = {}
    for tp in project.touchpoints:
        for event in tp.events:
            lookup.setdefault(_norm(event), tp.id)
        lookup[_norm(tp.name)] = tp.id
        lookup[_norm(tp.id)] = tp.id
    return lookup


def match(lookup: dict[str, str], value: str) -> str | None:
    return lookup.get(_norm(value)) if value else None


def known_list(values: list[str], limit: int = 12) -> str:
    shown = ", ".join(values[:limit])
    return shown + (", …" if len(values) > limit else "")


def parse_timestamps(
    values: pd.Series,
    problems: Problems,
    column: str = "timestamp",
    date_format: str | None = None,
    required: bool = True,
) -> pd.Series:
    """Timestamps from text with the event log's reader (:mod:`.dates`): ISO 8601, or ``date_format``
    ('day-first', 'month-first', a strptime pattern); zones converted to UTC. When ``required``,
    cells that are blank or cannot be read are reported; otherwise (an optional column of dates
    such as a survey's ``submitted``) they are left empty (NaT)."""
    text = values.astype("object").map(lambda v: "" if is_blank(v) else str(v).strip())
    labels = list(values.index)
    parsed = dates.parse_series(
        text,
        date_format=date_format,
        source=problems.source,
        column=column,
        row=lambda position: t(
            "dates.row", problems.lang, row=problems.where(int(position), labels[int(position)])
        ),
        lang=problems.lang,
    )
    for position, (label, raw, value) in enumerate(zip(values.index, text, parsed)):
        if pd.isna(value):
            row = problems.where(position, label)
            if raw and required:
                hint = date_format is None and dates.looks_day_first(raw)
                problems.add(
                    "dates.error.bad_cell_day_first" if hint else "bad_timestamp",
                    row=row,
                    column=column,
                    value=raw,
                )
            elif not raw and required:
                problems.add(
                    "required",
                    row=row,
                    column=column,
                    hint=t("feedback.hint.timestamp", problems.lang),
                )
    return pd.Series(parsed.to_numpy(), index=values.index)
