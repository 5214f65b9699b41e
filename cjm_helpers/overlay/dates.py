"""One date reader for every input: text timestamps to UTC, with the same rules for events and tickets.

A timestamp is read in two parts: the local date and time, then an optional time zone
at the end. The local part is ISO 8601 (``2026-03-01 08:15:00``) unless a
``date_format`` says otherwise: ``day-first`` (``13/03/2026 10:00``), ``month-first``
(``03/13/2026 10:00``) or a strptime pattern such as ``%d.%m.%Y %H:%M``. The zone is
an offset (``+07:00``, ``Z``), an abbreviation with one meaning (``CET``, ``PST``,
``WIB``) or an IANA name (``Europe/Warsaw``, with its summer time). Every zone is
converted to UTC; an unknown or ambiguous zone (``CST``, ``IST``) is refused with a
message, never dropped.

All the work is Ibis expressions, so the same rules run on DuckDB and Spark; only
the distinct zone names come back to Python, where :mod:`zoneinfo` turns each into
literal offsets (per summer-time period for an IANA name).
"""

from __future__ import annotations

__all__ = [
    "AMBIGUOUS_ZONES",
    "DATE_FORMATS",
    "FIXED_ZONES",
    "MAX_ZONES",
    "MONTHS",
    "OFFSET",
    "TWO_DIGIT_PIVOT",
    "ZONED",
    "LocalFormat",
    "TextTimestamps",
    "Zone",
    "local_format",
    "looks_day_first",
    "parse_series",
    "parse_text",
    "read_local",
    "resolve_zone",
    "to_utc",
    "zone_periods",
]

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import ibis
import ibis.expr.types as ir

from ..errors import DataError
from ..i18n import t

DATE_FORMATS: tuple[str, ...] = ("iso", "day-first", "month-first")
"""Named date formats; anything else given as ``date_format`` is read as a strptime pattern."""

ZONED = (
    r"^(.*\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)\s*"
    r"(Z|z|[+-]\d{2}(?::?\d{2})?|[A-Za-z]{3,6}|[A-Za-z]+(?:/[A-Za-z0-9_+-]+)+)$"
)
"""A time followed by a zone: group 1 is the local part, group 2 the zone."""
OFFSET = re.compile(r"^([+-])(\d{2}):?(\d{2})?$")

FIXED_ZONES: dict[str, int] = {
    "Z": 0,
    "UTC": 0,
    "GMT": 0,
    "WET": 0,
    "WEST": 60,
    "CET": 60,
    "CEST": 120,
    "MET": 60,
    "MEST": 120,
    "EET": 120,
    "EEST": 180,
    "MSK": 180,
    "GST": 240,
    "PKT": 300,
    "ICT": 420,
    "WIB": 420,
    "WITA": 480,
    "WIT": 540,
    "SGT": 480,
    "HKT": 480,
    "PHT": 480,
    "AWST": 480,
    "JST": 540,
    "KST": 540,
    "ACST": 570,
    "ACDT": 630,
    "AEST": 600,
    "AEDT": 660,
    "NZST": 720,
    "NZDT": 780,
    "HST": -600,
    "AKST": -540,
    "AKDT": -480,
    "PST": -480,
    "PDT": -420,
    "MST": -420,
    "MDT": -360,
    "CDT": -300,
    "EST": -300,
    "EDT": -240,
    "NST": -210,
    "NDT": -150,
    "BRT": -180,
    "ART": -180,
}
"""Zone abbreviations with one meaning, as minutes east of UTC (the abbreviation fixes the offset)."""

AMBIGUOUS_ZONES: dict[str, str] = {
    "CST": "US Central -06:00, China +08:00, Cuba -05:00",
    "IST": "India +05:30, Ireland +01:00, Israel +02:00",
    "BST": "British summer +01:00, Bangladesh +06:00",
    "AST": "Atlantic -04:00, Arabia +03:00",
    "ADT": "Atlantic -03:00, Arabia +04:00",
    "ECT": "Ecuador -05:00, Eastern Caribbean -04:00",
}
"""Abbreviations that name several zones: refused, with what they could mean."""

