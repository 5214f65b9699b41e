"""How data files are read: one set of options for ``cjm overlay``, ``cjm run``, params files and projects.

A column mapping, a delimiter, the conversion events, a date format, whether to
drop duplicate rows and which engine runs the queries: whichever way they are
given, they end up here and reach :func:`~cjm_helpers.overlay.events.load_events`
as the same keyword arguments, so a notebook and the command line read a file
the same way.
"""

from __future__ import annotations

__all__ = [
    "BACKEND_ENV",
    "ENGINES",
    "ReadOptions",
    "call_accepting",
    "check_backend",
    "check_date_format",
    "column_mapping",
    "column_mapping_value",
    "conversion_list",
    "for_notebook",
    "from_project",
    "open_backend",
]

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .errors import DataError
from .i18n import t
from .model import DATE_FORMATS, DataFiles

BACKEND_ENV = "CJM_BACKEND"
"""Environment variable naming the engine for a notebook's data (set by ``cjm run --backend``)."""

ENGINES: tuple[str, ...] = ("duckdb", "pyspark")
"""Engines named by a word; anything else must be an Ibis connection string (``postgres://…``)."""


@dataclass(frozen=True)
class ReadOptions:
    """Options for reading an event log (and the dates of surveys and tickets); empty: the loader's default."""

    columns: Mapping[str, str] = field(default_factory=dict)
    delimiter: str = ""
    conversion_events: tuple[str, ...] = ()
    dedupe: bool = False
    date_format: str = ""
    backend: str = ""

    def over(self, base: ReadOptions) -> ReadOptions:
        """These options where set, ``base``'s elsewhere (the command line over the project)."""
        chosen = {
            name: getattr(self, name) for name in self.__dataclass_fields__ if getattr(self, name)
        }
        return replace(base, **chosen)

    def event_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``load_events``: only the options that are set, so the loader keeps its defaults."""
        kwargs: dict[str, Any] = {
            "columns": dict(self.columns) or None,
            "delimiter": self.delimiter or ",",
        }
        if self.conversion_events:
            kwargs["conversion_events"] = list(self.conversion_events)
        if self.dedupe:
            kwargs["dedupe"] = True
        if self.date_format:
            kwargs["date_format"] = self.date_format
        if self.backend:
            kwargs["backend"] = open_backend(self.backend)
        return kwargs

    def date_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for the survey and ticket loaders (they share the date reader)."""
        return {"date_format": self.date_format} if self.date_format else {}

    def to_data(self, data: DataFiles) -> DataFiles:
        """A project's data section carrying these options, so notebooks read the files the same way."""
        update: dict[str, Any] = {}
        if self.columns:
            update["columns"] = "ga4" if _is_ga4(self.columns) else dict(self.columns)
        if self.delimiter:
            update["delimiter"] = self.delimiter
        if self.conversion_events:
            update["conversion_events"] = list(self.conversion_events)
        if self.dedupe:
            update["dedupe"] = True
        if self.date_format:
            update["date_format"] = self.date_format
        return DataFiles.model_validate({**data.model_dump(), **update})


def _is_ga4(columns: Mapping[str, str]) -> bool:
    from .overlay.events import GA4_COLUMNS

    return dict(columns) == GA4_COLUMNS


def from_project(data: DataFiles) -> ReadOptions:
    """The reading options a project's ``data:`` section declares."""
    return ReadOptions(
        columns=column_mapping_value(data.columns, "the project's data.columns"),
        delimiter=data.delimiter,
        conversion_events=tuple(data.conversion_events),
        dedupe=bool(data.dedupe),
        date_format=data.date_format,
    )


def for_notebook(data: DataFiles, environ: Mapping[str, str] | None = None) -> ReadOptions:
    """How a notebook reads its data: as the project says, on the engine ``CJM_BACKEND`` names (set by a run)."""
    import os

    backend = (os.environ if environ is None else environ).get(BACKEND_ENV, "").strip()
    engine = ReadOptions(backend=check_backend(backend, BACKEND_ENV) if backend else "")
    return engine.over(from_project(data))


def column_mapping_value(value: Any, source: str) -> dict[str, str]:
    """'ga4' or a mapping {their name: canonical name} -> the mapping; anything else is refused."""
    from .overlay.events import GA4_COLUMNS

    if value in (None, "", {}):
        return {}
    if isinstance(value, str) and value.lower() == "ga4":
        return dict(GA4_COLUMNS)
    if isinstance(value, Mapping) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        return dict(value)
    raise DataError(t("inputs.reading.mapping_shape", source=source))


def column_mapping(value: str | None, base: Path | None = None) -> dict[str, str] | None:
    """The --columns option: 'ga4', a YAML file of {their name: canonical name}, or nothing."""
    if not value:
        return None
    if value.lower() == "ga4":
        return column_mapping_value("ga4", "--columns")
    from .files import MAX_COLUMNS_BYTES, read_text_bounded
    from .yamlio import YamlError, parse_yaml

    path = (base / value) if base is not None else Path(value)
    try:
        data = parse_yaml(read_text_bounded(path, MAX_COLUMNS_BYTES, "columns", DataError))
    except YamlError as exc:
        raise DataError(f"{path}: {exc}") from None
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise DataError(t("errors.overlay.mapping_lines", path=path))
    return data


def conversion_list(
    value: str | Iterable[Any] | None, source: str = "--conversion"
) -> tuple[str, ...]:
    """'payment_success,order_paid' (or a list) -> the event names, in order, without repeats."""
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    names: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise DataError(t("inputs.reading.not_event_name", source=source, item=repr(item)))
        name = item.strip()
        if name and name not in names:
            names.append(name)
    if not names:
        raise DataError(t("inputs.reading.no_event_names", source=source))
    return tuple(names)


def check_date_format(value: str, source: str = "--date-format") -> str:
    """'day-first', 'month-first' or a strptime pattern (it holds a '%'); anything else is refused."""
    if value in DATE_FORMATS or "%" in value:
        return value
    raise DataError(t("inputs.reading.not_date_format", source=source, value=repr(value)))


def check_backend(value: str, source: str = "--backend") -> str:
    """'duckdb', 'pyspark' or an Ibis connection string such as 'postgres://user@host/db'."""
    if value in ENGINES or ("://" in value and value.split("://", 1)[0]):
        return value
    raise DataError(t("inputs.reading.not_engine", source=source, value=repr(value)))


def open_backend(value: str) -> Any:
    """An engine for ``load_events``: its name for duckdb and pyspark, else a connection through Ibis."""
    check_backend(value)
    if value in ENGINES:
        return value
    import ibis

    try:
        return ibis.connect(value)
    except Exception as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        scheme = value.split("://", 1)[0]
        raise DataError(t("inputs.reading.no_connection", scheme=scheme, detail=detail)) from None


def call_accepting(function: Callable[..., Any], *args: Any, **options: Any) -> Any:
    """Call a loader with the options it accepts: the date format reaches every loader that reads dates."""
    import inspect

    try:
        accepted = inspect.signature(function).parameters
    except (TypeError, ValueError):
        return function(*args, **options)
    if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in accepted.values()):
        options = {k: v for k, v in options.items() if k in accepted}
    return function(*args, **options)
