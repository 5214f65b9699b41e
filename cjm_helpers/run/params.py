"""Run parameters: what one headless run of the suite needs, from a YAML file and the command line.

A params file holds plain keys (no code, loaded safely). Every key is checked:
an unknown key or a value of the wrong type is refused with a message naming
the file and the key, so a typo never silently runs with defaults.
"""

from __future__ import annotations

__all__ = [
    "FOR_EACH_KINDS",
    "PARAM_KEYS",
    "STEP_NUMBERS",
    "RunParams",
    "load_params",
    "params_from_mapping",
    "parse_only",
    "reading_from_mapping",
]

import keyword
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import DataError
from ..i18n import LANGUAGES, t
from ..reading import (
    ReadOptions,
    check_backend,
    check_date_format,
    column_mapping,
    column_mapping_value,
    conversion_list,
)
from ..yamlio import YamlError, parse_yaml

FOR_EACH_KINDS: tuple[str, ...] = ("persona", "segment", "journey")
STEP_NUMBERS: tuple[int, ...] = tuple(range(0, 9))

PARAM_KEYS: tuple[str, ...] = (
    "language",
    "events_file",
    "survey_file",
    "tickets_file",
    "only",
    "for_each",
    "jobs",
    "show_code",
    "parameters",
    "columns",
    "delimiter",
    "conversion_events",
    "dedupe",
    "date_format",
    "backend",
)
"""The keys a params file may hold; what each must be is ``errors.params.wanted.<key>`` in the catalogues."""


@dataclass(frozen=True)
class RunParams:
    """Everything that shapes one run; paths are absolute or empty."""

    language: str = "en"
    events_file: str = ""
    survey_file: str = ""
    tickets_file: str = ""
    only: tuple[int, ...] = ()
    for_each: str = ""
    jobs: int = 0
    show_code: bool = False
    parameters: dict[str, Any] = field(default_factory=dict)
    reading: ReadOptions = field(default_factory=ReadOptions)
    """How the data files are read (column mapping, delimiter, conversions, dates, dedupe, engine)."""
    found: tuple[str, ...] = ()
    """Data keys (events_file, ...) found in a --data folder rather than named: these may be skipped."""
    withheld: dict[str, str] = field(default_factory=dict)
    """Data keys deliberately not used in this run, each with the reason shown at the top of the report."""

    def merged(self, **overrides: Any) -> RunParams:
        """A copy with the given values replaced; None and empty values keep the current ones."""
        chosen = {k: v for k, v in overrides.items() if v not in (None, "", ())}
        return replace(self, **chosen)

    def with_files(self, files: Mapping[str, str], **changes: Any) -> RunParams:
        """A copy naming the data files in ``files`` (keys events_file, survey_file, tickets_file)."""
        unknown = set(files) - {"events_file", "survey_file", "tickets_file"}
        if unknown:
            raise KeyError(f"not a data file key: {sorted(unknown)}")
        return replace(
            self,
            events_file=files.get("events_file", self.events_file),
            survey_file=files.get("survey_file", self.survey_file),
            tickets_file=files.get("tickets_file", self.tickets_file),
            **changes,
        )


def _bad(source: str, key: str, value: Any) -> DataError:
    wanted = t(
        f"errors.params.wanted.{key}",
        languages=", ".join(LANGUAGES),
        kinds=", ".join(FOR_EACH_KINDS),
    )
    return DataError(
        t("errors.params.bad_value", source=source, key=repr(key), wanted=wanted, value=repr(value))
    )


def _path(value: Any, base: Path, source: str, key: str) -> str:
    if not isinstance(value, str):
        raise _bad(source, key, value)
    if not value:
        return ""
    return str((base / Path(value).expanduser()).resolve())


def parse_only(value: Any, source: str = "--only") -> tuple[int, ...]:
    """'3,7' or [3, 7] -> (3, 7); refuses numbers outside 0-8 naming where they came from."""
    items: list[Any]
    if isinstance(value, str):
        items = [v.strip() for v in value.split(",") if v.strip()]
    elif isinstance(value, int) and not isinstance(value, bool):
        items = [value]
    elif isinstance(value, list):
        items = value
    else:
        raise DataError(t("errors.params.steps", source=source, value=repr(value)))
    steps: list[int] = []
    for item in items:
        try:
            number = int(item) if not isinstance(item, bool) else -1
        except (TypeError, ValueError):
            number = -1
        if number not in STEP_NUMBERS:
            raise DataError(t("errors.params.not_step", source=source, item=repr(item)))
        if number not in steps:
            steps.append(number)
    return tuple(sorted(steps))