MAX_ZONES = 500
TWO_DIGIT_PIVOT = 69
"""A two-digit year below this is 20xx, else 19xx (as Python's strptime)."""

MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


# --- the local part -------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalFormat:
    """How to read the local date and time: ISO as is, or a regular expression and its groups."""

    name: str
    regex: str | None = None
    groups: dict[str, int] = field(default_factory=dict)
    iso_too: bool = False


_DMY = (
    r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})"
    r"(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2})([.,]\d+)?)?)?$"
)
_DMY_REST = {"year_any": 3, "hour": 4, "minute": 5, "second": 6, "fraction_dot": 7}
"""The groups of ``_DMY`` after the day and the month, whichever comes first."""

_CODES: dict[str, tuple[str, str | None]] = {
    "Y": (r"(\d{4})", "year"),
    "y": (r"(\d{2})", "year2"),
    "m": (r"(\d{1,2})", "month"),
    "d": (r"(\d{1,2})", "day"),
    "H": (r"(\d{1,2})", "hour"),
    "I": (r"(\d{1,2})", "hour12"),
    "M": (r"(\d{1,2})", "minute"),
    "S": (r"(\d{1,2})", "second"),
    "f": (r"(\d{1,9})", "fraction"),
    "p": (r"([AaPp][Mm])", "ampm"),
    "b": (r"([A-Za-z]{3,9})", "month_name"),
    "B": (r"([A-Za-z]{3,9})", "month_name"),
    "%": ("%", None),
}
"""strptime codes understood in a ``date_format`` pattern: regular expression and the part it gives."""


def local_format(date_format: str | None, lang: str = "en") -> LocalFormat:
    """The reader for ``date_format`` (None or 'iso', 'day-first', 'month-first', a strptime pattern)."""
    if date_format is None or str(date_format).strip().lower() in (
        "",
        "iso",
        "iso8601",
        "iso-8601",
    ):
        return LocalFormat("iso")
    name = str(date_format).strip()
    if name.lower() in ("day-first", "dayfirst", "dmy"):
        return LocalFormat("day-first", _DMY, {"day": 1, "month": 2, **_DMY_REST}, iso_too=True)
    if name.lower() in ("month-first", "monthfirst", "mdy"):
        return LocalFormat("month-first", _DMY, {"month": 1, "day": 2, **_DMY_REST}, iso_too=True)
    if "%" not in name:
        raise DataError(t("dates.error.bad_format", lang, format=name))
    pattern = re.sub(r"\s*%[zZ]\s*$", "", name)  # a zone at the end is read like any other zone
    parts: list[str] = []
    groups: dict[str, int] = {}
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "%" and i + 1 < len(pattern):
            code = pattern[i + 1]
            if code not in _CODES:
                raise DataError(
                    t(
                        "dates.error.bad_code",
                        lang,
                        format=name,
                        code="%" + code,
                        known=" ".join("%" + c for c in _CODES if c != "%"),
                    )
                )
            regex, part = _CODES[code]
            parts.append(regex if part else "%")
            if part:
                groups[part] = len(groups) + 1
            i += 2
            continue
        parts.append(r"\s+" if char.isspace() else re.escape(char))
        i += 1
    if (
        not ({"year", "year2"} & set(groups))
        or not ({"month", "month_name"} & set(groups))
        or "day" not in groups
    ):
        raise DataError(t("dates.error.incomplete_format", lang, format=name))
    return LocalFormat(name, "^" + "".join(parts) + "$", groups)


def _pad(value: ir.StringValue, width: int = 2) -> ir.StringValue:
    return value.lpad(width, "0")


def _group(text: ir.StringValue, fmt: LocalFormat, part: str, default: str) -> ir.StringValue:
    if part not in fmt.groups:
        return ibis.literal(default)
    value = text.re_extract(fmt.regex, fmt.groups[part])
    return ibis.ifelse(value.isnull() | (value == ""), ibis.literal(default), value)


