"""Event logs in, one canonical Ibis table out: loading, checking and mapping to the project.

An event log is a CSV or Parquet file, a pandas DataFrame or an Ibis table with at
least a user, a timestamp and an event name per row. :func:`load_events` checks it
(every problem a person can cause becomes a :class:`DataError` naming the file, the
row, the column and what to do), renames columns (:data:`GA4_COLUMNS` for a Google
Analytics 4 export), matches events to the project's touchpoints and stages, and
returns an :class:`EventLog` whose ``.table`` has the canonical columns
:data:`CANONICAL_COLUMNS`.

The work stays in the backend: DuckDB by default (it reads CSV and Parquet
out-of-core), or PySpark or any Ibis backend. Checks are aggregate queries, so only
counts and a few example rows come back to Python.
"""

from __future__ import annotations

import csv
import itertools
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from ..errors import DataError
from ..model import DEFAULT_STAGES, Project

CANONICAL_COLUMNS: tuple[str, ...] = (
    "user_id", "session_id", "ts", "seq", "event", "touchpoint", "stage", "stage_order",
    "channel", "device", "department",
)
"""Columns of ``EventLog.table``, in this order."""

REQUIRED: tuple[str, ...] = ("user_id", "timestamp", "event")
OPTIONAL: tuple[str, ...] = ("session_id", "stage", "channel", "device", "department", "touchpoint")

ALIASES: dict[str, tuple[str, ...]] = {
    "user_id": ("user_id", "user", "userid", "customer_id", "client_id"),
    "timestamp": ("timestamp", "ts", "time", "event_time", "datetime"),
    "event": ("event", "event_name", "action"),
    "session_id": ("session_id", "session"),
    "stage": ("stage",),
    "channel": ("channel",),
    "device": ("device", "device_category"),
    "department": ("department",),
    "touchpoint": ("touchpoint",),
}
"""Column names understood without a mapping (case-insensitive), per canonical name."""

GA4_COLUMNS: dict[str, str] = {
    "user_pseudo_id": "user_id",
    "event_timestamp": "timestamp",
    "event_name": "event",
    "device.category": "device",
    "ga_session_id": "session_id",
    "traffic_source.medium": "channel",
    "timestamp_unit": "us",
}
"""Mapping for a Google Analytics 4 export (BigQuery, flattened to CSV or kept as Parquet).

Keys are the export's column names (a dotted name reads a field of a struct column),
values the canonical names; ``timestamp_unit`` says ``event_timestamp`` counts
microseconds since 1970.
"""

TIMESTAMP_UNITS: tuple[str, ...] = ("s", "ms", "us", "ns")
CONVERSION_HINT = re.compile(r"(payment|paid|purchase|order_complete|order_placed|transaction|checkout_complete|success)",
                             re.IGNORECASE)
"""Event names that look like a completed payment or order."""

_TZ_SUFFIX = r"\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|z|UTC|[+-]\d{2}(:?\d{2})?)$"
_NUMBER = r"^\s*\d+(\.\d+)?\s*$"
_PARQUET = (".parquet", ".pq", ".parq")
_EXAMPLE_FORMAT = "2026-03-01 08:15:00"

_duckdb_con: Any = None


def _memory_share(share: float = 0.25, floor_gib: int = 1) -> str:
    """A quarter of this machine's physical memory (or of the container's limit), at least 1 GB, as '6GB'."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, OSError, ValueError):
        total = 0
    try:  # a container's limit, when lower than the machine's memory
        text = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if text.isdigit():
            total = min(total, int(text)) if total else int(text)
    except OSError:
        pass
    return f"{max(floor_gib, int(total * share / 2**30))}GB"


DUCKDB_MEMORY = _memory_share()
"""DuckDB's working memory (CJM_DUCKDB_MEMORY overrides): a quarter of physical memory, at least 1 GB.

