"""Step 7: the walkthrough log: what the team did, felt and stumbled on at each step."""

from __future__ import annotations

__all__ = ["WalkthroughForm"]

import datetime as dt
from typing import Any

from ..model import WalkthroughEntry
from . import choices as c
from .base import StepForm
from .fields import FieldSpec as F
from .fields import datetime_to_text


class WalkthroughForm(StepForm):
    """One entry per step taken while walking the journey as the persona."""

    number = 7

    def build(self) -> None:
        lang = self.lang
        self.add_list(
            "walkthrough",
            [
                F("when", "datetime"),
                F("stage", "ref", c.ids("stages"), optional=False),
                F("touchpoint", "ref", c.ids("touchpoints")),
                F("action", "textarea"),
                F("friction", "textarea"),
                F("minutes", "float"),
                F("emotion", "int"),
                F("note", "textarea"),
                F("evidence", "choice", c.evidence(lang), optional=False),
            ],
            "forms.section.walkthrough",
            _label,
            self._new_entry,
        )

    def _new_entry(self) -> dict[str, Any]:
        stages = self.ids("stages") or ["awareness"]
        now = dt.datetime.now().replace(second=0, microsecond=0)
        return WalkthroughEntry(when=now, stage=stages[0]).model_dump(mode="json")


def _label(entry: dict[str, Any]) -> str:
    what = str(entry.get("action") or "")
    what = what if len(what) <= 50 else what[:48] + "…"
    return f"{datetime_to_text(entry.get('when'))} · {entry.get('stage', '')} · {what}"
