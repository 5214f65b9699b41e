"""Editors: fields bound to one part of the project, and the selector + item editor for lists.

* :class:`ItemEditor` binds a set of fields to whichever mapping a getter gives
  (the objectives, the selected persona, one stage of the selected journey).
  Every change is written into the form's plain project data at once, as typed.
* :class:`ListEditor` edits a list of parts: a selector, Add and Remove buttons,
  and one :class:`ItemEditor` for the selected item.
* :class:`CellEditor` edits one journey's stage cells: a stage selector and an
  item editor for that stage of the journey selected in a :class:`ListEditor`.
* :class:`SubListEditor` edits a list held by the item selected in a :class:`ListEditor`
  (the touchpoints one journey adds, changes or retires).

Each editor lists its *slots*: the paths its fields stand for (``personas[1].name``),
so a validation problem can be shown next to the field it concerns.
"""

from __future__ import annotations

__all__ = [
    "CellEditor",
    "Container",
    "FormState",
    "GroupEditor",
    "ItemEditor",
    "ListEditor",
    "SubListEditor",
]

from collections.abc import Callable, Iterator
from typing import Any, Protocol, runtime_checkable

import ipywidgets as widgets

from ..i18n import t
from ..text import esc
from .choices import stage_label
from .fields import LABEL_STYLE, MESSAGE_CSS, Field, FieldSpec, get_in, set_in


@runtime_checkable
class FormState(Protocol):
    """What an editor needs of its form: the data it edits, the language, the messages to show.

    The form (:class:`~cjm_helpers.forms.base.StepForm`) builds the editors, so the
    editors know it only through this, and the two modules do not import each other.
    """

    data: dict[str, Any]
    lang: str

    def messages_at(self, slot: str) -> list[str]: ...

    def has_messages_under(self, slot: str) -> bool: ...

    def forget_messages_under(self, slot: str) -> None: ...

    def pain_point_ids(self) -> set[str]: ...


Container = Callable[[bool], "dict[str, Any] | None"]


def _message_html(messages: list[str], indent: bool = False) -> str:
    if not messages:
        return ""
    style = (
        MESSAGE_CSS if indent else MESSAGE_CSS.replace("margin:0 0 4px 198px", "margin:2px 0 4px 0")
    )
    return f"<div style='{style}'>⚠ " + "<br>".join(esc(m) for m in messages) + "</div>"


def _heading(text: str) -> widgets.HTML:
    return widgets.HTML(f"<h4 style='margin:10px 0 4px 0;color:#1f3b57'>{esc(text)}</h4>")


class ItemEditor:
    """Fields editing the mapping ``container(create)`` returns; ``prefix()`` is its path."""

    def __init__(
        self,
        form: FormState,
        specs: list[FieldSpec],
        css_prefix: str,
        container: Container,
        prefix: Callable[[], str | None],
    ) -> None:
        self.form = form
        self.fields: dict[str, Field] = {s.key: Field(s, form.lang, css_prefix) for s in specs}
        self.container = container
        self.prefix = prefix
        self.on_change: Callable[[str, Any], None] | None = None
        self._loading = False
        for field in self.fields.values():
            field.control.observe(lambda change, f=field: self._changed(f), names="value")
        self.box = widgets.VBox([f.view for f in self.fields.values()])

    def load(self) -> None:
        """Show the current mapping's values (or defaults), its options and its messages."""
        self._loading = True
        try:
            item = self.container(False)
            prefix = self.prefix()
            for key, field in self.fields.items():
                field.refresh_options(self.form.data)
                field.show_value(_value_or_default(item, field.spec))
                field.control.disabled = prefix is None
                slot = f"{prefix}.{key}" if prefix else key
                field.show_messages(self.form.messages_at(slot) if prefix is not None else [])
        finally:
            self._loading = False

    def _changed(self, field: Field) -> None:
        if self._loading:
            return
        item = self.container(True)
        if item is None:
            return
        key = field.spec.key
        old = get_in(item, key)
        taken = (
            self.form.pain_point_ids() - {p.get("id") for p in old or [] if isinstance(p, dict)}
            if field.spec.kind == "pain_points"
            else None
        )
        value = field.read_value(old, taken)
        set_in(item, key, value)
        if self.on_change is not None:
            self.on_change(key, value)

    def slot_keys(self) -> list[str]:
        return list(self.fields)


def _has(item: dict[str, Any], key: str) -> bool:
    value: Any = item
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return False
        value = value[part]
    return True