Beyond it DuckDB spills to a temporary folder, removed when Python exits. With 1 GB,
10M events spilled 686 MB and took 1.4x as long; 100M events need several GB."""


# --- backends -------------------------------------------------------------------


def default_backend() -> Any:
    """The shared in-process DuckDB connection, in UTC, spilling to its own temporary folder."""
    global _duckdb_con
    if _duckdb_con is None:
        import atexit
        import shutil

        spill = tempfile.mkdtemp(prefix="cjm-duckdb-spill-")
        con = ibis.duckdb.connect()
        con.raw_sql("SET TimeZone = 'UTC'")
        con.raw_sql(f"SET temp_directory = '{Path(spill).as_posix()}'")
        limit = os.environ.get("CJM_DUCKDB_MEMORY", DUCKDB_MEMORY)
        con.raw_sql(f"SET memory_limit = '{limit}'")

        def close() -> None:
            try:
                con.disconnect()
            finally:
                shutil.rmtree(spill, ignore_errors=True)

        atexit.register(close)
        _duckdb_con = con
    return _duckdb_con


def spark_backend(master: str = "local[*]") -> Any:
    """An Ibis PySpark backend on a local Spark session in UTC (for `backend="pyspark"`)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise DataError("backend 'pyspark' needs PySpark; install it with: pip install pyspark") from None
    spark = (
        SparkSession.builder.master(master)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    return ibis.pyspark.connect(spark)


def resolve_backend(backend: Any) -> Any:
    """None or 'duckdb' -> the default DuckDB; 'pyspark' -> local Spark; a backend as is."""
    if backend is None or backend == "duckdb":
        return default_backend()
    if backend == "pyspark":
        return spark_backend()
    if isinstance(backend, str):
        raise DataError(f"unknown backend {backend!r}; use 'duckdb', 'pyspark' or an Ibis backend object")
    return backend


def backend_name(backend: Any) -> str:
    return str(getattr(backend, "name", type(backend).__name__))


_counter = itertools.count()


def materialise(table: ir.Table, backend: Any) -> ir.Table:
    """The table computed once and kept in the backend (a temporary table, or Spark's cache)."""
    if backend_name(backend) == "duckdb":
        name = f"cjm_events_{os.getpid()}_{next(_counter)}"
        return backend.create_table(name, table, temp=True)
    return table.cache()


# --- the log -------------------------------------------------------------------


@dataclass
class EventLog:
    """A checked event log: the canonical Ibis table plus what it was matched against."""

    table: ir.Table
    project: Project | None = None
    stages: list[str] = field(default_factory=list)
    source: str = "event log"
    conversion_events: tuple[str, ...] = ()
    backend: Any = None

    def unmatched_events(self) -> pd.DataFrame:
        """Events that match no touchpoint (touchpoints the inventory may lack): event, events, users."""
        t = self.table
        left = t.filter(t.touchpoint.isnull())
        agg = (
            left.group_by("event")
            .agg(events=left.count(), users=left.user_id.nunique())
            .order_by([ibis.desc("events"), "event"])
        )
        out = agg.execute()
        return out.astype({"events": "int64", "users": "int64"}).reset_index(drop=True)

    def cached(self) -> EventLog:
        """The same log computed once and kept in the backend, for running many analyses."""
        return replace(self, table=materialise(self.table, self.backend or default_backend()))

    def count(self) -> int:
        return int(self.table.count().execute())

    def stage_names(self) -> dict[str, str]:
        if self.project is None:
            return {s: s for s in self.stages}
        return {s.id: s.name for s in self.project.stages}


# --- loading -------------------------------------------------------------------


def load_events(
    source: Any,
    project: Project | None = None,
    columns: Mapping[str, str] | None = None,
    backend: Any = None,
    conversion_events: Sequence[str] | None = None,
    delimiter: str = ",",
) -> EventLog:
    """Read, check and map an event log; see the module text for what is accepted.

    ``columns`` renames the source's columns to canonical ones, ``{"their name":
    "user_id", ...}`` (use :data:`GA4_COLUMNS` for GA4), and may hold
    ``timestamp_unit`` (s, ms, us, ns) for numeric timestamps; without it the unit is
    guessed from the size of the numbers.
    """
    mapping = dict(columns or {})
    unit = mapping.pop("timestamp_unit", None)
    if unit is not None and unit not in TIMESTAMP_UNITS:
        raise DataError(f"timestamp_unit {unit!r} is not known; use one of {', '.join(TIMESTAMP_UNITS)}")
    if isinstance(source, EventLog):
        return source
    if isinstance(source, (str, os.PathLike)):
        con = resolve_backend(backend)
        raw, name, from_file = _read_path(Path(source), con, mapping, delimiter), str(source), True
    elif isinstance(source, pd.DataFrame):
        con = resolve_backend(backend)
        raw, name, from_file = _from_frame(source, con, mapping), "the DataFrame", False
    elif isinstance(source, ir.Table):
        con = _table_backend(source) if backend is None else resolve_backend(backend)
        raw, name, from_file = _with_seq(source), "the Ibis table", False
    else:
        raise DataError(
            f"cannot read an event log from a {type(source).__name__}; give a CSV or Parquet path, "
            "a pandas DataFrame or an Ibis table"
        )
    table = _canonical(raw, name, mapping, unit, from_file)
    stages = _stage_ids(project, table)
    table = _map_to_project(table, project, stages)
    conv = tuple(conversion_events) if conversion_events is not None else default_conversion_events(project, table)
    return EventLog(table=table, project=project, stages=stages, source=name,
                    conversion_events=conv, backend=con)


def _table_backend(table: ir.Table) -> Any:
    try:
        return table._find_backend()
    except Exception:  # a memtable alone has no backend yet
        return default_backend()


def _with_seq(table: ir.Table) -> ir.Table:
    if "seq" in table.columns:
        return table
    return table.mutate(seq=ibis.row_number())


def _row(seq: Any, from_file: bool) -> str:
    """A row as a person finds it: line in the file (header is line 1), else the 0-based position."""
    if seq is None or pd.isna(seq):
        return "?"
    return f"line {int(seq) + 2}" if from_file else f"row {int(seq)}"


# --- files and frames -------------------------------------------------------------


def _read_path(path: Path, con: Any, mapping: dict[str, str], delimiter: str) -> ir.Table:
    if not path.exists():
        raise DataError(f"{path}: no such file; check the path (it is read relative to {Path.cwd()})")
    if path.is_dir():
        raise DataError(f"{path} is a folder; give the event log file inside it")
    if path.stat().st_size == 0:
        raise DataError(f"{path}: the file is empty; export the event log again with a header row and events")
    if path.suffix.lower() in _PARQUET:
        try:
            table = con.read_parquet(str(path))
        except Exception as exc:  # noqa: BLE001 - any reader failure is a bad file for the user
            raise DataError(f"{path}: cannot be read as Parquet ({_first_line(exc)}); "
                            "export it again, or save it as CSV") from None
        return _with_seq(table)
    header = _check_csv_header(path, mapping, delimiter)
    try:
        if backend_name(con) == "duckdb":
            table = con.read_csv(str(path), all_varchar=True, delim=delimiter, header=True,
                                 quote='"', escape='"', columns={h: "VARCHAR" for h in header},
                                 null_padding=False)
        else:
            table = con.read_csv(str(path), header=True, sep=delimiter, inferSchema=False)
    except Exception as exc:  # noqa: BLE001
        raise DataError(f"{path}: cannot be read as CSV ({_first_line(exc)}); check that every line has "
                        f"the same number of {delimiter!r}-separated cells as the header") from None
    return _with_seq(table)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__


def _check_csv_header(path: Path, mapping: dict[str, str], delimiter: str) -> list[str]:
    """The header cells; a DataError for an empty file or one split by another delimiter."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            lines = [line for line in itertools.islice(fh, 2)]
    except UnicodeDecodeError:
        raise DataError(f"{path}: not UTF-8 text; save the CSV as UTF-8 (or give a Parquet file)") from None
    if not lines or not lines[0].strip():
        raise DataError(f"{path}: the file has no header row; the first line must name the columns "
                        "(user_id, timestamp, event, ...)")
    header = next(csv.reader([lines[0]], delimiter=delimiter))
    if len(lines) < 2 or not lines[1].strip():
        raise DataError(f"{path}: the file has a header but no events; export the event log again")
    wanted = set(REQUIRED)
    found = _resolve_names(header, mapping)
    if not wanted <= set(found) and len(header) <= 1:
        for other in (";", "\t", "|", ","):
            if other == delimiter:
                continue
            cells = next(csv.reader([lines[0]], delimiter=other))
            if len(cells) > 1 and wanted <= set(_resolve_names(cells, mapping)):
                shown = "tab" if other == "\t" else repr(other)
                flag = "\\t" if other == "\t" else other
                raise DataError(
                    f"{path}: line 1 has one column, but the cells are separated by {shown}, not "
                    f"{delimiter!r}; read it with delimiter={flag!r} (cjm overlay --delimiter '{flag}'), "
                    "or save the CSV with commas"
                )
    return header


def _from_frame(frame: pd.DataFrame, con: Any, mapping: dict[str, str]) -> ir.Table:
    if frame.empty:
        raise DataError("the DataFrame has no rows; give an event log with at least one event")
    frame = frame.reset_index(drop=True).copy()
    frame.columns = [str(c) for c in frame.columns]
    names = _resolve_names(list(frame.columns), mapping)
    for canonical, column in names.items():
        if canonical == "timestamp":
            continue
        series = frame[column]
        if series.dtype == object:
            _check_mixed(series, column)
    ts_column = names.get("timestamp")
    if ts_column is not None and frame[ts_column].dtype == object:
        _check_mixed(frame[ts_column], ts_column, timestamps=True)
    frame["seq"] = range(len(frame))
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].map(lambda v: None if _missing(v) else str(v) if not
                                              hasattr(v, "isoformat") else v)
    table = ibis.memtable(frame)
    if backend_name(con) != "duckdb":
        table = con.create_table(f"cjm_events_{os.getpid()}_{next(_counter)}", table)
    return table


def _missing(value: Any) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _check_mixed(series: pd.Series, column: str, timestamps: bool = False) -> None:
    """A DataError when a DataFrame column holds both numbers and text (or dates and text)."""
    kinds: dict[str, int] = {}
    for position, value in enumerate(series.to_numpy()):
        if _missing(value):
            continue
        if isinstance(value, bool):
            kind = "a true/false value"
        elif isinstance(value, (int, float)) or type(value).__module__ == "numpy":
            kind = "a number"
        elif hasattr(value, "isoformat"):
            kind = "a date"
        else:
            kind = "text"
        kinds.setdefault(kind, position)
    if len(kinds) > 1:
        (k1, p1), (k2, p2) = sorted(kinds.items(), key=lambda kv: kv[1])[:2]
        what = "timestamps" if timestamps else "values"
        raise DataError(
            f"the DataFrame: column {column!r} mixes types: row {p1} holds {k1}, row {p2} holds {k2}; "
            f"make all its {what} one kind (for example all text, or all dates)"
        )


# --- columns ---------------------------------------------------------------------


def _resolve_names(available: Sequence[str], mapping: Mapping[str, str]) -> dict[str, str]:
    """{canonical name: source column} for the columns found, explicit mapping first."""
    found: dict[str, str] = {}
    lowered = {c.strip().lower(): c for c in available}
    for source, canonical in mapping.items():
        canon = "timestamp" if canonical == "ts" else canonical
        if source in available:
            found.setdefault(canon, source)
        elif source.lower() in lowered:
            found.setdefault(canon, lowered[source.lower()])
        elif "." in source and source.split(".", 1)[0] in available:
            found.setdefault(canon, source)
    for canonical, names in ALIASES.items():
        if canonical in found:
            continue
        for candidate in names:
            if candidate in lowered and lowered[candidate] not in found.values():
                found[canonical] = lowered[candidate]
                break
    return found


def _column(table: ir.Table, name: str) -> ir.Value:
    if name in table.columns:
        return table[name]
    head, rest = name.split(".", 1)
    value = table[head]
    for part in rest.split("."):
        value = value[part]
    return value


def _canonical(raw: ir.Table, source: str, mapping: dict[str, str], unit: str | None,
               from_file: bool) -> ir.Table:
    names = _resolve_names(list(raw.columns), mapping)
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        shown = ", ".join(c for c in raw.columns if c != "seq")
        needs = ", ".join(missing)
        raise DataError(
            f"{source}: no column for {needs}; the columns are: {shown}. Rename them, or map them with "
            "columns={'your name': '" + missing[0] + "'} (cjm overlay --columns FILE.yaml, or --columns ga4 "
            "for a GA4 export)"
        )
    cols = {c: _column(raw, names[c]) for c in names}
    seq = raw.seq.cast("int64")
    text = {c: cols[c].cast("string").strip() for c in cols if c != "timestamp"}
    for c in text:
        text[c] = ibis.ifelse(text[c] == "", ibis.null("string"), text[c])
    ts_raw = cols["timestamp"]
    checks: dict[str, ir.Scalar] = {
        "rows": raw.count(),
        "no_user": seq.min(where=text["user_id"].isnull()),
        "no_event": seq.min(where=text["event"].isnull()),
    }
    ts_type = ts_raw.type()
    if ts_type.is_string():
        ts_txt = ts_raw.strip()
        is_num = ts_txt.re_search(_NUMBER)
        has_tz = ts_txt.re_search(_TZ_SUFFIX)
        present = ts_txt.notnull() & (ts_txt != "")
        checks.update(
            no_ts=seq.min(where=~present),
            num_n=is_num.sum(where=present), num_first=seq.min(where=present & is_num),
            txt_first=seq.min(where=present & ~is_num),
            tz_n=has_tz.sum(where=present & ~is_num), tz_first=seq.min(where=present & has_tz),
            naive_first=seq.min(where=present & ~is_num & ~has_tz),
            max_num=ts_txt.try_cast("float64").max(where=present & is_num),
        )
    elif ts_type.is_numeric():
        checks.update(no_ts=seq.min(where=ts_raw.isnull()), max_num=ts_raw.cast("float64").max())
    elif ts_type.is_timestamp() or ts_type.is_date():
        checks.update(no_ts=seq.min(where=ts_raw.isnull()))
    else:
        raise DataError(f"{source}: column {names['timestamp']!r} holds {ts_type}, not timestamps; give "
                        f"dates and times like {_EXAMPLE_FORMAT}")
    try:
        found = raw.agg(**checks).execute().iloc[0].to_dict()
    except Exception as exc:  # noqa: BLE001 - the backend could not read the data at all
        raise DataError(f"{source}: cannot be read ({_first_line(exc)}); check the file's format") from None
    if not found["rows"]:
        raise DataError(f"{source}: no events; the log must have at least one row")
    tcol = names["timestamp"]
    for key, column in (("no_user", names["user_id"]), ("no_event", names["event"]), ("no_ts", tcol)):
        if not _missing(found.get(key)):
            raise DataError(f"{source}: {_row(found[key], from_file)}, column {column!r} is empty; every event "
                            "needs a user, a timestamp and an event name (fill it in or delete the row)")
    ts = _timestamp(ts_raw, ts_type, found, source, tcol, unit, from_file)
    if ts_type.is_string():
        bad = raw.agg(first=seq.min(where=ts.isnull())).execute().iloc[0].to_dict()
        if not _missing(bad["first"]):
            example = _first_bad_value(raw, ts, ts_raw, seq, bad["first"])
            raise DataError(
                f"{source}: {_row(bad['first'], from_file)}, column {tcol!r}: cannot read {example!r} as a "
                f"date and time; write it like {_EXAMPLE_FORMAT} (ISO 8601, optionally with a time-zone "
                "offset such as +07:00 on every row)"
            )

    def opt(name: str) -> ir.Value:
        return text[name] if name in text else ibis.null("string")

    return raw.select(
        user_id=text["user_id"], session_id=opt("session_id"), ts=ts, seq=seq, event=text["event"],
        log_touchpoint=opt("touchpoint"), log_stage=opt("stage"), log_channel=opt("channel"),
        log_device=opt("device"), log_department=opt("department"),
    )


def _first_bad_value(raw: ir.Table, ts: ir.Value, ts_raw: ir.Value, seq: ir.Value, first: Any) -> str:
    rows = raw.filter(seq == int(first)).select(v=ts_raw).limit(1).execute()
    return str(rows["v"].iloc[0]) if len(rows) else "?"


def _epoch(value: ir.NumericValue, unit: str | None, biggest: float) -> ir.Value:
    if unit is None:
        unit = "s" if biggest < 1e11 else "ms" if biggest < 1e14 else "us" if biggest < 1e17 else "ns"
    if unit in ("us", "ns"):  # DuckDB's Ibis cannot cast microseconds directly: whole ms plus the rest
        micros = (value.cast("float64") / (1000 if unit == "ns" else 1)).round().cast("int64")
        return (micros // 1000).as_timestamp("ms") + (micros % 1000).as_interval("us")
    return value.cast("float64").round().cast("int64").as_timestamp(unit)


def _timestamp(ts_raw: ir.Value, ts_type: Any, found: dict[str, Any], source: str, column: str,
               unit: str | None, from_file: bool) -> ir.Value:
    if ts_type.is_timestamp():
        if ts_type.timezone:
            return ts_raw.cast(ibis.dtype("timestamp('UTC')")).cast("timestamp")
        return ts_raw
    if ts_type.is_date():
        return ts_raw.cast("timestamp")
    if ts_type.is_numeric():
        return _epoch(ts_raw, unit, float(found.get("max_num") or 0))
    num_n = int(found.get("num_n") or 0)
    rows = int(found["rows"])
    if 0 < num_n < rows:
        raise DataError(
            f"{source}: column {column!r} mixes numbers and dates: {_row(found['num_first'], from_file)} holds a "
            f"number, {_row(found['txt_first'], from_file)} a date; use one kind for all rows (dates like "
            f"{_EXAMPLE_FORMAT})"
        )
    txt = ts_raw.strip()
    if num_n == rows:
        return _epoch(txt.cast("float64"), unit, float(found.get("max_num") or 0))
    tz_n = int(found.get("tz_n") or 0)
    if 0 < tz_n < rows:
        raise DataError(
            f"{source}: column {column!r} mixes time zones: {_row(found['tz_first'], from_file)} has a time-zone "
            f"offset, {_row(found['naive_first'], from_file)} has none; give every timestamp an offset "
            "(like +07:00) or none"
        )
    if tz_n:
        utc = txt.re_replace(r"\s*(UTC|z)$", "Z").try_cast(ibis.dtype("timestamp('UTC')"))
        return utc.cast("timestamp")
    return txt.try_cast("timestamp")


# --- project mapping ----------------------------------------------------------------


def _stage_ids(project: Project | None, table: ir.Table) -> list[str]:
    if project is not None:
        return project.stage_ids()
    found = (table.filter(table.log_stage.notnull()).group_by("log_stage")
             .agg(first=table.seq.min()).order_by("first").execute())
    names = [str(s) for s in found["log_stage"]]
    default = [s for s, _ in DEFAULT_STAGES]
    known = [s for s in default if s in names]
    return known + [s for s in names if s not in known]


def touchpoint_table(project: Project | None) -> pd.DataFrame:
    """event -> touchpoint, stage, channel, device, department, from the project's inventory.

    An event matches a touchpoint listing it in ``events``, else a touchpoint whose id
    or name equals it (case-insensitive). The first touchpoint listing an event wins.
    """
    rows: dict[str, dict[str, Any]] = {}
    if project is not None:
        for tp in project.touchpoints:
            values = {"tp_id": tp.id, "tp_stage": tp.stage, "tp_channel": tp.channel or None,
                      "tp_device": tp.device or None, "tp_department": tp.owner_department or None}
            for name in tp.events:
                rows.setdefault(name, values)
        for tp in project.touchpoints:
            values = rows.get(tp.events[0]) if tp.events else None
            values = values or {"tp_id": tp.id, "tp_stage": tp.stage, "tp_channel": tp.channel or None,
                                "tp_device": tp.device or None, "tp_department": tp.owner_department or None}
            for alias in (tp.id, tp.id.lower(), tp.name, tp.name.lower()):
                rows.setdefault(alias, values)
    columns = ["tp_event", "tp_id", "tp_stage", "tp_channel", "tp_device", "tp_department"]
    frame = pd.DataFrame([{"tp_event": k, **v} for k, v in rows.items()], columns=columns)
    return frame.astype("string") if len(frame) else frame


def _map_to_project(table: ir.Table, project: Project | None, stages: list[str]) -> ir.Table:
    tps = touchpoint_table(project)
    if len(tps):
        lookup = ibis.memtable(tps, schema={c: "string" for c in tps.columns})
        joined = table.left_join(lookup, table.event == lookup.tp_event)
        by_tp = ibis.memtable(tps.drop_duplicates("tp_id").rename(columns=lambda c: "x" + c),
                              schema={"x" + c: "string" for c in tps.columns})
        joined = joined.left_join(by_tp, joined.log_touchpoint == by_tp.xtp_id)
        tp = joined.xtp_id.fill_null(joined.tp_id)
        tp_stage = joined.xtp_stage.fill_null(joined.tp_stage)
        tp_channel = joined.xtp_channel.fill_null(joined.tp_channel)
        tp_device = joined.xtp_device.fill_null(joined.tp_device)
        tp_dept = joined.xtp_department.fill_null(joined.tp_department)
    else:
        joined = table
        tp = table.log_touchpoint
        tp_stage = tp_channel = tp_device = tp_dept = ibis.null("string")
    stage_key = {}
    if project is not None:
        for s in project.stages:
            stage_key[s.name] = s.id
            stage_key[s.name.lower()] = s.id
            stage_key[s.id.lower()] = s.id
    log_stage = joined.log_stage
    if stage_key:
        log_stage = log_stage.substitute(stage_key, else_=log_stage)
    stage = log_stage.fill_null(tp_stage)
    order = {s: i for i, s in enumerate(stages)}
    stage_order = stage.substitute(order, else_=ibis.null("int64")).cast("int64") if order \
        else ibis.null("int64")
    return joined.select(
        user_id=joined.user_id, session_id=joined.session_id, ts=joined.ts, seq=joined.seq,
        event=joined.event, touchpoint=tp, stage=stage, stage_order=stage_order,
        channel=joined.log_channel.fill_null(tp_channel), device=joined.log_device.fill_null(tp_device),
        department=joined.log_department.fill_null(tp_dept),
    )


def default_conversion_events(project: Project | None, table: ir.Table | None = None) -> tuple[str, ...]:
    """Events of the 'purchase' stage's touchpoints that look like a completed payment or order.

    Without a project (or without such events), events in the log whose names look
    like a completed purchase (``purchase``, ``payment_success``, ...).
    """
    if project is not None:
        purchase = [s.id for s in project.stages if s.id == "purchase" or s.name.lower() == "purchase"]
        found = [e for tp in project.touchpoints if tp.stage in purchase for e in tp.events
                 if CONVERSION_HINT.search(e)]
        if found:
            return tuple(dict.fromkeys(found))
    if table is None:
        return ()
    names = table.select("event").distinct().limit(10_000).execute()["event"]
    return tuple(sorted(str(e) for e in names if CONVERSION_HINT.search(str(e))))


def step_condition(table: ir.Table, step: str, level: str = "event") -> ir.BooleanValue:
    """Rows that count as reaching a funnel step: an event name, or a stage id."""
    return table[level] == step
