"""What a Parquet log's own statistics prove about its columns, without reading a row.

Each row group of a Parquet file records its rows and, per column, its nulls and its
smallest and largest value. Summed over the row groups they can prove that a column has
no null and no cell that reads as missing (a missing word is empty or starts with the
letter of one, "n" or "N", so a column whose values all sort outside those letters has
none). That is all the event log's checks ask of a clean log, so a clean Parquet log is
checked without a pass over it; when the statistics prove nothing (a null, a value that
may be a missing word, no statistics) the checks read the log as before.
"""

from __future__ import annotations

__all__ = ["ColumnStatistics", "may_hold_missing_word", "parquet_statistics", "proven_present"]

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_QUERY = """
SELECT path_in_schema,
       sum(row_group_num_rows),
       CASE WHEN count(stats_null_count) = count(*) THEN sum(stats_null_count) END,
       CASE WHEN count(stats_min_value) = count(*) THEN min(stats_min_value) END,
       CASE WHEN count(stats_max_value) = count(*) THEN max(stats_max_value) END
FROM parquet_metadata(?)
GROUP BY path_in_schema
"""
"""Per column over all row groups: rows, nulls, smallest and largest value (each only if every group has it).

The values come back as text; DuckDB compares text byte by byte, which for UTF-8 is the
order of the characters, the order Python compares them in."""


@dataclass(frozen=True)
class ColumnStatistics:
    """One column's statistics summed over a file's row groups; ``None`` where a row group has none."""

    rows: int
    nulls: int | None
    smallest: str | None
    largest: str | None


def parquet_statistics(connection: Any, path: Path) -> dict[str, ColumnStatistics]:
    """Every top-level column's statistics, read from the file's footer by DuckDB (no row is read).

    ``connection`` is a DuckDB connection; an unreadable footer gives no statistics.
    """
    try:
        found = connection.execute(_QUERY, [str(path)]).fetchall()
    except Exception:  # no statistics: the checks read the log
        return {}
    return {
        str(name): ColumnStatistics(
            rows=int(rows or 0),
            nulls=None if nulls is None else int(nulls),
            smallest=smallest,
            largest=largest,
        )
        for name, rows, nulls, smallest, largest in found
    }


def may_hold_missing_word(
    smallest: str | None, largest: str | None, missing_words: Iterable[str]
) -> bool:
    """Whether a text column whose values lie between ``smallest`` and ``largest`` may hold a missing word.

    Only values from the first letter of a missing word (either case) up to the next letter
    can be one, and the empty text only when it is the smallest value.
    """
    if smallest is None or largest is None or smallest == "":
        return True
    words = [w for w in missing_words if w]
    letters = {w[0].lower() for w in words} | {w[0].upper() for w in words}
    return any(smallest < chr(ord(letter) + 1) and largest >= letter for letter in letters)


def proven_present(
    statistics: ColumnStatistics | None, text: bool, missing_words: Iterable[str]
) -> bool:
    """Whether every cell of the column holds a value: no null, and for text no missing word."""
    if statistics is None or statistics.nulls != 0:
        return False
    return not text or not may_hold_missing_word(
        statistics.smallest, statistics.largest, missing_words
    )