def read_local(text: ir.StringValue, fmt: LocalFormat) -> ir.TimestampValue:
    """The local date and time (no zone) as a timestamp; null where the text does not fit."""
    if fmt.regex is None:
        return text.try_cast("timestamp")
    g = fmt.groups
    if "year_any" in g:
        year = _group(text, fmt, "year_any", "1970")
        year = ibis.ifelse(year.length() == 2, _century(year), year)
    elif "year" in g:
        year = _group(text, fmt, "year", "1970")
    else:
        year = _century(_group(text, fmt, "year2", "70"))
    if "month_name" in g:
        name = _group(text, fmt, "month_name", "").lower()
        month = name.substr(0, 3).substitute(
            {m[:3]: f"{i + 1:02d}" for i, m in enumerate(MONTHS)}, else_=""
        )
    else:
        month = _group(text, fmt, "month", "")
    if "hour12" in g:
        hour12 = _group(text, fmt, "hour12", "0").cast("int64") % 12
        pm = _group(text, fmt, "ampm", "am").lower() == "pm"
        hour = (hour12 + ibis.ifelse(pm, 12, 0)).cast("string")
    else:
        hour = _group(text, fmt, "hour", "0")
    fraction = _group(text, fmt, "fraction_dot", "")
    fraction = (
        fraction.re_replace(",", ".")
        if "fraction_dot" in g
        else ibis.ifelse(
            _group(text, fmt, "fraction", "") == "", "", "." + _group(text, fmt, "fraction", "")
        )
    )
    iso = (
        year
        + "-"
        + _pad(month)
        + "-"
        + _pad(_group(text, fmt, "day", ""))
        + " "
        + _pad(hour)
        + ":"
        + _pad(_group(text, fmt, "minute", "0"))
        + ":"
        + _pad(_group(text, fmt, "second", "0"))
        + fraction
    )
    parsed = ibis.ifelse(text.re_search(fmt.regex), iso, ibis.null("string")).try_cast("timestamp")
    if fmt.iso_too:
        parsed = parsed.fill_null(text.try_cast("timestamp"))
    return parsed


def _century(two: ir.StringValue) -> ir.StringValue:
    number = two.cast("int64")
    return (number + ibis.ifelse(number < TWO_DIGIT_PIVOT, 2000, 1900)).cast("string")


# --- the zone -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Zone:
    """One zone as written, resolved: fixed minutes east of UTC, or an IANA zone with summer time."""

    text: str
    minutes: int | None = None
    iana: str | None = None
    problem: str | None = None


def resolve_zone(text: str, lang: str = "en") -> Zone:
    """What a zone written at the end of a timestamp means; ``problem`` says why it cannot be used."""
    raw = text.strip()
    upper = raw.upper()
    offset = OFFSET.match(raw)
    if offset:
        sign, hours, minutes = offset.groups()
        total = int(hours) * 60 + int(minutes or 0)
        if int(hours) > 14 or int(minutes or 0) >= 60:
            return Zone(raw, problem=t("dates.zone.bad_offset", lang, zone=raw))
        return Zone(raw, minutes=-total if sign == "-" else total)
    if upper in FIXED_ZONES:
        return Zone(raw, minutes=FIXED_ZONES[upper])
    if upper in AMBIGUOUS_ZONES:
        return Zone(
            raw, problem=t("dates.zone.ambiguous", lang, zone=raw, meanings=AMBIGUOUS_ZONES[upper])
        )
    if "/" in raw:
        try:
            ZoneInfo(raw)
        except (ZoneInfoNotFoundError, ValueError):
            return Zone(raw, problem=t("dates.zone.unknown", lang, zone=raw))
        return Zone(raw, iana=raw)
    return Zone(raw, problem=t("dates.zone.unknown", lang, zone=raw))


