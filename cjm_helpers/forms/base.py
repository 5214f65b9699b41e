"""The step form machinery: load the project, edit it in widgets, validate, save, explain.

A :class:`StepForm` holds the project as plain data (``model_dump(mode="json")``)
and lets editors change it as the learner types. Save validates the whole
project (structure and references), writes it through its own
:class:`~cjm_helpers.store.ProjectStore` (which merges with saves made elsewhere
since the form loaded) and, when something is wrong, shows each problem next to
the field it concerns. Nothing typed is thrown away: the widgets and the data
keep every value until the learner changes it or reloads.
"""

from __future__ import annotations

__all__ = ["Editor", "StepForm", "best_slot", "is_under"]

import copy
import re
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from typing import Any

import ipywidgets as widgets

from ..errors import CJMError, Problem, ProjectInvalid, SaveConflict
from ..i18n import check_language, t
from ..references import ID_LISTS, IdKind, ids_of, rename_references
from ..store import ProjectStore, load_project
from ..text import esc
from ..validation import validate_project
from ..views import CARD_CSS
from .editors import CellEditor, GroupEditor, ListEditor, SubListEditor
from .fields import FieldSpec, get_in
from .problems import (
    Problems,
    field_words,
    language_note,
    removed_in_use,
    removed_message,
    scroll_script,
    step_of,
    wording,
)

Editor = GroupEditor | ListEditor | CellEditor | SubListEditor

_DUPLICATE = re.compile(r"id '([^']*)' is used")

FORM_CARD_CSS = """
<style>
.cjm-form-card .cjm-card dt{overflow-wrap:normal;word-break:normal;hyphens:manual}
.cjm-form-card .cjm-card dd{overflow-wrap:break-word;word-break:normal}
</style>
"""
"""A filled-in form's labels wrap at word ends (at most 40% of a card, set in CARD_CSS); values keep the rest."""


def is_under(path: str, slot: str) -> bool:
    """Whether ``path`` is ``slot`` itself or lies inside it ('a[1].b' is under 'a[1]')."""
    return path == slot or path.startswith(slot + ".") or path.startswith(slot + "[")


def best_slot(path: str, slots: list[str]) -> str | None:
    """The most specific slot a problem path falls under, or None."""
    found = [s for s in slots if is_under(path, s)]
    return max(found, key=len) if found else None


def _duplicated_id(problem: Problem) -> str | None:
    """The id a 'used N times' problem is about, or None for any other problem."""
    if problem.said is not None and problem.said.key == "errors.references.duplicate":
        return str(problem.said.values.get("value", "")).strip("'\"")
    match = _DUPLICATE.search(problem.message)
    return match.group(1) if match else None