def params_from_mapping(data: Any, source: str, base: Path) -> RunParams:
    """Check a parsed params mapping key by key and build RunParams (paths relative to ``base``)."""
    if data is None:
        return RunParams()
    if not isinstance(data, dict):
        raise DataError(t("errors.params.not_mapping", source=source))
    unknown = sorted(str(k) for k in data if k not in PARAM_KEYS)
    if unknown:
        key = "errors.params.unknown_keys" if unknown[1:] else "errors.params.unknown_key"
        raise DataError(
            t(
                key,
                source=source,
                key=repr(unknown[0]),
                others=", ".join(map(repr, unknown[1:])),
                keys=", ".join(PARAM_KEYS),
            )
        )
    values: dict[str, Any] = {}
    if "language" in data:
        if data["language"] not in LANGUAGES:
            raise _bad(source, "language", data["language"])
        values["language"] = data["language"]
    for key in ("events_file", "survey_file", "tickets_file"):
        if key in data and data[key] is not None:
            values[key] = _path(data[key], base, source, key)
    if "only" in data and data["only"] is not None:
        if isinstance(data["only"], bool):
            raise _bad(source, "only", data["only"])
        values["only"] = parse_only(data["only"], f"{source}: key 'only'")
    if "for_each" in data and data["for_each"] is not None:
        if data["for_each"] not in FOR_EACH_KINDS:
            raise _bad(source, "for_each", data["for_each"])
        values["for_each"] = data["for_each"]
    if "jobs" in data:
        jobs = data["jobs"]
        if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
            raise _bad(source, "jobs", jobs)
        values["jobs"] = jobs
    if "show_code" in data:
        if not isinstance(data["show_code"], bool):
            raise _bad(source, "show_code", data["show_code"])
        values["show_code"] = data["show_code"]
    if "parameters" in data:
        extra = data["parameters"]
        if not isinstance(extra, dict):
            raise _bad(source, "parameters", extra)
        for name, value in extra.items():
            if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
                raise DataError(t("errors.params.not_parameter", source=source, name=repr(name)))
            if not isinstance(value, (str, int, float, bool)) and value is not None:
                raise DataError(
                    t(
                        "errors.params.not_plain",
                        source=source,
                        name=name,
                        type=type(value).__name__,
                    )
                )
        values["parameters"] = dict(extra)
    values["reading"] = reading_from_mapping(data, source, base)
    return RunParams(**values)


def reading_from_mapping(data: dict[str, Any], source: str, base: Path) -> ReadOptions:
    """The reading options of a params file (a column mapping file is found relative to it)."""
    options: dict[str, Any] = {}
    columns = data.get("columns")
    if isinstance(columns, str) and columns and columns.lower() != "ga4":
        options["columns"] = column_mapping(columns, base) or {}
    elif columns is not None:
        try:
            options["columns"] = column_mapping_value(columns, f"{source}: key 'columns'")
        except DataError:
            raise _bad(source, "columns", columns) from None
    delimiter = data.get("delimiter")
    if delimiter is not None:
        if not isinstance(delimiter, str) or len(delimiter) != 1:
            raise _bad(source, "delimiter", delimiter)
        options["delimiter"] = delimiter
    if data.get("conversion_events") is not None:
        value = data["conversion_events"]
        if not isinstance(value, (str, list)):
            raise _bad(source, "conversion_events", value)
        options["conversion_events"] = conversion_list(value, f"{source}: key 'conversion_events'")
    if "dedupe" in data:
        if not isinstance(data["dedupe"], bool):
            raise _bad(source, "dedupe", data["dedupe"])
        options["dedupe"] = data["dedupe"]
    for key, check in (("date_format", check_date_format), ("backend", check_backend)):
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise _bad(source, key, value)
        try:
            options[key] = check(value, f"{source}: key {key!r}")
        except DataError:
            raise _bad(source, key, value) from None
    return ReadOptions(**options)


def load_params(path: str | os.PathLike[str]) -> RunParams:
    """Read and check a params YAML file; relative data paths are taken from the file's folder."""
    file = Path(path)
    from ..files import MAX_PARAMS_BYTES, read_text_bounded

    text = read_text_bounded(file, MAX_PARAMS_BYTES, "params", DataError)
    try:
        data = parse_yaml(text)
    except YamlError as exc:
        raise DataError(f"{file}: {exc}") from None
    return params_from_mapping(data, str(file), file.resolve().parent)
