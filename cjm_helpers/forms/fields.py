"""One form field: a widget, how its value maps to project data, and its message line.

A field edits one key of a plain-data mapping (a project part as produced by
``model_dump(mode="json")``). It converts between what the learner types and
plain data, but never judges the value: an unusable value (a word in a number
field, an id that does not exist) is kept as typed so validation can name it and
the learner does not lose it.
"""

from __future__ import annotations

__all__ = [
    "KINDS",
    "LABEL_STYLE",
    "MESSAGE_CSS",
    "NO_CHOICE",
    "SHARE_KEYS",
    "WIDE",
    "Field",
    "FieldSpec",
    "Options",
    "actions_from_text",
    "actions_to_text",
    "clock_from_text",
    "date_from_data",
    "datetime_to_text",
    "get_in",
    "notes_from_text",
    "notes_to_text",
    "pain_points_from_text",
    "pain_points_to_text",
    "parse_number",
    "set_in",
    "split_lines",
]

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets

from ..i18n import catalogue, t
from ..tables import id_names
from ..text import ID_BODY, esc, slug, unique_id

Options = Callable[[dict[str, Any]], Sequence[tuple[str, Any]]]
"""Given the whole project data, the (label, value) pairs a choice offers."""

KINDS = (
    "text",
    "suggest",
    "textarea",
    "lines",
    "int",
    "float",
    "date",
    "datetime",
    "choice",
    "ref",
    "refs",
    "tags",
    "file",
    "bool",
    "notes",
    "pain_points",
    "clock",
    "actions",
)

LABEL_WIDTH = "190px"
LABEL_STYLE = {"description_width": LABEL_WIDTH}
"""For widgets that carry their own description (a list's selector, the stage buttons)."""
WIDE = widgets.Layout(width="96%")
LABEL_CSS = (
    "line-height:1.3;padding:5px 8px 0 0;white-space:normal;overflow-wrap:normal;color:#1f2a36"
)
_DAY_FIRST = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T,]+(\d{1,2})[:.](\d{2}))?$")
_ISO_LOOSE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(\d{1,2}):(\d{2}))?$")
MESSAGE_CSS = "color:#b00020;margin:0 0 4px 198px;font-size:12px"
NO_CHOICE = "\u2205"
"""What a dropdown holds for an option that stands for None ('—', 'No phase'): ipywidgets
shows a dropdown whose value is None as blank, even when one of its options is None."""
_PAIN_LINE = re.compile(rf"^({ID_BODY}):\s+(.+)$")
_CLOCK_LOOSE = re.compile(r"^(\d{1,2})[:.](\d{2})$")
_ACTION_LINE = re.compile(r"^(.*?\S)\s*\|\s*([^|]*\d[^|]*)$")
"""'Pays at the till | -1.5': an action, a bar, and how it felt (anything with a digit after the last bar)."""


@dataclass(frozen=True)
class FieldSpec:
    """What one field edits: ``key`` is dotted below its part (``demographics.age_band``)."""

    key: str
    kind: str = "text"
    options: Options | None = None
    label: str = ""
    """Catalogue key of the label; default ``forms.field.<key with _ for .>``."""
    optional: bool = True
    """For choices and references: whether 'none' is allowed (stored as null)."""
    default: Any = None
    """Shown when the part does not have the key yet (e.g. a stage cell not filled in)."""
    help: str = ""
    """Catalogue key of the help text; default ``forms.help.<name>``."""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown field kind {self.kind!r}")

    @property
    def name(self) -> str:
        return self.key.replace(".", "_")

    def label_text(self, lang: str) -> str:
        return t(self.label or f"forms.field.{self.name}", lang)

    def help_text(self, lang: str) -> str:
        if self.kind == "refs" and not self.help:
            return t("learner.help.pick_several", lang)
        key = self.help or f"forms.help.{self.name}"
        return catalogue(lang).get(key) or catalogue("en").get(key) or ""


# --- reading and writing dotted keys -------------------------------------------------------


def get_in(container: dict[str, Any] | None, key: str) -> Any:
    value: Any = container
    for part in key.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def set_in(container: dict[str, Any], key: str, value: Any) -> None:
    parts = key.split(".")
    for part in parts[:-1]:
        nxt = container.get(part)
        if not isinstance(nxt, dict):
            nxt = {}
            container[part] = nxt
        container = nxt
    container[parts[-1]] = value


# --- conversions ----------------------------------------------------------------------------


