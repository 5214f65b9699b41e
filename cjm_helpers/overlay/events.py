"""Event logs in, one canonical Ibis table out: loading, checking and mapping to the project.

An event log is a CSV or Parquet file, a pandas DataFrame or an Ibis table with at
least a user, a timestamp and an event name per row. :func:`load_events` checks it
(every problem a person can cause becomes a :class:`DataError` naming the file, the
row, the column and what to do), renames columns (:data:`GA4_COLUMNS` for a Google
Analytics 4 export), matches events to the project's touchpoints and stages, and
returns an :class:`EventLog` whose ``.table`` has the canonical columns
:data:`CANONICAL_COLUMNS`.

Timestamps are read by :mod:`.dates`, the one reader for events, tickets and
surveys: ISO 8601 or a ``date_format`` ('day-first', 'month-first', a strptime
pattern), with offsets and named zones (``CET``, ``Europe/Warsaw``) converted to UTC
and ambiguous ones refused. Cells reading ``NULL``, ``null``, ``None`` or nothing are
missing. Exact duplicate rows are counted (``duplicate_rows``) and dropped on
request (``dedupe=True``). Conversion events are named (``conversion_events=`` or the
project's ``data.conversion_events``); only without them are they guessed from
event names, and :meth:`EventLog.notes` says so.

The work stays in the backend: DuckDB by default (it reads CSV and Parquet
out-of-core), or PySpark, an Ibis connection string or any Ibis backend. Checks are
aggregate queries, so only counts and a few example rows come back to Python.
"""

from __future__ import annotations

__all__ = [
    "ALIASES",
    "BUILT_KEY",
    "CANONICAL_COLUMNS",
    "CONVERSION_HINT",
    "DISCOVERY_LIMIT",
    "DUCKDB_MEMORY",
    "DUPLICATE_KEY",
    "GA4_COLUMNS",
    "MISSING_TEXT",
    "NOT_CONVERSION",
    "OPTIONAL",
    "REQUIRED",
    "TIMESTAMP_UNITS",
    "EventLog",
    "backend_name",
    "conversions_for",
    "count_duplicates",
    "default_backend",
    "default_conversion_events",
    "discover",
    "drop_duplicates",
    "load_events",
    "looks_like_conversion",
    "materialise",
    "project_conversion_events",
    "resolve_backend",
    "small_table",
    "spark_backend",
    "spark_python_env",
    "step_condition",
    "sweep_stale_spills",
    "touchpoint_table",
]

import itertools
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple, TypeVar, cast

import ibis
import ibis.expr.operations as ops
import ibis.expr.types as ir
import pandas as pd

from ..errors import DataError
from ..i18n import t
from ..model import DEFAULT_STAGES, Project, Touchpoint
from . import dates
from .parquet_checks import (
    ColumnStatistics,
    may_hold_missing_word,
    parquet_statistics,
    proven_present,
)

T = TypeVar("T")

CANONICAL_COLUMNS: tuple[str, ...] = (
    "user_id",
    "session_id",
    "ts",
    "seq",
    "event",
    "touchpoint",
    "stage",
    "stage_order",
    "channel",
    "device",
    "department",
)
"""Columns of ``EventLog.table``, in this order."""
EVENT_COLUMNS: tuple[str, ...] = ("user_id", "session_id", "ts", "seq", "event")
"""The log's own columns, which need no touchpoint inventory: see :meth:`EventLog.events`."""

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
CONVERSION_HINT = re.compile(
    r"(payment|paid|purchase|order_complete|order_placed|order_confirm|transaction|"
    r"checkout_complete|success|subscri)",
    re.IGNORECASE,
)
"""Event names that may be a completed payment or order (see :func:`looks_like_conversion`)."""
NOT_CONVERSION = re.compile(
    r"(error|fail|bug|cancel|declin|refund|reject|detail|choice|choose|select|method|"
    r"page|view|start|begin|attempt|card|cash|form|info|abandon|retry|click|remind|"
    r"unsubscri|history)",
    re.IGNORECASE,
)
"""Words that make a payment-like name a step before (or beside) the purchase, not the purchase itself."""
MISSING_TEXT: tuple[str, ...] = ("", "null", "none", "nan")
"""Cells (any case, spaces trimmed) that mean 'no value': such a user id is missing, not a user."""

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