def _offset_minutes(zone: ZoneInfo, local: dt.datetime) -> int:
    delta = local.replace(tzinfo=zone).utcoffset() or dt.timedelta(0)
    return int(delta.total_seconds() // 60)


def zone_periods(
    name: str, first: dt.datetime, last: dt.datetime
) -> list[tuple[dt.datetime | None, int]]:
    """Local times from which an IANA zone's offset holds, between two local times (summer time included).

    Returns ``[(None, minutes), (start, minutes), ...]``: the first offset, then each
    change with the local time it starts at. A local time that happens twice (when
    clocks go back) takes the earlier offset, one that never happens the offset
    before the change, as Python's :mod:`zoneinfo` does.
    """
    zone = ZoneInfo(name)
    day = dt.datetime.combine(first.date() - dt.timedelta(days=1), dt.time())
    end = dt.datetime.combine(last.date() + dt.timedelta(days=2), dt.time())
    periods: list[tuple[dt.datetime | None, int]] = [(None, _offset_minutes(zone, day))]
    while day < end:
        nxt = day + dt.timedelta(days=1)
        before, after = _offset_minutes(zone, day), _offset_minutes(zone, nxt)
        if before != after:
            low, high = 0, 24 * 60  # first minute of the day with the new offset
            while low < high:
                mid = (low + high) // 2
                if _offset_minutes(zone, day + dt.timedelta(minutes=mid)) == before:
                    low = mid + 1
                else:
                    high = mid
            periods.append((day + dt.timedelta(minutes=low), after))
        day = nxt
    return periods


def to_utc(
    local: ir.TimestampValue,
    zone_text: ir.StringValue,
    zones: dict[str, Zone],
    ranges: dict[str, tuple[dt.datetime, dt.datetime]],
) -> ir.TimestampValue:
    """UTC time from a local time and the zone written beside it (every zone already resolved)."""
    branches: list[tuple[ir.BooleanValue, ir.TimestampValue]] = []
    for text, zone in zones.items():
        is_zone = zone_text == text
        if zone.minutes is not None:
            branches.append((is_zone, local - ibis.interval(minutes=zone.minutes)))
            continue
        first, last = ranges[text]
        periods = zone_periods(str(zone.iana), first, last)
        for (_, minutes), (start, _) in zip(periods, periods[1:]):
            branches.append(
                (is_zone & (local < ibis.timestamp(start)), local - ibis.interval(minutes=minutes))
            )
        branches.append((is_zone, local - ibis.interval(minutes=periods[-1][1])))
    if not branches:
        return local
    return ibis.cases(*branches, else_=ibis.null("timestamp"))


# --- a whole column --------------------------------------------------------------------------


@dataclass
class TextTimestamps:
    """The parts of a text timestamp column, as Ibis expressions over one table."""

    text: ir.StringValue
    zoned: ir.BooleanValue
    local_text: ir.StringValue
    zone_text: ir.StringValue

    @classmethod
    def of(cls, text: ir.StringValue) -> TextTimestamps:
        zoned = text.re_search(ZONED)
        return cls(
            text=text,
            zoned=zoned,
            local_text=ibis.ifelse(zoned, text.re_extract(ZONED, 1), text),
            zone_text=ibis.ifelse(zoned, text.re_extract(ZONED, 2), ibis.null("string")),
        )


def parse_text(
    table: ir.Table,
    column: ir.StringValue,
    seq: ir.IntegerValue,
    *,
    zoned_rows: int,
    rows: int,
    first_zoned: Any = None,
    first_naive: Any = None,
    date_format: str | None,
    row: Callable[[Any], str],
    source: str,
    column_name: str,
    lang: str = "en",
) -> ir.TimestampValue:
    """UTC timestamps (naive) from a column of text; null where a cell cannot be read.

    ``zoned_rows`` of the ``rows`` filled cells end in a zone, ``first_zoned`` and
    ``first_naive`` are the ``seq`` of the first cell with and without one (from one
    aggregate the caller runs with its other checks). Some cells with a zone and some
    without is a DataError naming one of each; with none, no zone work is done. A zone
    that cannot be used raises a DataError naming its first row; ``row`` turns a
    ``seq`` into words.
    """
    if 0 < zoned_rows < rows:
        raise DataError(
            t(
                "events.error.mixed_zones",
                lang,
                file=source,
                column=column_name,
                zoned_row=row(first_zoned),
                naive_row=row(first_naive),
            )
        )
    fmt = local_format(date_format, lang)
    if not zoned_rows:
        return read_local(column, fmt)
    parts = TextTimestamps.of(column)
    local = read_local(parts.local_text, fmt)
    found = _zones_in_use(table, parts, local, seq, source, column_name, lang)
    zones, ranges = _resolve_zones(found, row, source, column_name, lang)
    return ibis.ifelse(parts.zoned, to_utc(local, parts.zone_text, zones, ranges), local)


def _zones_in_use(
    table: ir.Table,
    parts: TextTimestamps,
    local: ir.TimestampValue,
    seq: ir.IntegerValue,
    source: str,
    column_name: str,
    lang: str,
) -> Any:
    """Each zone written in the column, with its first row and local time range; too many is refused."""
    found = (
        table.filter(parts.zoned)
        .group_by(parts.zone_text.name("zone"))
        .agg(first=seq.min(), lo=local.min(), hi=local.max())
        .limit(MAX_ZONES + 1)
        .execute()
    )
    if len(found) > MAX_ZONES:
        raise DataError(
            t("dates.error.too_many_zones", lang, file=source, column=column_name, count=MAX_ZONES)
        )
    return found


def _resolve_zones(
    found: Any, row: Callable[[Any], str], source: str, column_name: str, lang: str
) -> tuple[dict[str, Zone], dict[str, tuple[dt.datetime, dt.datetime]]]:
    """Each zone text resolved, and for named zones the local time range their offsets must cover.

    A zone that cannot be used raises a DataError naming the first row that has it.
    """
    zones: dict[str, Zone] = {}
    ranges: dict[str, tuple[dt.datetime, dt.datetime]] = {}
    for record in found.sort_values("first").to_dict("records"):
        text = str(record["zone"])
        zone = resolve_zone(text, lang)
        if zone.problem:
            raise DataError(
                t(
                    "dates.error.zone",
                    lang,
                    file=source,
                    row=row(record["first"]),
                    column=column_name,
                    problem=zone.problem,
                )
            )
        zones[text] = zone
        lo, hi = record["lo"], record["hi"]
        if zone.iana and lo is not None and hi is not None and lo == lo and hi == hi:
            ranges[text] = (_as_datetime(lo), _as_datetime(hi))
        elif zone.iana:
            ranges[text] = (dt.datetime(1970, 1, 1), dt.datetime(1970, 1, 1))
    return zones, ranges


def _as_datetime(value: Any) -> dt.datetime:
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return dt.datetime.fromisoformat(str(value))


def looks_day_first(value: str) -> bool:
    """Whether a cell that could not be read looks like a day-first or month-first date (13/03/2026)."""
    return re.match(r"^\s*\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b", str(value)) is not None


def parse_series(
    values: Any,
    *,
    date_format: str | None,
    source: str,
    column: str,
    row: Callable[[Any], str],
    lang: str = "en",
) -> Any:
    """Text cells (a pandas Series) to naive UTC timestamps by the same rules as the event log; NaT where a
    cell is blank or cannot be read, so the caller reports those cells its own way.

    Runs on the default DuckDB: tables of tickets or answers are small. Mixed zoned and
    unzoned cells, and zones that cannot be used, raise a DataError naming the row.
    """
    import pandas as pd

    from .events import default_backend

    def clean(value: Any) -> str | None:
        if value is None or (isinstance(value, float) and value != value):
            return None
        text = str(value).strip()
        return text or None

    frame = pd.DataFrame({"pos": range(len(values)), "txt": [clean(v) for v in values]})
    table = ibis.memtable(frame, schema={"pos": "int64", "txt": "string"})
    con = default_backend()
    present = table.txt.notnull()
    zoned = table.txt.re_search(ZONED)
    found = (
        con.execute(
            table.agg(
                zoned_n=zoned.cast("int64").sum(where=present),
                zoned_first=table.pos.min(where=present & zoned),
                naive_first=table.pos.min(where=present & ~zoned),
                present_n=present.cast("int64").sum(),
            )
        )
        .iloc[0]
        .to_dict()
    )
    ts = parse_text(
        table,
        table.txt,
        table.pos,
        zoned_rows=int(found["zoned_n"] or 0),
        rows=int(found["present_n"] or 0),
        first_zoned=found["zoned_first"],
        first_naive=found["naive_first"],
        date_format=date_format,
        row=row,
        source=source,
        column_name=column,
        lang=lang,
    )
    out = con.execute(table.select(table.pos, ts=ts).order_by("pos"))
    return pd.to_datetime(out["ts"]).reset_index(drop=True)
