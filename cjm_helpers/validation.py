"""Turn raw data into a valid :class:`Project`, or into a list of problems in plain words.

Pydantic checks the structure and reports every structural error at once; the
cross-reference checks run when the structure holds. Either way the caller gets
one :class:`ProjectInvalid` listing everything, never only the first mistake.
"""

from __future__ import annotations

__all__ = [
    "check_references",
    "format_location",
    "problems_from_validation_error",
    "validate_project",
]

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from .errors import Problem, ProjectInvalid
from .i18n import Message
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


_BOUNDS = {
    "greater_than_equal": ("ge", "at_least"),
    "less_than_equal": ("le", "at_most"),
    "greater_than": ("gt", "more_than"),
    "less_than": ("lt", "less_than"),
}
_SHAPES = {"list_type": "shape_list", "dict_type": "shape_mapping"}


def _message(error: Mapping[str, Any]) -> Message:
    """What a pydantic error means for the person fixing the file, as a catalogue message."""
    kind = error["type"]
    ctx = error.get("ctx", {})
    got = _Shown(error.get("input"))

    def said(key: str, **values: Any) -> Message:
        return Message(f"validation.{key}", values)

    if kind == "missing":
        return said("missing")
    if kind == "extra_forbidden":
        return said("extra")
    if kind == "literal_error":
        return said("literal", got=repr(got), expected=ctx.get("expected", ""))
    if kind == "string_pattern_mismatch":
        return said("bad_id", got=repr(got))
    if kind in _BOUNDS:
        bound_key, key = _BOUNDS[kind]
        return said(key, got=repr(got), bound=ctx.get(bound_key))
    if kind == "string_too_short":
        return said("empty")
    if kind == "string_too_long":
        return said("too_long", max_length=ctx.get("max_length"))
    if kind == "multiple_of":
        return Message("mapmeaning.scale.steps", {"got": repr(got), "step": ctx.get("multiple_of")})
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return said("whole_number", got=repr(got))
    if kind in {"float_parsing", "float_type", "finite_number"}:
        return said("number", got=repr(got))
    if kind in {"date_parsing", "date_from_datetime_parsing", "date_type"}:
        return said("date", got=repr(got))
    if kind in {"datetime_parsing", "datetime_from_date_parsing", "datetime_type"}:
        return said("datetime", got=repr(got))
    if kind in {"list_type", "dict_type", "model_type", "model_attributes_type"}:
        return said(_SHAPES.get(kind, "shape_fields"), kind=type(got.value).__name__)
    if kind in {"string_type", "bool_type", "bool_parsing"}:
        return said(kind, got=repr(got))
    return said("other", msg=error["msg"])


def _describe(error: dict[str, Any]) -> str:
    """The English text of a pydantic error (what the command line prints)."""
    return _message(error).text()


def problems_from_validation_error(exc: ValidationError) -> list[Problem]:
    """Every pydantic error as a Problem with a readable path."""
    out = []
    for error in exc.errors():
        said = _message(error)
        out.append(Problem(format_location(error["loc"]), said.text(), said))
    return out


def validate_project(data: Any, source: str | None = None) -> Project:
    """Build a Project from plain data, raising ProjectInvalid with all problems found."""
    if not isinstance(data, dict):
        said = Message("errors.validation.top_level", {"type": type(data).__name__})
        raise ProjectInvalid([Problem("", said.text(), said)], source)
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