def _value_or_default(item: dict[str, Any] | None, spec: FieldSpec) -> Any:
    """The value at the field's key; its default when the key is missing, or None where a default says what None means."""
    if not isinstance(item, dict) or not _has(item, spec.key):
        return spec.default
    value = get_in(item, spec.key)
    return spec.default if value is None else value


class GroupEditor:
    """Fields of one fixed part of the project, e.g. ``objectives``."""

    def __init__(self, form: FormState, path: str, specs: list[FieldSpec], heading: str) -> None:
        self.form = form
        self.path = path
        """Dotted path of the part; empty for the project's own settings (name, language...)."""
        self.heading = heading
        css = f"cjm-field-{path.replace('.', '-')}" if path else "cjm-field-project"
        self.editor = ItemEditor(form, specs, css, self._container, lambda: path)
        self.box = widgets.VBox([_heading(heading), self.editor.box])

    def _key(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def _container(self, create: bool) -> dict[str, Any] | None:
        if not self.path:
            return self.form.data
        value = get_in(self.form.data, self.path)
        if value is None and create:
            value = {}
            set_in(self.form.data, self.path, value)
        return value

    def load(self) -> None:
        self.editor.load()

    def slots(self) -> Iterator[str]:
        if self.path:
            yield self.path
        for key in self.editor.slot_keys():
            yield self._key(key)

    def where(self, slot: str) -> str | None:
        """The slot in words ('Objective card › Scope'), or None when it is not this editor's."""
        if slot == self.path:
            return self.heading
        for key, field in self.editor.fields.items():
            if slot == self._key(key):
                return f"{self.heading} › {field.spec.label_text(self.form.lang)}"
        return None

    def reveal(self) -> None:
        """Nothing to select: all fields are always shown."""

    def cards(self) -> list[tuple[str, list[tuple[str, Any]]]]:
        item = self._container(False) or {}
        return [(self.heading, _rows(self.editor, item))]


def _slot_words(slot: str, here: str, said: str, editor: ItemEditor, lang: str) -> str | None:
    """``said`` when ``slot`` is the item at ``here``, with the field's label when it is one of its fields."""
    if slot == here:
        return said
    for key, field in editor.fields.items():
        if slot == f"{here}.{key}":
            return f"{said} › {field.spec.label_text(lang)}"
    return None


def _rows(editor: ItemEditor, item: dict[str, Any]) -> list[tuple[str, Any]]:
    rows = []
    for key, field in editor.fields.items():
        if key == "id":
            continue
        value = _value_or_default(item, field.spec)
        shown = field.display_text(value, editor.form.data, editor.form.lang)
        if shown:
            rows.append((field.spec.label_text(editor.form.lang), shown))
    return rows


class ListEditor:
    """A list of parts: pick one with the selector, edit it below, add or remove items."""

    def __init__(
        self,
        form: FormState,
        path: str,
        specs: list[FieldSpec],
        heading: str,
        label_of: Callable[[dict[str, Any]], str],
        new_item: Callable[[], dict[str, Any]],
        movable: bool = False,
    ) -> None:
        self.form = form
        self.path = path
        self.heading = heading
        self.label_of = label_of
        self.new_item = new_item
        self.index: int | None = None
        self.dependents: list[CellEditor | SubListEditor] = []
        """Editors of parts inside the selected item: reloaded when the selection changes."""
        css = f"cjm-field-{path.replace('.', '-')}"
        self.editor = ItemEditor(form, specs, css, self._container, self._prefix)
        self.editor.on_change = self._item_changed
        self.on_change: Callable[[int, str, Any], None] | None = None
        self._make_controls(css, form.lang)
        self.movable = movable
        self.message = widgets.HTML("")
        self.message.add_class("cjm-field-message")
        self.empty = widgets.HTML("")
        self.selector.observe(self._selected, names="value")
        self.add_button.on_click(lambda _: self.add())
        self.remove_button.on_click(lambda _: self.remove())
        self._quiet = False
        self.box = self._layout(heading, css)

    def _make_controls(self, css: str, lang: str) -> None:
        """The item selector and the Add, Remove, Up and Down buttons, each with its CSS class."""
        self.selector = widgets.Dropdown(
            options=[],
            description=t("forms.button.select", lang),
            style=LABEL_STYLE,
            layout=widgets.Layout(flex="1 1 420px", width="auto", max_width="70%"),
        )
        self.selector.add_class(f"{css}-selector")
        self.add_button = widgets.Button(description=t("forms.button.add", lang), icon="plus")
        self.add_button.add_class(f"{css}-add")
        self.remove_button = widgets.Button(
            description=t("forms.button.remove", lang), icon="trash", button_style="warning"
        )
        self.remove_button.add_class(f"{css}-remove")
        self.up_button = widgets.Button(
            description=t("learner.button.up", lang),
            icon="arrow-up",
            tooltip=t("learner.button.up_help", lang),
        )
        self.up_button.add_class(f"{css}-up")
        self.down_button = widgets.Button(
            description=t("learner.button.down", lang),
            icon="arrow-down",
            tooltip=t("learner.button.down_help", lang),
        )
        self.down_button.add_class(f"{css}-down")
        self.up_button.on_click(lambda _: self.move(-1))
        self.down_button.on_click(lambda _: self.move(1))

    def _layout(self, heading: str, css: str) -> widgets.VBox:
        """Heading, selector row (Up and Down only when the list is movable), message and the item's fields."""
        box = widgets.VBox(
            [
                _heading(heading),
                widgets.HBox(
                    [
                        self.selector,
                        self.add_button,
                        self.remove_button,
                        *((self.up_button, self.down_button) if self.movable else ()),
                    ],
                    layout=widgets.Layout(flex_flow="row wrap"),
                ),
                self.message,
                self.empty,
                self.editor.box,
            ]
        )
        box.add_class(css)
        return box

    # the list ---------------------------------------------------------------------

    @property
    def items(self) -> list[dict[str, Any]]:
        value = get_in(self.form.data, self.path)
        if not isinstance(value, list):
            value = []
            set_in(self.form.data, self.path, value)
        return value

    def current(self) -> dict[str, Any] | None:
        if self.index is None or not 0 <= self.index < len(self.items):
            return None
        return self.items[self.index]

    def _container(self, create: bool) -> dict[str, Any] | None:
        return self.current()

    def _prefix(self) -> str | None:
        return None if self.current() is None else f"{self.path}[{self.index}]"

    def _label(self, i: int, item: dict[str, Any]) -> str:
        mark = "⚠ " if self.form.has_messages_under(f"{self.path}[{i}]") else ""
        return f"{mark}{i + 1}. {self.label_of(item) or '—'}"

    def _refresh_selector(self) -> None:
        self._quiet = True
        try:
            self.selector.options = [(self._label(i, item), i) for i, item in enumerate(self.items)]
            self.selector.value = self.index
        finally:
            self._quiet = False

    # actions ------------------------------------------------------------------------

    def select(self, index: int | None) -> None:
        """Show item ``index`` in the editor (None: nothing selected)."""
        n = len(self.items)
        self.index = None if index is None or n == 0 else max(0, min(index, n - 1))
        self.load()

    def add(self) -> dict[str, Any]:
        """Append a new item with sensible defaults and select it."""
        item = self.new_item()
        self.items.append(item)
        self.select(len(self.items) - 1)
        return item

    def remove(self) -> None:
        """Remove the selected item (references to it are reported when saving)."""
        if self.current() is None or self.index is None:
            return
        del self.items[self.index]
        self.form.forget_messages_under(self.path)
        self.select(min(self.index, len(self.items) - 1) if self.items else None)

    def move(self, step: int) -> None:
        """Move the selected item ``step`` places up (-1) or down (+1), e.g. a stage in the journey's order."""
        i = self.index
        if i is None or self.current() is None or not 0 <= i + step < len(self.items):
            return
        items = self.items
        items[i], items[i + step] = items[i + step], items[i]
        self.form.forget_messages_under(self.path)
        self.select(i + step)

    def _selected(self, change: dict[str, Any]) -> None:
        if self._quiet:
            return
        self.index = change["new"]
        self.load()

    def _item_changed(self, key: str, value: Any) -> None:
        if self.on_change is not None and self.index is not None:
            self.on_change(self.index, key, value)
        if self.index is not None:
            label = self._label(self.index, self.items[self.index])
            if self.selector.options and self.selector.options[self.index][0] != label:
                self._refresh_selector()

    def load(self) -> None:
        if self.index is None and self.items:
            self.index = 0
        if self.index is not None and self.index >= len(self.items):
            self.index = len(self.items) - 1 if self.items else None
        self._refresh_selector()
        self.editor.load()
        self.remove_button.disabled = self.current() is None
        self.up_button.disabled = not self.index or self.current() is None
        self.down_button.disabled = self.index is None or self.index >= len(self.items) - 1
        self.empty.value = (
            "" if self.items else f"<i>{esc(t('forms.status.empty', self.form.lang))}</i>"
        )
        self.message.value = _message_html(
            self.form.messages_at(self.path)
            + (
                self.form.messages_at(f"{self.path}[{self.index}]")
                if self.index is not None
                else []
            )
        )
        for dependent in self.dependents:
            dependent.load()

    # problems -------------------------------------------------------------------------

    def slots(self) -> Iterator[str]:
        yield self.path
        for i in range(len(self.items)):
            yield f"{self.path}[{i}]"
            for key in self.editor.slot_keys():
                yield f"{self.path}[{i}].{key}"

    def where(self, slot: str) -> str | None:
        """The slot in words ('Personas › 2. Rina › Name'), or None when it is not this editor's."""
        if slot == self.path:
            return self.heading
        for i, item in enumerate(self.items):
            said = f"{self.heading} › {i + 1}. {self.label_of(item) or '—'}"
            found = _slot_words(slot, f"{self.path}[{i}]", said, self.editor, self.form.lang)
            if found:
                return found
        return None

    def reveal(self) -> None:
        """Select the first item with a problem, unless the selected one has one."""
        if self.index is not None and self.form.has_messages_under(f"{self.path}[{self.index}]"):
            return
        for i in range(len(self.items)):
            if self.form.has_messages_under(f"{self.path}[{i}]"):
                self.index = i
                return

    def cards(self) -> list[tuple[str, list[tuple[str, Any]]]]:
        return [
            (f"{self.heading}: {self.label_of(item) or '—'}", _rows(self.editor, item))
            for item in self.items
        ]


class CellEditor:
    """The stage cells of the journey selected in ``journeys``: one stage at a time."""

    def __init__(
        self, form: FormState, journeys: ListEditor, specs: list[FieldSpec], heading: str
    ) -> None:
        self.form = form
        self.journeys = journeys
        self.heading = heading
        self.stage: str | None = None
        self.editor = ItemEditor(form, specs, "cjm-field-cell", self._container, self._prefix)
        self.selector = widgets.ToggleButtons(
            options=[],
            description=t("forms.field.stage", form.lang),
            style={"description_width": "190px", "button_width": "auto"},
        )
        self.selector.add_class("cjm-field-cell-stage")
        self.message = widgets.HTML("")
        self._quiet = False
        self.selector.observe(self._selected, names="value")
        self.box = widgets.VBox([_heading(heading), self.selector, self.message, self.editor.box])
        self.box.add_class("cjm-field-cells")
        journeys.dependents.append(self)

    def stage_ids(self) -> list[str]:
        ids = [str(s.get("id")) for s in self.form.data.get("stages") or [] if isinstance(s, dict)]
        journey = self.journeys.current() or {}
        extra = [k for k in (journey.get("stages") or {}) if k not in ids]
        return ids + extra

    def _stage_names(self) -> dict[str, str]:
        """Stage names as the map shows them (untouched default stages in the form's language)."""
        return {
            str(s.get("id")): stage_label(s, self.form.lang)
            for s in self.form.data.get("stages") or []
            if isinstance(s, dict)
        }

    def _container(self, create: bool) -> dict[str, Any] | None:
        journey = self.journeys.current()
        if journey is None or self.stage is None:
            return None
        stages = journey.get("stages")
        if not isinstance(stages, dict):
            if not create:
                return None
            stages = journey["stages"] = {}
        cell = stages.get(self.stage)
        if cell is None and create:
            cell = stages[self.stage] = {}
        return cell

    def _prefix(self) -> str | None:
        if self.journeys.current() is None or self.stage is None:
            return None
        return f"{self.journeys.path}[{self.journeys.index}].stages.{self.stage}"

    def select(self, stage_id: str) -> None:
        self.stage = stage_id
        self.load()

    def _selected(self, change: dict[str, Any]) -> None:
        if self._quiet:
            return
        self.stage = change["new"]
        self.load()

    def load(self) -> None:
        ids = self.stage_ids()
        if self.stage not in ids:
            self.stage = ids[0] if ids else None
        names = self._stage_names()
        base = f"{self.journeys.path}[{self.journeys.index}].stages"
        self._quiet = True
        try:
            self.selector.options = [
                (("⚠ " if self.form.has_messages_under(f"{base}.{s}") else "") + names.get(s, s), s)
                for s in ids
            ]
            self.selector.value = self.stage
        finally:
            self._quiet = False
        self.editor.load()
        prefix = self._prefix()
        self.message.value = _message_html(self.form.messages_at(prefix) if prefix else [])

    def slots(self) -> Iterator[str]:
        for j, journey in enumerate(self.journeys.items):
            ids = [
                str(s.get("id")) for s in self.form.data.get("stages") or [] if isinstance(s, dict)
            ]
            ids += [k for k in (journey.get("stages") or {}) if k not in ids]
            for stage in ids:
                yield f"{self.journeys.path}[{j}].stages.{stage}"
                for key in self.editor.slot_keys():
                    yield f"{self.journeys.path}[{j}].stages.{stage}.{key}"

    def where(self, slot: str) -> str | None:
        """The slot in words ('What each stage shows › Commute › Purchase › Touchpoints')."""
        names = self._stage_names()
        for j, journey in enumerate(self.journeys.items):
            for stage in [*names, *(journey.get("stages") or {})]:
                here = f"{self.journeys.path}[{j}].stages.{stage}"
                head = f"{self.heading} › {journey.get('name') or '—'} › {names.get(stage, stage)}"
                found = _slot_words(slot, here, head, self.editor, self.form.lang)
                if found:
                    return found
        return None

    def reveal(self) -> None:
        base = f"{self.journeys.path}[{self.journeys.index}].stages"
        if self.stage is not None and self.form.has_messages_under(f"{base}.{self.stage}"):
            return
        for stage in self.stage_ids():
            if self.form.has_messages_under(f"{base}.{stage}"):
                self.stage = stage
                return

    def cards(self) -> list[tuple[str, list[tuple[str, Any]]]]:
        names = self._stage_names()
        out = []
        for journey in self.journeys.items:
            for stage, cell in (journey.get("stages") or {}).items():
                if isinstance(cell, dict):
                    title = f"{journey.get('name', '')} — {names.get(stage, stage)}"
                    out.append((title, _rows(self.editor, cell)))
        return out


class SubListEditor(ListEditor):
    """A list inside the item selected in ``parent``, e.g. the touchpoint changes of one journey.

    Its path follows the selection (``journeys[1].touchpoint_changes``), so problems,
    slots and new items always concern the selected journey. ``shown`` says whether
    the section is wanted for that item (an empty list of changes on a current-state
    map is hidden); a list that holds something is always shown.
    """

    def __init__(
        self,
        form: FormState,
        parent: ListEditor,
        key: str,
        specs: list[FieldSpec],
        heading: str,
        label_of: Callable[[dict[str, Any]], str],
        new_item: Callable[[], dict[str, Any]],
        shown: Callable[[dict[str, Any]], bool] | None = None,
    ) -> None:
        self.parent = parent
        self.key = key
        self.shown = shown
        css_path = f"{parent.path}.{key.replace('_', '-')}"  # names its widgets' classes only
        super().__init__(form, css_path, specs, heading, label_of, new_item)
        parent.dependents.append(self)

    @property
    def path(self) -> str:
        return f"{self.parent.path}[{self.parent.index}].{self.key}"

    @path.setter
    def path(self, value: str) -> None:
        """The path is always the selected item's; what the base class sets is not kept."""

    @property
    def items(self) -> list[dict[str, Any]]:
        owner = self.parent.current()
        if owner is None:
            return []
        value = owner.get(self.key)
        if not isinstance(value, list):
            value = owner[self.key] = []
        return value

    def load(self) -> None:
        super().load()
        owner = self.parent.current()
        wanted = owner is not None and (bool(self.items) or self.shown is None or self.shown(owner))
        self.box.layout.display = None if wanted else "none"

    def slots(self) -> Iterator[str]:
        for j, owner in enumerate(self.parent.items):
            base = f"{self.parent.path}[{j}].{self.key}"
            yield base
            for i in range(len(owner.get(self.key) or [])):
                yield f"{base}[{i}]"
                for key in self.editor.slot_keys():
                    yield f"{base}[{i}].{key}"

    def where(self, slot: str) -> str | None:
        """The slot in words ('Touchpoint changes › Future app › 1. Pre-order › Name')."""
        for j, owner in enumerate(self.parent.items):
            base = f"{self.parent.path}[{j}].{self.key}"
            head = f"{self.heading} › {self.parent.label_of(owner) or '—'}"
            if slot == base:
                return head
            for i, item in enumerate(owner.get(self.key) or []):
                here = f"{base}[{i}]"
                said = f"{head} › {i + 1}. {self.label_of(item) or '—'}"
                found = _slot_words(slot, here, said, self.editor, self.form.lang)
                if found:
                    return found
        return None

    def cards(self) -> list[tuple[str, list[tuple[str, Any]]]]:
        return [
            (
                f"{self.heading}: {self.parent.label_of(owner) or '—'} › "
                f"{self.label_of(item) or '—'}",
                _rows(self.editor, item),
            )
            for owner in self.parent.items
            for item in owner.get(self.key) or []
            if isinstance(item, dict)
        ]