SPILL_PREFIX = "cjm-duckdb-spill-"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def sweep_stale_spills(folder: Path) -> list[Path]:
    """Remove spill folders whose process is gone (killed before its exit hook ran).

    Each folder is named ``cjm-duckdb-spill-<pid>-…``; a folder without a pid is left alone.
    Returns the folders removed.
    """
    removed = []
    for path in folder.glob(f"{SPILL_PREFIX}*"):
        pid = path.name[len(SPILL_PREFIX) :].split("-", 1)[0]
        if path.is_dir() and pid.isdigit() and not _process_alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def default_backend() -> Any:
    """The shared in-process DuckDB connection, in UTC, spilling to its own temporary folder.

    The folder is removed when Python exits; folders of killed processes are swept here.
    """
    global _duckdb_con
    if _duckdb_con is None:
        import atexit

        sweep_stale_spills(Path(tempfile.gettempdir()))
        spill = tempfile.mkdtemp(prefix=f"{SPILL_PREFIX}{os.getpid()}-")
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
    """An Ibis PySpark backend on a local Spark session in UTC (for `backend="pyspark"`).

    Spark's workers start this same Python unless PYSPARK_PYTHON says otherwise, so
    they find pandas and the other packages the driver has.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise DataError(t("events.error.no_pyspark")) from None
    spark_python_env()
    spark = (
        SparkSession.builder.master(master)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    return ibis.pyspark.connect(spark)


def spark_python_env(environ: Any = None) -> str:
    """Set PYSPARK_PYTHON (and the driver's) to this interpreter when unset; the value in force."""
    env = os.environ if environ is None else environ
    env.setdefault("PYSPARK_PYTHON", sys.executable)
    env.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    return str(env["PYSPARK_PYTHON"])


def resolve_backend(backend: Any) -> Any:
    """The backend to run on: None or 'duckdb' the default DuckDB, 'pyspark' local Spark,
    an Ibis connection string ('duckdb://', 'postgres://user@host/db', ...) through
    ``ibis.connect``, or a backend object as is."""
    if backend is None or backend == "duckdb":
        return default_backend()
    if backend == "pyspark":
        return spark_backend()
    if isinstance(backend, str):
        if "://" not in backend:
            raise DataError(t("events.error.bad_backend", backend=backend))
        if backend.startswith("pyspark://"):
            return spark_backend(backend.split("://", 1)[1] or "local[*]")
        try:
            con = ibis.connect(backend)
        except Exception as exc:
            raise DataError(
                t("events.error.backend_failed", backend=backend, reason=_first_line(exc))
            ) from None
        if backend_name(con) == "duckdb":
            con.raw_sql("SET TimeZone = 'UTC'")
        return con
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


def _temp_name() -> str:
    return f"cjm_events_{os.getpid()}_{next(_counter)}"


def small_table(frame: pd.DataFrame, con: Any, schema: dict[str, str]) -> ir.Table:
    """A small pandas table in the backend: a memtable for DuckDB, a registered temporary view elsewhere.

    Missing cells become real nulls first (pandas' NA would reach Spark as an object
    string), and a registered view still resolves after the log is cached.
    """
    clean = frame.astype(object).where(frame.notna(), None)
    return _in_backend(ibis.memtable(clean, schema=schema), con)


def _in_backend(table: ir.Table, con: Any) -> ir.Table:
    """A memtable as DuckDB keeps it, or registered under a name the backend still knows after caching."""
    if backend_name(con) == "duckdb":
        return table
    if backend_name(con) == "pyspark":
        return con.create_view(_temp_name(), table)
    return con.create_table(_temp_name(), table, temp=True)


# --- the log -------------------------------------------------------------------


@dataclass
class EventLog:
    """A checked event log: the canonical Ibis table plus what it was matched against.

    ``conversion_events`` are the events that count as converting; the ones in
    ``conversion_guessed`` were guessed from their names (nobody named any), which
    :meth:`notes` says. ``has_sessions`` is False when the log has no session ids
    (a bounce is then a user with one event). ``duplicate_rows`` counts rows that
    copy an earlier row in every column the overlay reads (dropped when loaded with
    ``dedupe=True``; ``deduplicated`` says so).
    """

    table: ir.Table
    project: Project | None = None
    stages: list[str] = field(default_factory=list)
    source: str = "event log"
    conversion_events: tuple[str, ...] = ()
    backend: Any = None
    conversion_guessed: tuple[str, ...] = ()
    has_sessions: bool = False
    deduplicated: bool = False
    file_backed: bool = False
    """True when the table reads a Parquet file in DuckDB: the file itself is then the cache."""
    _before_dedupe: ir.Table | None = field(default=None, repr=False)
    _duplicates: int | None = field(default=None, repr=False)
    _event_names: list[str] | None = field(default=None, repr=False)
    _unjoined: tuple[ir.Table, ir.Table] | None = field(default=None, repr=False)
    """(``table``, the same rows before the inventory join): kept only while ``table`` is that table."""
    _remembered: dict[Hashable, tuple[ir.Table, Any]] = field(default_factory=dict, repr=False)
    """Results analyses share (see :meth:`remembered`), each with the table it was computed on."""

    def events(self) -> ir.Table:
        """The log's own columns (:data:`EVENT_COLUMNS`), without the join to the touchpoint inventory.

        What an analysis of event names and sessions reads: the engine cannot drop an
        unused left join by itself, and on a Parquet log the join costs as much as the
        analysis. A log whose table was replaced (a period's filter) takes its columns
        from the new table instead.
        """
        if self._unjoined is not None and self._unjoined[0] is self.table:
            return self._unjoined[1]
        return self.table.select(*EVENT_COLUMNS)

    def remembered(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, computed once per ``key`` while the table stays the same table.

        What one pass gives several analyses (the path counts by touchpoint and by channel).
        A log whose table was replaced (a period's filter) computes its own.
        """
        kept = self._remembered.get(key)
        if kept is not None and kept[0] is self.table:
            return cast(T, kept[1])
        value = compute()
        self._remembered[key] = (self.table, value)
        return value

    def event_names(self) -> list[str]:
        """The distinct event names in the log (one query, when first asked; the notes and KPIs share it)."""
        if self._event_names is None:
            found = self.events().select("event").distinct().execute()["event"]
            self._event_names = _name_list(found)
        return list(self._event_names)

    @property
    def duplicate_rows(self) -> int:
        """Rows that repeat an earlier row exactly (counted once, when first asked)."""
        if self._duplicates is None:
            self._duplicates = count_duplicates(
                self._before_dedupe if self._before_dedupe is not None else self.table
            )
        return self._duplicates

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
        """The same log computed once and kept in the backend, for running many analyses.

        Duplicates are then counted on the kept table (not by reading the file again),
        unless the log was deduplicated, when only the file still has them. A Parquet
        file read by DuckDB is not copied: DuckDB scans it as fast as a table in memory
        (measured in benchmarks/bench_overlay.py), and a copy would cost a full pass and
        memory the size of the log (gigabytes at 100M events).
        """
        if self.file_backed and not self.deduplicated:
            return self
        kept = materialise(self.table, self.backend or default_backend())
        return replace(
            self,
            table=kept,
            _before_dedupe=self._before_dedupe if self.deduplicated else None,
            _unjoined=None,
        )

    def count(self) -> int:
        return int(self.table.count().execute())

    def stage_names(self) -> dict[str, str]:
        if self.project is None:
            return {s: s for s in self.stages}
        return {s.id: s.name for s in self.project.stages}

    def notes(self, lang: str = "en") -> list[str]:
        """What a reader of any result from this log must know: guessed conversions, duplicates, no sessions."""
        lines: list[str] = []
        if self.conversion_guessed:
            lines.append(
                t("events.note.conversion_guessed", lang, events=", ".join(self.conversion_guessed))
            )
        elif not self.conversion_events:
            lines.append(t("events.note.conversion_none", lang))
        else:
            present = set(self.event_names())
            absent = [e for e in self.conversion_events if e not in present]
            if absent:
                lines.append(t("events.note.conversion_absent", lang, events=", ".join(absent)))
        if self.duplicate_rows:
            key = "deduplicated" if self.deduplicated else "duplicates"
            lines.append(t(f"events.note.{key}", lang, count=self.duplicate_rows))
        if not self.has_sessions:
            lines.append(t("events.note.no_sessions", lang))
        return lines


DUPLICATE_KEY: tuple[str, ...] = (
    "user_id",
    "session_id",
    "ts",
    "event",
    "log_touchpoint",
    "log_stage",
    "log_channel",
    "log_device",
    "log_department",
)
"""Columns two rows must share to be exact duplicates: every column of the log the overlay reads."""
BUILT_KEY: tuple[str, ...] = (
    "user_id",
    "session_id",
    "ts",
    "event",
    "touchpoint",
    "stage",
    "channel",
    "device",
    "department",
)
"""The same, in the built table (the log's values, or the touchpoint's where the log has none)."""
IDENTITY_KEY: tuple[str, ...] = ("user_id", "ts", "event")
"""The columns copies of a row share first: hashed to find the few rows worth comparing in full."""


def count_duplicates(table: ir.Table) -> int:
    """Rows beyond the first of each group of identical rows (all of :data:`DUPLICATE_KEY`, or of
    :data:`BUILT_KEY` in a built table)."""
    key = (
        list(DUPLICATE_KEY)
        if set(DUPLICATE_KEY) <= set(table.columns)
        else [c for c in BUILT_KEY if c in table.columns]
    )
    absent = _absent(table)
    key = [c for c in key if c not in absent] or key
    # rows can only repeat one another when they share a customer, a time and an event: the hashes
    # of those three shared by several rows come back first (almost always none or a few), and
    # only their rows are grouped exactly on every column, so a collision or a near copy costs a
    # little work, never a wrong count, and no query holds every row's key
    identity = [c for c in IDENTITY_KEY if c in key] or key
    hashed = table.select(*key, row_hash=ibis.struct({c: table[c] for c in identity}).hash())
    by_hash = hashed.group_by("row_hash").agg(n=hashed.count())
    shared = by_hash.filter(by_hash.n > 1).select("row_hash").limit(_SHARED_HASHES + 1).execute()
    if shared.empty:
        return 0
    if len(shared) > _SHARED_HASHES:  # many repeats: group the candidates in the engine
        candidates = hashed.semi_join(by_hash.filter(by_hash.n > 1), "row_hash")
    else:
        candidates = hashed.filter(hashed.row_hash.isin(shared["row_hash"].tolist()))
    groups = candidates.group_by(key).agg(n=candidates.count())
    found = groups.agg(extra=(groups.n - 1).sum()).execute().iloc[0]["extra"]
    return 0 if _missing(found) else int(found)


_SHARED_HASHES = 10_000
"""At most this many shared row hashes are sent back to the engine as a list; more are joined there."""


def drop_duplicates(table: ir.Table) -> ir.Table:
    """One row per group of identical rows: the first in file order (smallest ``seq``)."""
    key = [c for c in DUPLICATE_KEY if c in table.columns]
    kept = table.group_by(key).agg(seq=table.seq.min())
    return kept.select(*[c for c in table.columns])


# --- loading -------------------------------------------------------------------


def load_events(
    source: Any,
    project: Project | None = None,
    columns: Mapping[str, str] | None = None,
    backend: Any = None,
    conversion_events: Sequence[str] | None = None,
    delimiter: str = ",",
    dedupe: bool = False,
    date_format: str | None = None,
    lang: str = "en",
) -> EventLog:
    """Read, check and map an event log; see the module text for what is accepted.

    ``columns`` renames the source's columns to canonical ones, ``{"their name":
    "user_id", ...}`` (use :data:`GA4_COLUMNS` for GA4), and may hold
    ``timestamp_unit`` (s, ms, us, ns) for numeric timestamps; without it the unit is
    guessed from the size of the numbers. ``conversion_events`` name the events that
    count as converting (else the project's setting, else a guess from the names,
    reported in ``conversion_guessed``). ``dedupe`` drops rows that exactly repeat an
    earlier one. ``date_format`` reads text dates that are not ISO 8601: 'day-first',
    'month-first' or a strptime pattern (see :mod:`.dates`). ``backend``: 'duckdb'
    (default), 'pyspark', an Ibis connection string or an Ibis backend.
    """
    mapping = dict(columns or {})
    unit = _timestamp_unit(mapping, lang)
    if isinstance(source, EventLog):
        return source
    dates.local_format(date_format, lang)  # a bad format is the first thing to say
    read = _read_checked(source, backend, mapping, delimiter, unit, date_format, lang)
    table, found, name, con = read.table, read.found, read.name, read.con
    has_sessions = bool(found.get("sessions") or 0)
    before = table
    if dedupe:
        table = drop_duplicates(table)
    known = None if dedupe else found.get("event_names")
    need_events = conversion_events is None and not _project_names_conversions(project)
    log_stages, events = discover(table, stages=project is None, events=need_events and not known)
    events = events or known
    stages = _stage_ids(project, table, log_stages)
    unjoined = table.select(*EVENT_COLUMNS)
    table = _map_to_project(table, project, stages, con)
    conv, guessed = conversions_for(project, table, conversion_events, events)
    return EventLog(
        table=table,
        project=project,
        stages=stages,
        source=name,
        conversion_events=conv,
        backend=con,
        conversion_guessed=guessed,
        has_sessions=has_sessions,
        deduplicated=dedupe,
        file_backed=read.file_backed,
        _before_dedupe=before,
        _event_names=known,
        _unjoined=(table, unjoined),
    )


class _Read(NamedTuple):
    """A log read and checked: its canonical table, what the checks found, its name for messages, its
    backend, and whether it is a Parquet file DuckDB reads (the file is then the cache)."""

    table: ir.Table
    found: dict[str, Any]
    name: str
    con: Any
    file_backed: bool


def _read_checked(
    source: Any,
    backend: Any,
    mapping: dict[str, str],
    delimiter: str,
    unit: str | None,
    date_format: str | None,
    lang: str,
) -> _Read:
    """Open the source and check it; a DuckDB Parquet file's statistics answer the checks when they can."""
    raw, name, from_file, con = _open_source(source, backend, mapping, delimiter, lang)
    typed = from_file and Path(str(source)).suffix.lower() in _PARQUET
    duck = backend_name(con) == "duckdb"
    statistics = parquet_statistics(con.con, Path(str(source))) if typed and duck else {}
    table, found = _canonical(
        raw,
        name,
        mapping,
        unit,
        from_file,
        date_format,
        lang,
        trim=not typed,
        statistics=statistics,
    )
    return _Read(table, found, name, con, typed and duck)


def _timestamp_unit(mapping: dict[str, str], lang: str) -> str | None:
    """Take ``timestamp_unit`` out of the column mapping, refusing a unit we do not know."""
    unit = mapping.pop("timestamp_unit", None)
    if unit is not None and unit not in TIMESTAMP_UNITS:
        raise DataError(
            t("events.error.bad_unit", lang, unit=repr(unit), units=", ".join(TIMESTAMP_UNITS))
        )
    return unit


def _open_source(
    source: Any, backend: Any, mapping: dict[str, str], delimiter: str, lang: str
) -> tuple[ir.Table, str, bool, Any]:
    """The source as a raw table with row numbers: its name for messages, whether it is a file, its backend."""
    if isinstance(source, (str, os.PathLike)):
        con = resolve_backend(backend)
        return _read_path(Path(source), con, mapping, delimiter, lang), str(source), True, con
    if isinstance(source, pd.DataFrame):
        con = resolve_backend(backend)
        return _from_frame(source, con, mapping, lang), t("events.source.frame", lang), False, con
    if isinstance(source, ir.Table):
        con = _table_backend(source) if backend is None else resolve_backend(backend)
        return _with_seq(source, con), t("events.source.table", lang), False, con
    raise DataError(t("events.error.bad_source", lang, kind=type(source).__name__))


def _project_names_conversions(project: Project | None) -> bool:
    """Whether the project says which events convert, so the log's event names need not be listed."""
    return bool(project_conversion_events(project) or default_conversion_events(project))


def discover(
    table: ir.Table, stages: bool, events: bool
) -> tuple[list[str] | None, list[str] | None]:
    """In one pass: the log's stages in order of first appearance, and its distinct event names (as asked)."""
    keys = (["log_stage"] if stages else []) + (["event"] if events else [])
    if not keys:
        return None, None
    found = (
        table.group_by(keys)
        .agg(first=table.seq.min())
        .order_by("first")
        .limit(DISCOVERY_LIMIT)
        .execute()
    )
    log_stages = (
        list(dict.fromkeys(str(s) for s in found["log_stage"] if not _missing(s)))
        if stages
        else None
    )
    names = (
        list(dict.fromkeys(str(e) for e in found["event"] if not _missing(e))) if events else None
    )
    return log_stages, names


DISCOVERY_LIMIT = 100_000
"""At most this many (stage, event) pairs are looked at to find stages and guess conversions."""


def conversions_for(
    project: Project | None,
    table: ir.Table | None,
    named: Sequence[str] | None = None,
    events: Sequence[str] | None = None,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The conversion events and which of them were guessed: named ones, else the project's, else a guess
    (from ``events``, the log's event names when already known, else from ``table``)."""
    if named is not None:
        return tuple(dict.fromkeys(str(e).strip() for e in named if str(e).strip())), ()
    configured = project_conversion_events(project)
    if configured:
        return configured, ()
    guessed = default_conversion_events(project, table, events)
    return guessed, guessed


def project_conversion_events(project: Project | None) -> tuple[str, ...]:
    """Conversion events the project names in its data settings (``data: conversion_events: [...]``)."""
    data = getattr(project, "data", None)
    named = getattr(data, "conversion_events", None) or ()
    if isinstance(named, str):
        named = [e for e in named.split(",")]
    return tuple(dict.fromkeys(str(e).strip() for e in named if str(e).strip()))


def _table_backend(table: ir.Table) -> Any:
    try:
        return table._find_backend()
    except Exception:  # a memtable alone has no backend yet
        return default_backend()


def _with_seq(table: ir.Table, con: Any = None) -> ir.Table:
    """Number the rows in the order the reader gives them (``seq``, from 0): ties in time keep file order.

    Spark has no order without a key, so there the number follows Spark's increasing
    row id, which keeps the file's order within and across its partitions.
    """
    if "seq" in table.columns:
        return table
    if con is not None and backend_name(con) == "pyspark":
        order = _spark_row_id()
        return table.mutate(seq=ibis.row_number().over(order_by=order))
    return table.mutate(seq=ibis.row_number())


@ibis.udf.scalar.builtin(name="monotonically_increasing_id")
def _spark_row_id() -> int:  # type: ignore[empty-body]
    """Spark's increasing id of each row, in the order the rows were read."""


def _row(seq: Any, from_file: bool, lang: str = "en") -> str:
    """A row as a person finds it: line in the file (header is line 1), else the 0-based position."""
    if seq is None or pd.isna(seq):
        return "?"
    return (
        t("events.where.line", lang, n=int(seq) + 2)
        if from_file
        else t("events.where.row", lang, n=int(seq))
    )


# --- files and frames -------------------------------------------------------------


def _read_path(
    path: Path, con: Any, mapping: dict[str, str], delimiter: str, lang: str = "en"
) -> ir.Table:
    if not path.exists():
        raise DataError(t("events.error.no_file", lang, file=path, cwd=Path.cwd()))
    if path.is_dir():
        raise DataError(t("events.error.is_folder", lang, file=path))
    if path.stat().st_size == 0:
        raise DataError(t("events.error.empty_file", lang, file=path))
    if path.suffix.lower() in _PARQUET:
        duck = backend_name(con) == "duckdb"
        try:
            # DuckDB numbers the rows as it reads them: file order without a window over the whole log
            table = (
                con.read_parquet(str(path), file_row_number=True)
                if duck
                else con.read_parquet(str(path))
            )
        except Exception as exc:
            raise DataError(
                t("events.error.bad_parquet", lang, file=path, reason=_first_line(exc))
            ) from None
        if duck and "seq" not in table.columns:
            return table.rename(seq="file_row_number")
        return _with_seq(table.drop("file_row_number") if duck else table, con)
    header = _check_csv_header(path, mapping, delimiter, lang)
    try:
        if backend_name(con) == "duckdb":
            table = con.read_csv(
                str(path),
                all_varchar=True,
                delim=delimiter,
                header=True,
                quote='"',
                escape='"',
                columns={h: "VARCHAR" for h in header},
                null_padding=False,
            )
        else:
            table = con.read_csv(str(path), header=True, sep=delimiter, inferSchema=False)
    except Exception as exc:
        raise DataError(
            t(
                "events.error.bad_csv",
                lang,
                file=path,
                reason=_first_line(exc),
                delimiter=repr(delimiter),
            )
        ) from None
    return _with_seq(table, con)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__


def _check_csv_header(
    path: Path, mapping: dict[str, str], delimiter: str, lang: str = "en"
) -> list[str]:
    """The header cells; a DataError for an empty file or one split by another delimiter."""
    from ..files import MAX_LINE_CHARS, csv_cells

    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:  # each line read with a length cap
            lines = [line for line in (fh.readline(MAX_LINE_CHARS + 1) for _ in range(2)) if line]
    except UnicodeDecodeError:
        raise DataError(t("events.error.not_utf8", lang, file=path)) from None
    if not lines or not lines[0].strip():
        raise DataError(t("events.error.no_header", lang, file=path))
    header = csv_cells(lines[0], delimiter, path, DataError)
    if len(lines) < 2 or not lines[1].strip():
        raise DataError(t("events.error.header_only", lang, file=path))
    wanted = set(REQUIRED)
    found = _resolve_names(header, mapping)
    if not wanted <= set(found) and len(header) <= 1:
        for other in (";", "\t", "|", ","):
            if other == delimiter:
                continue
            cells = csv_cells(lines[0], other, path, DataError)
            if len(cells) > 1 and wanted <= set(_resolve_names(cells, mapping)):
                shown = t("events.where.tab", lang) if other == "\t" else repr(other)
                flag = "\\t" if other == "\t" else other
                raise DataError(
                    t(
                        "events.error.other_delimiter",
                        lang,
                        file=path,
                        found=shown,
                        delimiter=repr(delimiter),
                        flag=flag,
                        flag_value=repr(flag),
                    )
                )
    return header


def _from_frame(
    frame: pd.DataFrame, con: Any, mapping: dict[str, str], lang: str = "en"
) -> ir.Table:
    if frame.empty:
        raise DataError(t("events.error.empty_frame", lang))
    frame = frame.reset_index(drop=True).copy()
    frame.columns = [str(c) for c in frame.columns]
    names = _resolve_names(list(frame.columns), mapping)
    for canonical, column in names.items():
        if canonical == "timestamp":
            continue
        series = frame[column]
        if series.dtype == object:
            _check_mixed(series, column, lang=lang)
    ts_column = names.get("timestamp")
    if ts_column is not None and frame[ts_column].dtype == object:
        _check_mixed(frame[ts_column], ts_column, timestamps=True, lang=lang)
    frame["seq"] = range(len(frame))
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].map(
                lambda v: None if _missing(v) else str(v) if not hasattr(v, "isoformat") else v
            )
    return _in_backend(ibis.memtable(frame), con)


def _missing(value: Any) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _check_mixed(
    series: pd.Series, column: str, timestamps: bool = False, lang: str = "en"
) -> None:
    """A DataError when a DataFrame column holds both numbers and text (or dates and text)."""
    kinds: dict[str, int] = {}
    for position, value in enumerate(series.to_numpy()):
        if _missing(value):
            continue
        if isinstance(value, bool):
            kind = "bool"
        elif isinstance(value, (int, float)) or type(value).__module__ == "numpy":
            kind = "number"
        elif hasattr(value, "isoformat"):
            kind = "date"
        else:
            kind = "text"
        kinds.setdefault(kind, position)
    if len(kinds) > 1:
        (k1, p1), (k2, p2) = sorted(kinds.items(), key=lambda kv: kv[1])[:2]
        key = "events.error.mixed_timestamps" if timestamps else "events.error.mixed_values"
        raise DataError(
            t(
                key,
                lang,
                column=repr(column),
                first_row=p1,
                first_kind=t(f"events.kind.{k1}", lang),
                second_row=p2,
                second_kind=t(f"events.kind.{k2}", lang),
            )
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


def _canonical(
    raw: ir.Table,
    source: str,
    mapping: dict[str, str],
    unit: str | None,
    from_file: bool,
    date_format: str | None = None,
    lang: str = "en",
    trim: bool = True,
    statistics: Mapping[str, ColumnStatistics] | None = None,
) -> tuple[ir.Table, dict[str, Any]]:
    """The log with canonical columns and UTC timestamps, after every check; and what the checks found.

    ``statistics`` (a Parquet file's) answer the checks of a clean log without reading it.
    """
    names = _resolve_names(list(raw.columns), mapping)
    _require_columns(raw, names, source, lang)
    cols = {c: _column(raw, names[c]) for c in names}
    seq = raw.seq.cast("int64")
    plain = set() if trim else _without_missing_words(statistics or {}, names, cols)
    text = {c: _text(cols[c], trim, keep_missing=c in plain) for c in cols if c != "timestamp"}
    ts_raw = cols["timestamp"]
    found = _known_checks(statistics or {}, names, cols, text, plain)
    if found is None:
        checks = _cell_checks(raw, seq, text)
        checks.update(_timestamp_checks(seq, ts_raw, names["timestamp"], source, date_format, lang))
        found = _run_checks(raw, checks, source, lang)
    _refuse_empty_cells(found, names, source, from_file, lang)
    row = partial(_row, from_file=from_file, lang=lang)  # a row number in words, for messages
    ts_type = ts_raw.type()
    tcol = names["timestamp"]
    ts = _timestamp(raw, seq, ts_raw, ts_type, found, source, tcol, unit, row, date_format, lang)
    if ts_type.is_string():
        _refuse_unread_timestamps(raw, seq, ts, ts_raw, found, source, tcol, row, date_format, lang)
    table = _canonical_columns(raw, cols, text, ts, seq, trim)
    return table, found


def _without_missing_words(
    statistics: Mapping[str, ColumnStatistics], names: dict[str, str], cols: dict[str, ir.Value]
) -> set[str]:
    """The optional text columns whose Parquet statistics prove that no value reads as missing: they
    are read as they are, with no test of every value (their nulls stay nulls)."""
    plain = set()
    for column in OPTIONAL:
        found = statistics.get(names[column]) if column in names else None
        if found is None or not cols[column].type().is_string():
            continue
        if not may_hold_missing_word(found.smallest, found.largest, MISSING_TEXT):
            plain.add(column)
    return plain


def _known_checks(
    statistics: Mapping[str, ColumnStatistics],
    names: dict[str, str],
    cols: dict[str, ir.Value],
    text: dict[str, ir.StringValue],
    plain: set[str],
) -> dict[str, Any] | None:
    """What the checks would find in a clean Parquet log, proven by its statistics; None if unproven.

    ``plain`` holds the optional columns proven to have no missing word (:func:`_without_missing_words`).

    Event names usually run from a to z, past the letters of the missing words, so the
    event column is proven by its distinct names instead (one light query), which are
    kept: every run asks for them.
    """

    def proven(column: str) -> bool:
        value = cols[column]
        return proven_present(statistics.get(names[column]), value.type().is_string(), MISSING_TEXT)

    ts_type = cols["timestamp"].type()
    user = statistics.get(names["user_id"])
    if not user or not user.rows or not (ts_type.is_timestamp() or ts_type.is_date()):
        return None
    if not proven("user_id") or not proven("timestamp"):
        return None
    found: dict[str, Any] = {"rows": user.rows, "no_user": None, "no_event": None, "no_ts": None}
    if "session_id" in names:
        session = statistics.get(names["session_id"])
        if session is None or session.nulls is None:
            return None
        if cols["session_id"].type().is_string() and "session_id" not in plain:
            return None
        found["sessions"] = session.rows - session.nulls
    if not proven("event"):
        events = text["event"].name("event").as_table().distinct().execute()["event"]
        if any(_missing(e) for e in events):
            return None
        found["event_names"] = _name_list(events)
    return found


def _name_list(values: Any) -> list[str]:
    """Distinct event names as the log lists them: sorted text, missing ones left out."""
    return sorted(str(v) for v in values if not _missing(v))


def _require_columns(raw: ir.Table, names: dict[str, str], source: str, lang: str) -> None:
    """Refuse a log without a required column, naming what it has so the user can map one."""
    missing = [c for c in REQUIRED if c not in names]
    if not missing:
        return
    shown = ", ".join(c for c in raw.columns if c != "seq")
    needs = ", ".join(missing)
    raise DataError(
        t(
            "events.error.no_column",
            lang,
            file=source,
            needs=needs,
            columns=shown,
            first=missing[0],
        )
    )


def _cell_checks(
    raw: ir.Table, seq: ir.Value, text: dict[str, ir.StringValue]
) -> dict[str, ir.Scalar]:
    """Row count, first rows without a user or an event, and the session count: asked in the one pass."""
    checks: dict[str, ir.Scalar] = {
        "rows": raw.count(),
        "no_user": seq.min(where=text["user_id"].isnull()),
        "no_event": seq.min(where=text["event"].isnull()),
    }
    if "session_id" in text:
        checks["sessions"] = text["session_id"].count()
    return checks


def _timestamp_checks(
    seq: ir.Value,
    ts_raw: ir.Value,
    column: str,
    source: str,
    date_format: str | None,
    lang: str,
) -> dict[str, ir.Scalar]:
    """What the timestamp column holds (missing, numbers, zones, unreadable ISO), for the same pass."""
    ts_type = ts_raw.type()
    if ts_type.is_string():
        return _text_timestamp_checks(seq, ts_raw, date_format, lang)
    if ts_type.is_numeric():
        return {"no_ts": seq.min(where=ts_raw.isnull()), "max_num": ts_raw.cast("float64").max()}
    if ts_type.is_timestamp() or ts_type.is_date():
        return {"no_ts": seq.min(where=ts_raw.isnull())}
    raise DataError(
        t(
            "events.error.not_timestamps",
            lang,
            file=source,
            column=repr(column),
            type=ts_type,
            example=_EXAMPLE_FORMAT,
        )
    )


def _text_timestamp_checks(
    seq: ir.Value, ts_raw: ir.Value, date_format: str | None, lang: str
) -> dict[str, ir.Scalar]:
    """For text timestamps: blanks, numbers, zoned and naive values, and plain ISO text that does not read."""
    ts_txt = ts_raw.strip()
    is_num = ts_txt.re_search(_NUMBER)
    zoned = ts_txt.re_search(dates.ZONED)
    present = ts_txt.notnull() & (ts_txt != "")
    checks: dict[str, ir.Scalar] = {
        "no_ts": seq.min(where=~present),
        "num_n": is_num.sum(where=present),
        "num_first": seq.min(where=present & is_num),
        "txt_first": seq.min(where=present & ~is_num),
        "tz_n": zoned.sum(where=present & ~is_num),
        "tz_first": seq.min(where=present & zoned),
        "naive_first": seq.min(where=present & ~is_num & ~zoned),
        "max_num": ts_txt.try_cast("float64").max(where=present & is_num),
    }
    iso = dates.local_format(date_format, lang).regex is None
    if iso:  # the usual case, checked here to save a pass: plain ISO text that does not read
        checks["iso_bad"] = seq.min(
            where=present & ~is_num & ~zoned & ts_txt.try_cast("timestamp").isnull()
        )
    return checks


def _run_checks(
    raw: ir.Table, checks: dict[str, ir.Scalar], source: str, lang: str
) -> dict[str, Any]:
    """Every check in one query; a log that cannot be read or has no rows is refused here."""
    try:
        found = raw.agg(**checks).execute().iloc[0].to_dict()
    except Exception as exc:
        raise DataError(
            t("events.error.unreadable", lang, file=source, reason=_first_line(exc))
        ) from None
    if not found["rows"]:
        raise DataError(t("events.error.no_rows", lang, file=source))
    return found


def _refuse_empty_cells(
    found: dict[str, Any], names: dict[str, str], source: str, from_file: bool, lang: str
) -> None:
    """Refuse the first row without a user, an event or a timestamp, naming its line and column."""
    for key, column in (
        ("no_user", names["user_id"]),
        ("no_event", names["event"]),
        ("no_ts", names["timestamp"]),
    ):
        if not _missing(found.get(key)):
            raise DataError(
                t(
                    "events.error.empty_cell",
                    lang,
                    file=source,
                    row=_row(found[key], from_file, lang),
                    column=column,
                )
            )


def _refuse_unread_timestamps(
    raw: ir.Table,
    seq: ir.Value,
    ts: ir.Value,
    ts_raw: ir.Value,
    found: dict[str, Any],
    source: str,
    column: str,
    row: Any,
    date_format: str | None,
    lang: str,
) -> None:
    """Refuse the first text timestamp that does not read, with its value and a hint on the format."""
    plain = (
        "iso_bad" in found and not int(found.get("tz_n") or 0) and not int(found.get("num_n") or 0)
    )
    bad = (
        {"first": found["iso_bad"]}
        if plain
        else raw.agg(first=seq.min(where=ts.isnull())).execute().iloc[0].to_dict()
    )
    if _missing(bad["first"]):
        return
    example = _first_bad_value(raw, ts, ts_raw, seq, bad["first"])
    message = t(
        "events.error.bad_timestamp",
        lang,
        file=source,
        row=row(bad["first"]),
        column=column,
        value=example,
        example=_EXAMPLE_FORMAT,
    )
    if date_format:
        message += t("events.error.format_hint", lang, format=date_format)
    elif dates.looks_day_first(example):
        message += t("events.error.day_first_hint", lang)
    raise DataError(message)


def _canonical_columns(
    raw: ir.Table,
    cols: dict[str, ir.Value],
    text: dict[str, ir.StringValue],
    ts: ir.Value,
    seq: ir.Value,
    trim: bool,
) -> ir.Table:
    """The canonical columns; a column the log lacks is a null constant, which later steps leave out."""

    def opt(name: str) -> ir.Value:
        return text[name] if name in text else ibis.null("string")

    # the checks found no missing user or event, so their values need no mapping to null
    return raw.select(
        user_id=_text(cols["user_id"], trim, keep_missing=True),
        session_id=opt("session_id"),
        ts=ts,
        seq=seq,
        event=_text(cols["event"], trim, keep_missing=True),
        log_touchpoint=opt("touchpoint"),
        log_stage=opt("stage"),
        log_channel=opt("channel"),
        log_device=opt("device"),
        log_department=opt("department"),
    )


def _text(value: ir.Value, trim: bool = True, keep_missing: bool = False) -> ir.StringValue:
    """A column as text (trimmed unless ``trim`` is False), with blanks and :data:`MISSING_TEXT` as nulls.

    Typed files (Parquet) are not trimmed, which keeps the read cheap; the missing words
    are matched in any case, short values only (a short list, so DuckDB drops the check
    when an analysis does not read the column, where a long one became a join run on
    every row). ``keep_missing`` skips the mapping to null, for a column already checked
    to have no missing value.
    """
    if not trim:
        text = value if value.type().is_string() else value.cast("string")
    else:
        text = value.cast("string").strip()
    if keep_missing:
        return text
    if not trim:
        longest = max(len(word) for word in MISSING_TEXT)
        missing = (text.length() <= longest) & text.lower().isin(list(MISSING_TEXT))
        return ibis.ifelse(missing, ibis.null("string"), text)
    return ibis.ifelse(text.lower().isin(list(MISSING_TEXT)), ibis.null("string"), text)


def _first_bad_value(
    raw: ir.Table, ts: ir.Value, ts_raw: ir.Value, seq: ir.Value, first: Any
) -> str:
    rows = raw.filter(seq == int(first)).select(v=ts_raw).limit(1).execute()
    return str(rows["v"].iloc[0]) if len(rows) else "?"


def _epoch(value: ir.NumericValue, unit: str | None, biggest: float) -> ir.Value:
    if unit is None:
        unit = (
            "s" if biggest < 1e11 else "ms" if biggest < 1e14 else "us" if biggest < 1e17 else "ns"
        )
    if unit in (
        "us",
        "ns",
    ):  # DuckDB's Ibis cannot cast microseconds directly: whole ms plus the rest
        micros = (value.cast("float64") / (1000 if unit == "ns" else 1)).round().cast("int64")
        return (micros // 1000).as_timestamp("ms") + (micros % 1000).as_interval("us")
    return value.cast("float64").round().cast("int64").as_timestamp(unit)


def _timestamp(
    raw: ir.Table,
    seq: ir.Value,
    ts_raw: ir.Value,
    ts_type: Any,
    found: dict[str, Any],
    source: str,
    column: str,
    unit: str | None,
    row: Any,
    date_format: str | None,
    lang: str,
) -> ir.Value:
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
            t(
                "events.error.mixed_numbers",
                lang,
                file=source,
                column=column,
                number_row=row(found["num_first"]),
                date_row=row(found["txt_first"]),
                example=_EXAMPLE_FORMAT,
            )
        )
    txt = ts_raw.strip()
    if num_n == rows:
        return _epoch(txt.cast("float64"), unit, float(found.get("max_num") or 0))
    return dates.parse_text(
        raw,
        txt,
        seq,
        zoned_rows=int(found.get("tz_n") or 0),
        rows=rows,
        first_zoned=found["tz_first"],
        first_naive=found["naive_first"],
        date_format=date_format,
        row=row,
        source=source,
        column_name=column,
        lang=lang,
    )


# --- project mapping ----------------------------------------------------------------


def _stage_ids(
    project: Project | None, table: ir.Table, found: list[str] | None = None
) -> list[str]:
    """The project's stages, else the log's (``found``, in order of first appearance), known ones first."""
    if project is not None:
        return project.stage_ids()
    if found is None:
        found = discover(table, stages=True, events=False)[0] or []
    names = list(found)
    default = [s for s, _ in DEFAULT_STAGES]
    known = [s for s in default if s in names]
    return known + [s for s in names if s not in known]


def _inventory_row(tp: Touchpoint) -> dict[str, str | None]:
    """What the inventory says of one touchpoint, as the columns the events are joined to."""
    return {
        "tp_id": tp.id,
        "tp_stage": tp.stage,
        "tp_channel": tp.channel or None,
        "tp_device": tp.device or None,
        "tp_department": tp.owner_department or None,
    }


def touchpoint_table(project: Project | None) -> pd.DataFrame:
    """event -> touchpoint, stage, channel, device, department, from the project's inventory.

    An event matches a touchpoint listing it in ``events``, else a touchpoint whose id
    or name equals it (case-insensitive). The first touchpoint listing an event wins.
    """
    rows: dict[str, dict[str, str | None]] = {}
    if project is not None:
        for tp in project.touchpoints:
            for name in tp.events:
                rows.setdefault(name, _inventory_row(tp))
        for tp in project.touchpoints:
            values = (rows.get(tp.events[0]) if tp.events else None) or _inventory_row(tp)
            for alias in (tp.id, tp.id.lower(), tp.name, tp.name.lower()):
                rows.setdefault(alias, values)
    columns = ["tp_event", "tp_id", "tp_stage", "tp_channel", "tp_device", "tp_department"]
    frame = pd.DataFrame([{"tp_event": k, **v} for k, v in rows.items()], columns=columns)
    return frame.astype("string") if len(frame) else frame


def _absent(table: ir.Table) -> set[str]:
    """Columns the log does not have: selected as a null constant by :func:`_canonical`."""
    op = table.op()
    values = getattr(op, "values", None)
    if not isinstance(op, ops.Project) or values is None:
        return set()
    return {
        name
        for name, value in values.items()
        if isinstance(value, ops.Literal) and value.value is None
    }


def _map_to_project(
    table: ir.Table, project: Project | None, stages: list[str], con: Any = None
) -> ir.Table:
    """The log joined to the touchpoint inventory: touchpoint, stage and its order, channel, device, department.

    Columns the log lacks take no part (no join on a missing touchpoint, no mapping of a
    missing stage), which keeps the query every analysis runs on small.
    """
    absent = _absent(table)
    joined, inventory = _join_inventory(table, touchpoint_table(project), absent, con)

    def from_log(name: str, fallback: ir.Value) -> ir.Value:
        return fallback if name in absent else joined[name].fill_null(fallback)

    stage = _stage_column(joined, project, absent, inventory["stage"])
    return joined.select(
        user_id=joined.user_id,
        session_id=joined.session_id,
        ts=joined.ts,
        seq=joined.seq,
        event=joined.event,
        touchpoint=inventory["touchpoint"],
        stage=stage,
        stage_order=_stage_order(stage, stages),
        channel=from_log("log_channel", inventory["channel"]),
        device=from_log("log_device", inventory["device"]),
        department=from_log("log_department", inventory["department"]),
    )


def _join_inventory(
    table: ir.Table, tps: pd.DataFrame, absent: set[str], con: Any
) -> tuple[ir.Table, dict[str, ir.Value]]:
    """The log joined to the inventory by event name, and by the log's own touchpoint where it has one.

    Returns the joined table and the inventory's touchpoint, stage, channel, device and
    department for each row (nulls when the project has no touchpoints).
    """
    if not len(tps):
        none = ibis.null("string")
        return table, {
            "touchpoint": table.log_touchpoint,
            "stage": none,
            "channel": none,
            "device": none,
            "department": none,
        }
    con = con if con is not None else default_backend()
    lookup = small_table(tps, con, {c: "string" for c in tps.columns})
    joined = table.left_join(lookup, table.event == lookup.tp_event)
    fields = ("stage", "channel", "device", "department")
    if "log_touchpoint" in absent:
        return joined, {
            "touchpoint": joined.tp_id,
            **{f: joined["tp_" + f] for f in fields},
        }
    by_tp = small_table(
        tps.drop_duplicates("tp_id").rename(columns=lambda c: "x" + c),
        con,
        {"x" + c: "string" for c in tps.columns},
    )
    joined = joined.left_join(by_tp, joined.log_touchpoint == by_tp.xtp_id)
    return joined, {
        "touchpoint": joined.xtp_id.fill_null(joined.tp_id),
        **{f: joined["xtp_" + f].fill_null(joined["tp_" + f]) for f in fields},
    }


def _stage_column(
    joined: ir.Table, project: Project | None, absent: set[str], tp_stage: ir.Value
) -> ir.Value:
    """Each row's stage id: the log's stage (by id or name, any case), else its touchpoint's stage."""
    if "log_stage" in absent:
        return tp_stage
    stage_key = {}
    if project is not None:
        for s in project.stages:
            stage_key[s.name] = s.id
            stage_key[s.name.lower()] = s.id
            stage_key[s.id.lower()] = s.id
    log_stage = joined.log_stage
    if stage_key:
        log_stage = log_stage.substitute(stage_key, else_=log_stage)
    return log_stage.fill_null(tp_stage)


def _stage_order(stage: ir.Value, stages: list[str]) -> ir.Value:
    """Each row's stage position in the journey, null for a stage outside it."""
    order = {s: i for i, s in enumerate(stages)}
    if not order:
        return ibis.null("int64")
    return stage.substitute(order, else_=ibis.null("int64")).cast("int64")


def looks_like_conversion(name: str) -> bool:
    """Whether an event name looks like a completed purchase (``payment_success``, ``purchase``), not a step
    on the way or beside it (``payment_details``, ``payment_error``, ``checkout_bug``)."""
    return bool(CONVERSION_HINT.search(name)) and not NOT_CONVERSION.search(name)


def default_conversion_events(
    project: Project | None, table: ir.Table | None = None, events: Sequence[str] | None = None
) -> tuple[str, ...]:
    """A guess: events of the 'purchase' stage's touchpoints that look like a completed payment or order.

    Without a project (or without such events), events in the log whose names look
    like a completed purchase (``purchase``, ``payment_success``, ...). Only a
    fallback: named conversion events always win (see :func:`conversions_for`).
    """
    if project is not None:
        purchase = [
            s.id for s in project.stages if s.id == "purchase" or s.name.lower() == "purchase"
        ]
        found = [
            e
            for tp in project.touchpoints
            if tp.stage in purchase
            for e in tp.events
            if looks_like_conversion(e)
        ]
        if found:
            return tuple(dict.fromkeys(found))
    if events is None:
        if table is None:
            return ()
        events = [
            str(e)
            for e in table.select("event").distinct().limit(DISCOVERY_LIMIT).execute()["event"]
        ]
    return tuple(sorted(str(e) for e in events if looks_like_conversion(str(e))))


def step_condition(table: ir.Table, step: str, level: str = "event") -> ir.BooleanValue:
    """Rows that count as reaching a funnel step: an event name, or a stage id."""
    return table[level] == step
