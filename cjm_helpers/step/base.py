"""The project and data files a step works on, each read once and again only when it changed on disk."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from .. import overlay
from ..errors import CJMError
from ..i18n import t
from ..model import Project
from ..reading import call_accepting, for_notebook
from ..store import ProjectStore
from .common import STEP_TITLES, file_stamp, note_html
from .display import as_html, show_figure
from .shared import SHARED_VIEWS, fingerprint, read_shared, write_shared

__all__ = ["DATA_KINDS", "StepBase"]

DATA_KINDS = ("events", "survey", "tickets")
"""The data files a step may read beside the project, each named ``<kind>_path`` on the step."""

Stamps = tuple[tuple[Path | None, tuple[int, int, int] | None], ...]


@dataclass
class StepBase:
    """A step's files and what it read from them: the views (the mixins) ask here for data.

    The project is read again only after a save or an edit on disk (the file's stamp
    changed). Data views are computed once; when the project or a data file changes,
    they and the data read with the old project are forgotten and computed again.
    """

    number: int
    project_path: Path
    language: str = "en"
    events_path: Path | None = None
    survey_path: Path | None = None
    tickets_path: Path | None = None
    store: ProjectStore = field(init=False)

    def __post_init__(self) -> None:
        self.store = ProjectStore(self.project_path)
        self._stamp = file_stamp(self.project_path)
        self.project = self.store.load()
        self._results: dict[str, Any] = {}
        self._data_stamps: Stamps = self._current_data_stamps()

    @property
    def title(self) -> str:
        return STEP_TITLES[self.number]

    def reload(self) -> Project:
        """The project as saved: read again only when the file changed since the last read.

        A form (here or in another notebook) saving the project, or an edit by hand,
        changes the file's time, size or identity; otherwise the copy in memory is the file.
        """
        stamp = file_stamp(self.project_path)
        if stamp is None or stamp != self._stamp:
            self._stamp = stamp
            self.project = self.store.load()
            self._forget_data()
        return self.project

    def _current_data_stamps(self) -> Stamps:
        paths = [getattr(self, f"{kind}_path") for kind in DATA_KINDS]
        return tuple((path, file_stamp(path) if path else None) for path in paths)

    def _fresh(self) -> None:
        """Forget the data views when the project, a data file or a data path changed."""
        self.reload()
        stamps = self._current_data_stamps()
        if stamps != self._data_stamps:
            self._data_stamps = stamps
            self._forget_data()

    def _forget_data(self) -> None:
        """Drop every data view and every data file read (the events were mapped with the old project)."""
        self._results.clear()
        for kind in DATA_KINDS:
            self.__dict__.pop(kind, None)

    def _t(self, key: str, **values: Any) -> str:
        return t(f"notebook.{key}", self.language, **values)

    def note(self, key: str, tone: str = "info", **values: Any) -> Any:
        """A boxed note with a message from the ``notebook`` catalogue; tone is info, warn or ok."""
        return as_html(note_html(self._t(key, **values), tone))

    def _has(self, kind: str) -> bool:
        path = getattr(self, f"{kind}_path")
        return path is not None and path.exists()

    def _optional_tickets(self) -> Any:
        return self.tickets if self._has("tickets") else None

    def _data(
        self, kind: str, name: str, compute: Callable[[], Any], empty_key: str | None = None
    ) -> Any:
        """Compute a data view once; a note instead when the data is missing or unreadable."""
        return self._once(name, lambda: self._compute_shared(kind, name, compute, empty_key))

    def _once(self, name: str, compute: Callable[[], Any]) -> Any:
        """``compute()`` kept under ``name`` until the project or a data file changes."""
        self._fresh()
        if name not in self._results:
            self._results[name] = compute()
        return self._results[name]

    def _compute_shared(
        self, kind: str, name: str, compute: Callable[[], Any], empty_key: str | None
    ) -> Any:
        """A view several chapters show is read back when an earlier chapter of the run computed it."""
        if name not in SHARED_VIEWS:
            return self._compute(kind, compute, empty_key)
        data = [getattr(self, f"{each}_path") for each in DATA_KINDS]
        key = fingerprint(name, self.language, self.project_path, data)
        kept = read_shared(key)
        if kept is not None:
            return kept
        result = self._compute(kind, compute, empty_key)
        if isinstance(result, pd.DataFrame):
            write_shared(key, result)
        return result

    def _compute(self, kind: str, compute: Callable[[], Any], empty_key: str | None) -> Any:
        path = getattr(self, f"{kind}_path")
        if path is None:
            return self.note(f"no_{kind}")
        if not path.exists():
            return self.note(
                "data_file_missing", "warn", file=path.name, kind=self._t(f"data_{kind}")
            )
        try:
            result = compute()
        except CJMError as exc:
            return as_html(note_html(str(exc), "warn"))
        if empty_key and getattr(result, "empty", False):
            return self.note(empty_key, "ok")
        return result

    @staticmethod
    def _shown(found: Any, render: Callable[[Any], Any]) -> Any:
        """``render(found)`` for a computed frame; a note standing in for it is shown as it is."""
        return render(found) if hasattr(found, "columns") else found

    def _plot(self, view: str, plot: Callable[..., Any], *args: Any) -> Any:
        """Draw ``plot`` of the data view method ``view`` (computed once); nothing without data."""
        frame = getattr(self, view)(*args)
        if not isinstance(frame, pd.DataFrame):
            return None
        return show_figure(plot(frame, lang=self.language))

    # the data files, read once (and again after a change) --------------------------------

    @cached_property
    def events(self) -> Any:
        """The event log mapped onto the project's touchpoints (read and mapped once, kept in DuckDB).

        Kept as a table so the step's analyses (funnel, gaps, KPIs, attribution) do not each
        read and map the file again."""
        if self.events_path is None:
            raise CJMError(t("errors.notebook.no_events", self.language))
        options = for_notebook(self.project.data).event_kwargs()
        return overlay.load_events(self.events_path, project=self.project, **options).cached()

    @cached_property
    def survey(self) -> Any:
        """The survey answers, read once."""
        if self.survey_path is None:
            raise CJMError(t("errors.notebook.no_survey", self.language))
        return call_accepting(
            overlay.load_survey, self.survey_path, **for_notebook(self.project.data).date_kwargs()
        )

    @cached_property
    def tickets(self) -> Any:
        """The support tickets, read once and matched to the project's touchpoints."""
        if self.tickets_path is None:
            raise CJMError(t("errors.notebook.no_tickets", self.language))
        return call_accepting(
            overlay.load_tickets,
            self.tickets_path,
            self.project,
            **for_notebook(self.project.data).date_kwargs(),
        )

    def _survey_for_project(self) -> Any:
        """The survey with stage and touchpoint names turned into this project's ids."""
        return overlay.load_survey(self.survey, self.project, self.language)
