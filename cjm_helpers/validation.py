"""Turn raw data into a valid :class:`Project`, or into a list of problems in plain words.

Pydantic checks the structure and reports every structural error at once; the
cross-reference checks run when the structure holds. Either way the caller gets
one :class:`ProjectInvalid` listing everything, never only the first mistake.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from .errors import Problem, ProjectInvalid
from .i18n import t
from .model import Project
from .references import reference_problems


def format_location(loc: tuple[int | str, ...]) -> str:
    """('journeys', 0, 'stages', 'purchase') -> 'journeys[0].stages.purchase'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.startswith(("function-", "constrained-")):
            continue
        else:
            out += f".{part}" if out else str(part)
    return out


class _Shown:
    """A value as quoted in a message: its repr cut to 80 characters, safe for any nesting."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        try:
            text = repr(self.value)
        except (RecursionError, ValueError):
            text = f"<{type(self.value).__name__} nested too deeply>"
        return text if len(text) <= 80 else text[:77] + "..."


def _describe(error: dict[str, Any]) -> str:
    kind = error["type"]
    ctx = error.get("ctx", {})
    got = _Shown(error.get("input"))
    if kind == "missing":
        return "is required but missing; add it"
    if kind == "extra_forbidden":
        return "is not a known field; check its spelling or remove it"
    if kind == "literal_error":
        return f"is {got!r}; use one of {ctx.get('expected', '')}"
    if kind == "string_pattern_mismatch":
        return (
            f"{got!r} is not a valid id; use lower-case letters, digits, '-' or '_' "
            "(for example 'tp-checkout')"
        )
    if kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        bound = ctx.get("ge", ctx.get("le", ctx.get("gt", ctx.get("lt"))))
        word = {"greater_than_equal": "at least", "less_than_equal": "at most",
                "greater_than": "more than", "less_than": "less than"}[kind]
        return f"is {got!r}; it must be {word} {bound}"
    if kind == "string_too_short":
        return "is empty; write something here"
    if kind == "string_too_long":
        return f"is longer than {ctx.get('max_length')} characters; shorten it"
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return f"is {got!r}; use a whole number"
    if kind in {"float_parsing", "float_type", "finite_number"}:
        return f"is {got!r}; use a number"
    if kind in {"date_parsing", "date_from_datetime_parsing", "date_type"}:
        return f"is {got!r}; write a date as YYYY-MM-DD"
    if kind in {"datetime_parsing", "datetime_from_date_parsing", "datetime_type"}:
        return f"is {got!r}; write a time as YYYY-MM-DDTHH:MM"
    if kind in {"list_type", "dict_type", "model_type", "model_attributes_type"}:
        shape = {"list_type": "a list", "dict_type": "a mapping"}.get(kind, "a mapping of fields")
        return f"is {type(got.value).__name__}; it must be {shape}"
    if kind in {"string_type", "bool_type", "bool_parsing"}:
        return f"is {got!r}; {error['msg'].lower()}"
    return error["msg"]


def problems_from_validation_error(exc: ValidationError) -> list[Problem]:
    """Every pydantic error as a Problem with a readable path."""
    return [Problem(format_location(e["loc"]), _describe(e)) for e in exc.errors()]


def validate_project(data: Any, source: str | None = None) -> Project:
    """Build a Project from plain data, raising ProjectInvalid with all problems found."""
    if not isinstance(data, dict):
        raise ProjectInvalid(
            [Problem("", t("errors.validation.top_level", type=type(data).__name__))],
            source,
        )
    try:
        project = Project.model_validate(data)
    except ValidationError as exc:
        raise ProjectInvalid(problems_from_validation_error(exc), source) from None
    check_references(project, source)
    return project


def check_references(project: Project, source: str | None = None) -> None:
    """Raise ProjectInvalid when a structurally valid project has dangling references."""
    problems = reference_problems(project)
    if problems:
        raise ProjectInvalid(problems, source)
