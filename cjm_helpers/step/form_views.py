"""The interactive part of a step: its form, and the checklist of what the step collected."""

from __future__ import annotations

from typing import Any

from ..checks import Checklist, check_project
from ..forms import step_form
from .base import StepBase
from .common import reference_date
from .display import as_html

__all__ = ["FormViews"]


class FormViews(StepBase):
    """The step's form (saving through the step's store) and its feedback."""

    def form(self, journey_id: str | None = None, interactive: bool = True) -> Any:
        """The step's form, prefilled from the project; Save writes through the store.

        Headless (``interactive=False``) the filled-in card is returned instead of
        the widget, so the output reads well and nothing waits for a click.
        """
        form = step_form(self.number, self.store, lang=self.language, journey_id=journey_id)
        if interactive:
            return form
        return as_html(form.card_html())  # the card alone: the widgets' state is never sent

    def checklist(self) -> Any:
        """Feedback on what this step collected, as a checklist (the whole project in step 0)."""
        project = self.reload()
        return Checklist(
            check_project(
                project, step=self.number or None, lang=self.language, today=reference_date()
            ),
            self.language,
        )