def parse_number(text: str, kind: str) -> Any:
    """'3' -> 3, '0,46' -> 0.46, '' -> None; anything else is kept as typed for validation."""
    raw = text.strip()
    if raw == "":
        return None
    cleaned = raw.replace("\u2212", "-").replace(" ", "").replace("\u00a0", "")
    if "," in cleaned and "." not in cleaned and cleaned.count(",") == 1:
        cleaned = cleaned.replace(",", ".")
    try:
        number = float(cleaned)
    except ValueError:
        return text
    if kind == "int":
        return int(number) if number.is_integer() else number
    return number


def split_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def notes_from_text(text: str, old: Any) -> list[dict[str, Any]]:
    """One note per line; a line whose text is unchanged keeps its evidence level."""
    known = {n.get("text"): n.get("evidence", "assumed") for n in old or [] if isinstance(n, dict)}
    return [{"text": line, "evidence": known.get(line, "assumed")} for line in split_lines(text)]


def notes_to_text(value: Any) -> str:
    return "\n".join(str(n.get("text", "")) for n in value or [] if isinstance(n, dict))


def pain_points_from_text(text: str, old: Any, taken: set[str]) -> list[dict[str, Any]]:
    """'pp-id: text' per line; a line without an id gets a new one made from its text."""
    previous = {p.get("id"): p for p in old or [] if isinstance(p, dict)}
    by_text = {p.get("text"): p for p in old or [] if isinstance(p, dict)}
    used = set(taken)
    out = []
    for line in split_lines(text):
        match = _PAIN_LINE.match(line)
        if match:
            pp_id, body = match.group(1), match.group(2).strip()
        elif line in by_text:
            pp_id, body = by_text[line].get("id", ""), line
        else:
            pp_id, body = unique_id("pp-" + slug(line, fallback="item"), used), line
        used.add(pp_id)
        evidence = (previous.get(pp_id) or by_text.get(body) or {}).get("evidence", "assumed")
        out.append({"id": pp_id, "text": body, "evidence": evidence})
    return out


def pain_points_to_text(value: Any) -> str:
    return "\n".join(
        f"{p.get('id', '')}: {p.get('text', '')}" for p in value or [] if isinstance(p, dict)
    )


def clock_from_text(text: str) -> str:
    """'7:30' or '7.30' -> '07:30', so a time of day is written one way; anything else is kept as typed."""
    raw = text.strip()
    match = _CLOCK_LOOSE.match(raw)
    if match and int(match.group(1)) < 24 and int(match.group(2)) < 60:
        return f"{int(match.group(1)):02d}:{match.group(2)}"
    return raw


def actions_from_text(text: str, old: Any) -> list[dict[str, Any]]:
    """One action per line, with how it felt after a bar ('Pays at the till | -1.5').

    A line whose text is unchanged keeps its evidence level; a score that is not a
    number is kept as typed, so the form can name the line and the learner loses nothing.
    """
    known = {n.get("text"): n.get("evidence", "assumed") for n in old or [] if isinstance(n, dict)}
    out = []
    for line in split_lines(text):
        match = _ACTION_LINE.match(line)
        body, felt = (
            (match.group(1), parse_number(match.group(2), "int")) if match else (line, None)
        )
        out.append({"text": body, "evidence": known.get(body, "assumed"), "emotion": felt})
    return out


def actions_to_text(value: Any) -> str:
    """Actions as the form shows them: one a line, ' | score' after those with an emotion."""
    lines = []
    for action in value or []:
        if not isinstance(action, dict):
            continue
        felt = action.get("emotion")
        text = str(action.get("text", ""))
        lines.append(text if felt is None else f"{text} | {_number_text(felt)}")
    return "\n".join(lines)


def datetime_from_text(text: str) -> str:
    """'2026-11-20 8:40' or '20.11.2026 8:40' -> '2026-11-20T08:40'; anything else is kept as typed."""
    raw = text.strip()
    iso = _ISO_LOOSE.match(raw)
    day_first = _DAY_FIRST.match(raw)
    if iso:
        year, month, day, hour, minute = iso.groups()
    elif day_first:
        day, month, year, hour, minute = day_first.groups()
    else:
        return raw
    try:
        when = dt.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0))
    except ValueError:
        return raw
    return when.strftime("%Y-%m-%dT%H:%M")


def datetime_to_text(value: Any) -> str:
    if not value:
        return ""
    try:
        return dt.datetime.fromisoformat(str(value)).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return str(value)