class StepForm(ABC):
    """One step's form. Subclasses set ``number`` and build their editors in :meth:`build`."""

    number: int = 0

    def __init__(
        self, store: ProjectStore, lang: str = "en", journey_id: str | None = None
    ) -> None:
        self.lang = check_language(lang)
        self.journey_id = journey_id
        # A store of its own, so merging compares against what *this form* loaded.
        self.store = ProjectStore(store.path)
        self.data: dict[str, Any] = self.store.load().model_dump(mode="json")
        self.editors: list[Editor] = []
        self.lists: dict[str, ListEditor] = {}
        self.groups: dict[str, GroupEditor] = {}
        self.cells: CellEditor | None = None
        self.problems: list[str] = []
        self.saved = False
        self._generated: dict[str, set[str]] = {}
        """Ids this form made up for items it added, by list path (renumbered if another session took them)."""
        self._messages: dict[str, list[str]] = {}
        self._sections: list[widgets.Widget] = []
        self._removed: list[tuple[str, int, dict[str, Any]]] = []
        """Items removed in this form that other steps still use: (list path, position, item)."""
        self._warned: list[str] | None = None
        """The warnings shown at the last Save; the same ones again mean 'save anyway'."""
        self._notes: list[str] = []
        """Lines to add to the next good status (e.g. that the project's language changed)."""

        self.build()
        self._original_ids = self._ids_by_item()

        self._make_controls()
        self.widget = self._layout()
        self.load_widgets()
        opening = self.opening_status()
        if opening:
            self._set_status(opening, ok=True)

    def _make_controls(self) -> None:
        """The Save, Reload and Restore buttons and the status lines under the form, wired to their actions."""
        lang = self.lang
        self.save_button = widgets.Button(
            description=t("forms.button.save", lang), button_style="primary", icon="save"
        )
        self.save_button.add_class("cjm-form-save")
        self.reload_button = widgets.Button(
            description=t("forms.button.reload", lang), icon="refresh"
        )
        self.reload_button.add_class("cjm-form-reload")
        self.status = widgets.HTML("")
        self.status.add_class("cjm-form-status")
        self.first_problem = widgets.HTML("", layout=widgets.Layout(flex="1 1 auto"))
        self.first_problem.add_class("cjm-form-first-problem")
        self.restore_button = widgets.Button(
            description=t("learner.button.restore", lang),
            icon="undo",
            layout=widgets.Layout(display="none", width="auto"),
        )
        self.restore_button.add_class("cjm-form-restore")
        self.restore_button.on_click(lambda _: self.restore_removed())
        self._scroll = widgets.Output(layout=widgets.Layout(height="0px", overflow="hidden"))
        self.save_button.on_click(lambda _: self.save())
        self.reload_button.on_click(lambda _: self.reload())

    def _layout(self) -> widgets.VBox:
        """The whole form: title and intro, the sections, then the buttons and the status lines."""
        lang = self.lang
        intro = widgets.HTML(
            f"<h3 style='margin:4px 0'>{esc(t(f'forms.title.{self.number}', lang))}</h3>"
            f"<p style='margin:0 0 6px 0;color:#4a5a6a'>{esc(t(f'forms.intro.{self.number}', lang))}</p>"
        )
        widget = widgets.VBox(
            [
                intro,
                *self._sections,
                widgets.HBox(
                    [self.save_button, self.reload_button, self.first_problem],
                    layout=widgets.Layout(align_items="center"),
                ),
                self.status,
                self.restore_button,
                self._scroll,
            ]
        )
        self.css_id = f"cjm-form-{uuid.uuid4().hex[:10]}"
        widget.add_class("cjm-form")
        widget.add_class(f"cjm-form-step{self.number}")
        widget.add_class(self.css_id)
        return widget

    # building (used by subclasses) ----------------------------------------------------

    @abstractmethod
    def build(self) -> None:
        """Create the step's editors with add_group, add_list and add_cells."""

    def add_group(self, path: str, specs: list[FieldSpec], heading_key: str) -> GroupEditor:
        editor = GroupEditor(self, path, specs, t(heading_key, self.lang))
        self.groups[path] = editor
        self._add(editor)
        return editor

    def add_list(
        self,
        path: str,
        specs: list[FieldSpec],
        heading_key: str,
        label_of: Callable[[dict[str, Any]], str],
        new_item: Callable[[], dict[str, Any]],
        movable: bool = False,
    ) -> ListEditor:
        editor = ListEditor(
            self, path, specs, t(heading_key, self.lang), label_of, new_item, movable
        )
        self.lists[path] = editor
        self._add(editor)
        return editor

    def add_sublist(
        self,
        parent: ListEditor,
        key: str,
        specs: list[FieldSpec],
        heading_key: str,
        label_of: Callable[[dict[str, Any]], str],
        new_item: Callable[[], dict[str, Any]],
        shown: Callable[[dict[str, Any]], bool] | None = None,
    ) -> SubListEditor:
        """A list inside the item selected in ``parent`` (a journey's touchpoint changes)."""
        editor = SubListEditor(
            self, parent, key, specs, t(heading_key, self.lang), label_of, new_item, shown
        )
        self._add(editor)
        return editor

    def add_cells(
        self, journeys: ListEditor, specs: list[FieldSpec], heading_key: str
    ) -> CellEditor:
        editor = CellEditor(self, journeys, specs, t(heading_key, self.lang))
        self.cells = editor
        self._add(editor)
        return editor

    def _add(self, editor: Editor) -> None:
        self.editors.append(editor)
        box = editor.box
        box.layout.border = "1px solid #d5dde5"
        box.layout.padding = "4px 8px"
        box.layout.margin = "4px 0"
        self._sections.append(box)

    # ids that new items need ---------------------------------------------------------

    def unique_id(self, prefix: str, path: str) -> str:
        """``prefix-N`` not yet used by any item of the list at ``path``."""
        items = self.data.get(path) or []
        taken = {i.get("id") for i in items if isinstance(i, dict)}
        n = len(items) + 1
        while f"{prefix}-{n}" in taken:
            n += 1
        self._generated.setdefault(path, set()).add(f"{prefix}-{n}")
        return f"{prefix}-{n}"

    def _ids_by_item(self) -> dict[str, list[tuple[dict[str, Any], str]]]:
        """Each listed item with its id as loaded, to notice renames (the item itself, not a copy)."""
        out: dict[str, list[tuple[dict[str, Any], str]]] = {}
        for path in self.lists:
            items = get_in(self.data, path)
            if isinstance(items, list):
                out[path] = [
                    (i, i["id"])
                    for i in items
                    if isinstance(i, dict) and isinstance(i.get("id"), str)
                ]
        return out

    def _follow_renamed_ids(self) -> None:
        """An id changed in this form takes its references along (targets, journeys, cells, KPIs...).

        Without this a learner who renames a persona id could never save: the old id
        is still used elsewhere, and the other steps cannot point at the new one
        before it is saved. An old id still carried by another item is left alone.
        """
        renamed: dict[IdKind, dict[str, str]] = {}
        for path, before in self._original_ids.items():
            items = get_in(self.data, path)
            kind = ID_LISTS.get(f"{path}[*].id")
            if not isinstance(items, list) or kind is None:
                continue
            now = [i.get("id") for i in items if isinstance(i, dict)]
            for item, old in before:
                new = item.get("id")
                if not any(i is item for i in items):
                    continue  # removed from the list
                # a new id another item already has is a duplicate to report, not a rename to follow
                if (
                    isinstance(new, str)
                    and new
                    and new != old
                    and old not in now
                    and now.count(new) == 1
                ):
                    renamed.setdefault(kind, {})[old] = new
        if not renamed:
            return
        rename_references(self.data, renamed)
        self._original_ids = self._ids_by_item()

    def _renumber_clashing_ids(self) -> bool:
        """Give items added here a new id when another session saved an item with the same made-up id.

        Two forms that each add a persona both call it ``persona-3``; that is two new
        personas, not one edited twice. Returns whether any id changed.
        """
        try:
            on_disk = load_project(self.store.path).model_dump(mode="json")
        except CJMError:
            return False
        renamed: dict[IdKind, dict[str, str]] = {}
        for path, made_up in self._generated.items():
            items = get_in(self.data, path)
            theirs = get_in(on_disk, path)
            kind = ID_LISTS.get(f"{path}[*].id")
            if not isinstance(items, list) or not isinstance(theirs, list) or kind is None:
                continue
            taken = {i.get("id") for i in [*items, *theirs] if isinstance(i, dict)}
            for item in items:
                old = item.get("id") if isinstance(item, dict) else None
                if old not in made_up or old not in {
                    i.get("id") for i in theirs if isinstance(i, dict)
                }:
                    continue
                prefix, n = old.rsplit("-", 1)[0], len(taken) + 1
                while f"{prefix}-{n}" in taken:
                    n += 1
                item["id"] = renamed.setdefault(kind, {})[old] = f"{prefix}-{n}"
                taken.add(item["id"])
                made_up.add(item["id"])
        if renamed:
            rename_references(self.data, renamed)
        return bool(renamed)

    def opening_status(self) -> list[str]:
        """What the form says under Save when it opens (e.g. what it filled in for the learner)."""
        return []

    def checks(self) -> Problems:
        """Problems only this form can see (a data file that cannot be read); they stop the save."""
        return []

    def warnings(self) -> Problems:
        """Likely mistakes the file would accept (a persona scored twice): said once before saving."""
        return []

    def pain_point_ids(self) -> set[str]:
        """Every pain point id of every journey, as the data stands now."""
        return set(ids_of(self.data, "pain point"))

    def ids(self, path: str) -> list[str]:
        return [
            str(i.get("id"))
            for i in self.data.get(path) or []
            if isinstance(i, dict) and i.get("id")
        ]

    # loading ------------------------------------------------------------------------------

    def load_widgets(self) -> None:
        for editor in self.editors:
            if isinstance(editor, (CellEditor, SubListEditor)):
                continue  # loaded by the list it depends on
            editor.load()

    def has_unsaved_edits(self) -> bool:
        """Whether the form holds values that differ from what it last loaded or saved."""
        loaded = self.store.loaded()
        return loaded is None or self.data != loaded.model_dump(mode="json")

    def refresh(self) -> bool:
        """Show another session's newer save, unless that would throw away edits made here.

        Edits are kept: saving them merges with the newer file, or names a conflict.
        """
        if not self.store.changed_on_disk() or self.has_unsaved_edits():
            return False
        self.reload()
        return True

    def reload(self) -> None:
        """Throw away unsaved edits and show the project as it is on disk now."""
        try:
            self.data = self.store.load().model_dump(mode="json")
        except CJMError as exc:
            self._set_status([str(exc)], ok=False)
            return
        self._original_ids = self._ids_by_item()
        self._generated = {}
        self._messages = {}
        self._removed = []
        self._warned = None
        self.problems = []
        self.load_widgets()
        self._set_status([t("forms.status.reloaded", self.lang), *self.others_edits()], ok=True)

    # messages -------------------------------------------------------------------------------

    def messages_at(self, slot: str) -> list[str]:
        return list(self._messages.get(slot, []))

    def has_messages_under(self, slot: str) -> bool:
        return any(is_under(path, slot) for path in self._messages)

    def forget_messages_under(self, slot: str) -> None:
        """Item positions shift when one is removed, so its list's messages no longer apply."""
        self._messages = {p: m for p, m in self._messages.items() if not is_under(p, slot)}

    def problem_at(self, path: str) -> str:
        """All messages shown for the field at ``path`` (e.g. 'personas[0].name'), as one text."""
        return " ".join(self._messages.get(path, []))

    def _slots(self) -> list[str]:
        return [slot for editor in self.editors for slot in editor.slots()]

    def _refine(self, problem: Problem) -> list[Problem]:
        """Point list-wide problems (duplicate ids) at the items they concern."""
        wanted = _duplicated_id(problem)
        if wanted is None:
            return [problem]
        if problem.path.startswith("journeys[*]"):
            out = []
            for j, journey in enumerate(self.data.get("journeys") or []):
                for stage, cell in (journey.get("stages") or {}).items():
                    for key in ("pain_points", "internal_pain_points"):
                        if any(
                            p.get("id") == wanted
                            for p in cell.get(key) or []
                            if isinstance(p, dict)
                        ):
                            out.append(
                                Problem(
                                    f"journeys[{j}].stages.{stage}.{key}",
                                    problem.message,
                                    problem.said,
                                )
                            )
            return out or [problem]

        items = get_in(self.data, problem.path)
        if not isinstance(items, list):
            return [problem]
        out = [
            Problem(f"{problem.path}[{i}].id", problem.message, problem.said)
            for i, item in enumerate(items)
            if isinstance(item, dict) and item.get("id") == wanted
        ]
        return out or [problem]

    def _where(self, slot: str) -> str:
        for editor in self.editors:
            said = editor.where(slot)
            if said:
                return said
        return slot

    def _show_problems(self, problems: list[Problem], warning: bool = False) -> None:
        """Each problem beside its field; the first again beside Save; the rest in words below."""
        slots = self._slots()
        self._messages = {}
        unplaced: list[str] = []
        first: str | None = None
        self.problems = []
        removed = removed_in_use(self.data, self._original_ids)
        removed_ids = {str(item.get("id")) for _, _, item, _ in removed}
        self._removed = [(path, position, item) for path, position, item, _ in removed]
        for path, _, item, steps in removed:
            said = removed_message(path, item, steps, self.lang)
            unplaced.append(said)
            first = first or said
        for original in problems:
            for problem in self._refine(original):
                self.problems.append(problem.in_language(self.lang))
                message = wording(problem, self.lang)
                slot = best_slot(problem.path, slots)
                if slot is None:
                    value = problem.said.values.get("value") if problem.said else None
                    if str(value).strip("'\"") in removed_ids:
                        continue  # said above, with the fix
                    step = step_of(problem.path)
                    said = (
                        t(
                            "learner.elsewhere",
                            self.lang,
                            step=step,
                            field=field_words(problem.path, self.lang),
                            message=message,
                        )
                        if step is not None and step != self.number
                        else message
                    )
                    unplaced.append(said)
                    first = first or said
                    continue
                detail = problem.path[len(slot) :].lstrip(".")
                text = f"{detail}: {message}" if detail else message
                self._messages.setdefault(slot, []).append(text)
                first = first or f"{self._where(slot)}: {message}"
        for editor in self.editors:
            editor.reveal()
        self.load_widgets()
        n = sum(len(m) for m in self._messages.values()) + len(unplaced)
        head = (
            t("learner.warn.head", self.lang, n=n)
            if warning
            else t("forms.status.invalid", self.lang, n=n)
        )
        self._set_status([head, *unplaced], ok=False)
        self.restore_button.layout.display = None if self._removed else "none"
        self._show_first(first, warning)

    def _show_first(self, text: str | None, warning: bool = False) -> None:
        """Repeat the first problem beside Save and bring it into view: long forms hide it above."""
        if not text:
            self.first_problem.value = ""
            return
        colour = "#8a5a00" if warning else "#b00020"
        self.first_problem.value = (
            f"<span style='color:{colour};margin-left:8px;line-height:1.3'>⚠ {esc(text)}</span>"
        )
        self._scroll.outputs = ()
        self._scroll.outputs = (
            {
                "output_type": "display_data",
                "data": {"application/javascript": scroll_script(self.css_id), "text/plain": ""},
                "metadata": {},
            },
        )

    def restore_removed(self) -> None:
        """Put back the removed items other steps still use, so the learner can rename one instead."""
        for path, position, item in sorted(self._removed, key=lambda r: r[1]):
            items = self.lists[path].items
            if not any(i is item for i in items):
                items.insert(min(position, len(items)), item)
        restored = self._removed
        self._removed = []
        self._messages = {}
        self.problems = []
        self.load_widgets()
        self.restore_button.layout.display = "none"
        self._show_first(None)
        if restored:
            path, _, item = restored[0]
            self.lists[path].select(
                next(i for i, x in enumerate(self.lists[path].items) if x is item)
            )
        self._set_status([t("learner.restored", self.lang)], ok=True)

    def _set_status(self, lines: list[str], ok: bool) -> None:
        """Say how saving went under Save; all good clears the problem beside Save and the fix offered."""
        if ok:
            lines, self._notes = [*lines, *self._notes], []
            self._show_first(None)
            self.restore_button.layout.display = "none"
        color = "#1b6e3a" if ok else "#b00020"
        body = "<br>".join(esc(line) for line in lines)
        self.status.value = f"<div style='color:{color};margin:6px 0'>{body}</div>"

    # saving -----------------------------------------------------------------------------------

    def save(self) -> bool:
        """Validate and save; on any problem, explain it next to the field and keep every value."""
        self.saved = False
        source = str(self.store.path)
        self._follow_renamed_ids()
        checked = self.checks()
        try:
            project = validate_project(copy.deepcopy(self.data), source)
        except ProjectInvalid as exc:
            self._show_problems([*checked, *_not_said(exc.problems, checked)])
            return False
        if checked:
            self._show_problems(checked)
            return False
        warned = self.warnings()
        said = [w.in_language("en") for w in warned]
        if warned and said != self._warned:
            self._warned = said
            self._show_problems(warned, warning=True)
            return False
        language_before = (self.store.loaded() or project).language
        try:
            try:
                result = self.store.save(project)
            except SaveConflict:
                if not self._renumber_clashing_ids():
                    raise
                result = self.store.save(validate_project(copy.deepcopy(self.data), source))
        except ProjectInvalid as exc:
            self._show_problems(exc.problems)
            return False
        except SaveConflict as exc:
            self._messages = {}
            self.problems = [t("forms.status.conflict", self.lang), *exc.conflicts]
            self.load_widgets()
            self._set_status(self.problems, ok=False)
            return False
        except CJMError as exc:
            self.problems = [str(exc)]
            self._set_status(self.problems, ok=False)
            return False
        self.data = result.model_dump(mode="json")
        self._original_ids = self._ids_by_item()
        self._generated = {}
        self._messages = {}
        self._removed = []
        self._warned = None
        self._notes = language_note(result.language, language_before)
        self.problems = []
        self.load_widgets()
        self.saved = True
        saved = t("forms.status.saved", self.lang, file=self.store.path.name)
        self._set_status([saved, *self.others_edits()], ok=True)
        return True

    def others_edits(self) -> list[str]:
        """Who else changed what since this form opened, from the project's history."""
        from ..history import edit_lines, edits_by_others

        return edit_lines(edits_by_others(self.store), self.lang)

    # display ------------------------------------------------------------------------------

    def cards(self) -> Iterator[tuple[str, list[tuple[str, Any]]]]:
        for editor in self.editors:
            yield from editor.cards()

    def card_html(self) -> str:
        """A filled-in card of the current values: what static exports show instead of widgets."""
        parts = []
        for title, rows in self.cards():
            body = "".join(
                f"<dt>{esc(label)}</dt><dd>{_value_html(value)}</dd>" for label, value in rows
            )
            parts.append(f"<div class='cjm-card'><h4>{esc(title)}</h4><dl>{body}</dl></div>")
        if not parts:
            parts.append(f"<p>{esc(t('forms.status.empty', self.lang))}</p>")
        heading = f"<h4>{esc(t(f'forms.title.{self.number}', self.lang))}</h4>"
        return (
            CARD_CSS
            + FORM_CARD_CSS
            + f"<div class='cjm-form-card cjm-form-step{self.number}'>{heading}"
            f"<div class='cjm-cards'>{''.join(parts)}</div></div>"
        )

    def card_text(self) -> str:
        lines = [t(f"forms.title.{self.number}", self.lang)]
        for title, rows in self.cards():
            lines.append(f"\n{title}")
            for label, value in rows:
                if isinstance(value, list):
                    lines.append(f"  {label}:")
                    lines.extend(f"    - {v}" for v in value)
                else:
                    lines.append(f"  {label}: {value}")
        return "\n".join(lines)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude) or {}
        if isinstance(bundle, tuple):
            bundle = bundle[0]
        bundle = dict(bundle)
        bundle["text/html"] = self.card_html()
        bundle["text/plain"] = self.card_text()
        return bundle

    def __repr__(self) -> str:
        return f"<{type(self).__name__} step {self.number} of {self.store.path.name}>"


def _not_said(problems: list[Problem], said: Problems) -> list[Problem]:
    """The validator's problems that no form check already words, in the form's terms, for that field."""
    paths = [p.path for p in said if p.path]
    return [p for p in problems if not any(is_under(p.path, path) for path in paths)]


def _value_html(value: Any) -> str:
    if isinstance(value, list):
        if not value:
            return "—"
        return "<ul>" + "".join(f"<li>{esc(v)}</li>" for v in value) + "</ul>"
    return esc(value)
