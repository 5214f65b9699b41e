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
from collections.abc import Callable, Mapping
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


def _path(value: Any, key: str, source: str, base: Path) -> str:
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


def _refuse_unknown_keys(data: dict[Any, Any], source: str) -> None:
    unknown = sorted(str(k) for k in data if k not in PARAM_KEYS)
    if not unknown:
        return
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


Checker = Callable[[Any, str, str, Path], Any]
"""Checks one params-file value (value, key, source, base folder) and returns it as RunParams holds it."""


def _one_of(choices: tuple[str, ...]) -> Checker:
    def check(value: Any, key: str, source: str, base: Path) -> str:
        if value not in choices:
            raise _bad(source, key, value)
        return str(value)

    return check


def _only(value: Any, key: str, source: str, base: Path) -> tuple[int, ...]:
    if isinstance(value, bool):
        raise _bad(source, key, value)
    return parse_only(value, f"{source}: key {key!r}")


def _jobs(value: Any, key: str, source: str, base: Path) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise _bad(source, key, value)
    return value


def _flag(value: Any, key: str, source: str, base: Path) -> bool:
    if not isinstance(value, bool):
        raise _bad(source, key, value)
    return value


def _parameters(value: Any, key: str, source: str, base: Path) -> dict[str, Any]:
    """Notebook parameters: plain values under names a notebook cell could assign."""
    if not isinstance(value, dict):
        raise _bad(source, key, value)
    for name, item in value.items():
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
            raise DataError(t("errors.params.not_parameter", source=source, name=repr(name)))
        if not isinstance(item, (str, int, float, bool)) and item is not None:
            raise DataError(
                t("errors.params.not_plain", source=source, name=name, type=type(item).__name__)
            )
    return dict(value)


_CHECKERS: dict[str, Checker] = {
    "language": _one_of(LANGUAGES),
    "events_file": _path,
    "survey_file": _path,
    "tickets_file": _path,
    "only": _only,
    "for_each": _one_of(FOR_EACH_KINDS),
    "jobs": _jobs,
    "show_code": _flag,
    "parameters": _parameters,
}
_NONE_MEANS_UNSET = frozenset({"events_file", "survey_file", "tickets_file", "only", "for_each"})
"""Keys that may be written with no value (``only:``) to keep the default; others must have one."""


def params_from_mapping(data: Any, source: str, base: Path) -> RunParams:
    """Check a parsed params mapping key by key and build RunParams (paths relative to ``base``)."""
    if data is None:
        return RunParams()
    if not isinstance(data, dict):
        raise DataError(t("errors.params.not_mapping", source=source))
    _refuse_unknown_keys(data, source)
    values = {
        key: check(data[key], key, source, base)
        for key, check in _CHECKERS.items()
        if key in data and not (data[key] is None and key in _NONE_MEANS_UNSET)
    }
    return RunParams(**values, reading=reading_from_mapping(data, source, base))


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