def date_from_data(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


# --- the field ------------------------------------------------------------------------------


class Field:
    """A labelled widget bound to one key, with a message line for problems below it."""

    def __init__(self, spec: FieldSpec, lang: str, css_prefix: str) -> None:
        self.spec = spec
        self.lang = lang
        self.control = self._make_control()
        self.control.add_class(f"{css_prefix}-{spec.name}".replace("_", "-"))
        self.message = widgets.HTML(value="", layout=widgets.Layout(display="none"))
        self.message.add_class("cjm-field-message")
        hint = (
            f"<div class='cjm-field-hint' style='font-size:11px;color:#5f6368'>"
            f"{esc(spec.help_text(lang))}</div>"
            if spec.kind == "refs"
            else ""
        )
        self.label = widgets.HTML(
            f"<div class='cjm-field-label' style='{LABEL_CSS}'>{esc(spec.label_text(lang))}"
            f"{hint}</div>",
            layout=widgets.Layout(width=LABEL_WIDTH, min_width=LABEL_WIDTH),
        )
        row = widgets.HBox([self.label, self.control], layout=WIDE)
        self.box = widgets.VBox([row, self.message])
        self.messages: list[str] = []
        self._ref_pairs: list[tuple[str, Any]] = []
        """For a multi-select: the (label, id) pairs of the parts that exist."""

    # widgets --------------------------------------------------------------------------

    def _make_control(self) -> widgets.Widget:
        spec = self.spec
        help_text = spec.help_text(self.lang)
        common: dict[str, Any] = {"layout": widgets.Layout(flex="1 1 auto", width="auto")}
        if help_text:
            common["tooltip"] = help_text
        kind = spec.kind
        if kind in ("text", "int", "float", "datetime", "file", "clock"):
            return widgets.Text(placeholder=help_text, **common)
        if kind in ("textarea", "lines", "notes", "pain_points", "actions"):
            return widgets.Textarea(placeholder=help_text, rows=3, **common)
        if kind == "date":
            return widgets.DatePicker(**common)
        if kind == "choice":
            return widgets.Dropdown(options=[], **common)
        if kind in ("ref", "suggest"):
            return widgets.Combobox(
                options=[], ensure_option=False, placeholder=help_text, **common
            )
        if kind == "refs":
            return widgets.SelectMultiple(options=[], value=(), rows=4, **common)
        if kind == "tags":
            return widgets.TagsInput(value=[], allow_duplicates=False, **common)
        if kind == "bool":
            return widgets.Checkbox(value=False, indent=False, **common)
        raise ValueError(kind)

    @property
    def view(self) -> widgets.Widget:
        """The field as shown: its label (wrapping at word ends, never cut), the control, its message."""
        return self.box

    def refresh_options(self, project_data: dict[str, Any]) -> None:
        """Recompute the choices from the project as it is now (ids change as lists are edited)."""
        spec = self.spec
        if spec.options is None:
            return
        pairs = list(spec.options(project_data))
        if spec.kind == "choice":
            if spec.optional:
                pairs = [("—", None), *pairs]
            pairs = [(label, NO_CHOICE if v is None else v) for label, v in pairs]
            current = self.control.value
            values = [v for _, v in pairs]
            if current not in values and current is not None:
                pairs.append((str(current), current))
            self.control.options = pairs
            if current in [v for _, v in pairs]:
                self.control.value = current
        elif spec.kind in ("ref", "suggest"):
            self.control.options = list(dict.fromkeys(str(v) for _, v in pairs if v))
        elif spec.kind == "refs":
            self._ref_pairs = pairs
            self._set_ref_options(list(self.control.value))

    # values ---------------------------------------------------------------------------

    def show_value(self, value: Any) -> None:
        """Put a plain-data value into the widget."""
        kind, control = self.spec.kind, self.control
        if kind in ("text", "textarea", "suggest"):
            control.value = "" if value is None else str(value)
        elif kind == "lines":
            control.value = "\n".join(str(v) for v in value or [])
        elif kind in ("int", "float"):
            control.value = "" if value is None else _number_text(value)
        elif kind == "datetime":
            control.value = datetime_to_text(value)
        elif kind == "date":
            control.value = date_from_data(value)
        elif kind == "choice":
            chosen = NO_CHOICE if value is None else value
            options = list(control.options)
            values = [o[1] if isinstance(o, tuple) else o for o in options]
            if chosen not in values:
                control.options = [*options, (str(value) if value is not None else "—", chosen)]
            control.value = chosen
        elif kind in ("ref", "file", "clock"):
            control.value = "" if value is None else str(value)
        elif kind == "refs":
            self._set_ref_options([str(v) for v in value or []])
        elif kind == "tags":
            control.value = [str(v) for v in value or []]
        elif kind == "bool":
            control.value = bool(value)
        elif kind == "notes":
            control.value = notes_to_text(value)
        elif kind == "pain_points":
            control.value = pain_points_to_text(value)
        elif kind == "actions":
            control.value = actions_to_text(value)

    def read_value(self, old: Any, taken_ids: set[str] | None = None) -> Any:
        """The widget's value as plain data (``old`` keeps what text cannot carry)."""
        kind, value = self.spec.kind, self.control.value
        if kind in ("text", "textarea", "suggest"):
            return value
        if kind == "lines":
            return split_lines(value)
        if kind in ("int", "float"):
            return parse_number(value, kind)
        if kind == "datetime":
            return datetime_from_text(value)
        if kind == "file":
            return value.strip()
        if kind == "clock":
            return clock_from_text(value)
        if kind == "date":
            return value.isoformat() if value else None
        if kind == "choice":
            return None if value == NO_CHOICE else value
        if kind == "ref":
            text = value.strip()
            return None if text == "" and self.spec.optional else text
        if kind in ("refs", "tags"):
            return list(value)
        if kind == "bool":
            return bool(value)
        if kind == "notes":
            return notes_from_text(value, old)
        if kind == "pain_points":
            return pain_points_from_text(value, old, taken_ids or set())
        if kind == "actions":
            return actions_from_text(value, old)
        raise ValueError(kind)

    def _set_ref_options(self, chosen: list[str]) -> None:
        """Offer the known parts and select ``chosen``; an id no longer in the project stays, marked, so it can be unticked."""
        known = [(str(label), str(v)) for label, v in self._ref_pairs]
        values = {v for _, v in known}
        missing = [
            (t("learner.refs.unknown", self.lang, id=v), v) for v in chosen if v not in values
        ]
        options = known + missing
        control = self.control
        if list(control.options) != options:
            control.value = ()
            control.options = options
        control.rows = max(3, min(8, len(options)))
        control.value = tuple(dict.fromkeys(chosen))

    # messages -------------------------------------------------------------------------

    def show_messages(self, messages: list[str]) -> None:
        self.messages = list(messages)
        if messages:
            text = "<br>".join(esc(m) for m in messages)
            self.message.value = f"<div style='{MESSAGE_CSS}'>⚠ {text}</div>"
            self.message.layout.display = None
        else:
            self.message.value = ""
            self.message.layout.display = "none"

    # display --------------------------------------------------------------------------

    def display_text(
        self, value: Any, project_data: dict[str, Any], lang: str = "en"
    ) -> str | list[str]:
        """The value as a reader sees it on a card: a string, or a list for bullet points.

        Parts are named, not shown by id; numbers are written for the language.
        """
        kind = self.spec.kind
        if kind == "refs" and self.spec.options is not None:
            labels = {str(v): str(label) for label, v in self.spec.options(project_data)}
            return [labels.get(str(v), str(v)) for v in value or []]
        if kind in ("lines", "refs", "tags"):
            return [str(v) for v in value or []]
        if kind == "notes":
            return [str(n.get("text", "")) for n in value or [] if isinstance(n, dict)]
        if kind == "pain_points":
            return [str(p.get("text", "")) for p in value or [] if isinstance(p, dict)]
        if kind == "actions":
            return [_action_text(a, lang) for a in value or [] if isinstance(a, dict)]
        if value is None or value == "":
            return ""
        if kind == "bool":
            return "✓" if value else ""
        if kind == "choice":
            options = self.spec.options(project_data) if self.spec.options else self.control.options
            for option in options:
                if isinstance(option, tuple) and option[1] == value:
                    return str(option[0])
            return str(value)
        if kind == "ref":
            return id_names(project_data).get(str(value), str(value))
        if kind == "datetime":
            return datetime_to_text(value)
        if kind in ("int", "float"):
            return _shown_number(value, self.spec.key, lang)
        return str(value)


def _action_text(action: dict[str, Any], lang: str) -> str:
    """An action on a card: its text, and how it felt when it says ('Pays at the till (felt −1.5)')."""
    text = str(action.get("text", ""))
    felt = action.get("emotion")
    if felt is None or felt == "":
        return text
    from ..i18n import format_number

    shown = format_number(felt, lang, digits=1) if isinstance(felt, (int, float)) else str(felt)
    return f"{text} ({t('mapmeaning.action_emotion', lang, score=shown)})"


SHARE_KEYS = frozenset({"share_of_customers"})
"""Number fields that hold a share (0–1): cards show them as a percentage."""


def _shown_number(value: Any, key: str, lang: str) -> str:
    """A number on a card: a share as a percentage, others grouped for the language."""
    from ..i18n import format_number, format_percent

    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return _number_text(value)
    if key in SHARE_KEYS and 0 <= value <= 1:
        return format_percent(value, lang, 0)
    return format_number(value, lang, digits=2)


def _number_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)
