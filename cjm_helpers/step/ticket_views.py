"""What a step shows from what customers wrote: ticket counts and quotes, themes and themes on the map."""

from __future__ import annotations

from typing import Any

from .. import overlay
from ..errors import CJMError
from ..mapping import JourneyMap
from ..overlay import plots
from ..overlay.themes import ThemeResult, project_themes
from .base import StepBase
from .common import note_html
from .display import as_html, dates_only

__all__ = ["TicketViews"]


class TicketViews(StepBase):
    """Support tickets and the themes in the survey's comments and the tickets."""

    def ticket_counts(self) -> Any:
        return self._data("tickets", "ticket_counts", lambda: overlay.ticket_counts(self.tickets))

    def plot_tickets(self) -> Any:
        return self._plot("ticket_counts", plots.plot_tickets)

    def ticket_quotes(self) -> Any:
        return self._data(
            "tickets",
            "ticket_quotes",
            lambda: dates_only(overlay.ticket_quotes(self.tickets, n=2)),
        )

    def _themes(self) -> ThemeResult:
        """Themes from the survey's comments and the tickets, computed once per notebook."""

        def themes() -> ThemeResult:
            survey = self.survey if self._has("survey") else None
            return project_themes(
                self.project, survey, self._optional_tickets(), lang=self.language
            )

        result: ThemeResult = self._once("themes", themes)
        return result

    def _themes_or_note(self) -> Any:
        """The themes, or the note to show instead (no texts, texts that cannot be read, too few)."""
        if not (self._has("survey") or self._has("tickets")):
            return self.note("no_survey")
        try:
            result = self._themes()
        except CJMError as exc:
            return as_html(note_html(str(exc), "warn"))
        return result if len(result.themes) else self.note("no_themes", "ok")

    def customer_themes(self) -> Any:
        """Themes in what customers wrote: where they come up, how customers felt, the trend, quotes."""
        result = self._themes_or_note()
        return as_html(result.html(self.language)) if isinstance(result, ThemeResult) else result

    def themes_on_map(self) -> Any:
        """The primary journey's map with the themes as observed pain points (and thoughts)."""
        result = self._themes_or_note()
        if not isinstance(result, ThemeResult):
            return result
        return JourneyMap(result.on_map(self.reload(), lang=self.language), lang=self.language)
