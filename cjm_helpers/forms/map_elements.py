"""Step 5: the map type and lanes of each journey, and what each stage of a journey shows."""

from __future__ import annotations

__all__ = ["MapElementsForm"]

from typing import Any

from ..errors import CJMError
from ..i18n import t
from ..model import Journey, StageCell
from . import choices as c
from .base import StepForm
from .fields import FieldSpec as F


class MapElementsForm(StepForm):
    """Journeys (persona, map type, lanes) and, per stage, actions, feelings and pain points."""

    number = 5

    def build(self) -> None:
        lang = self.lang
        journeys = self.add_list(
            "journeys",
            [
                F("id"),
                F("name"),
                F("persona", "choice", c.items("personas"), optional=False),
                F("map_type", "choice", c.map_types(lang), optional=False),
                F("lanes", "refs", c.lanes(lang)),
                F("compares_to", "choice", c.items("journeys")),
            ],
            "forms.section.journeys",
            lambda j: str(j.get("name", "")),
            self._new_journey,
        )
        self.add_cells(
            journeys,
            [
                F("emotion", "int"),
                F(
                    "emotion_evidence",
                    "choice",
                    c.evidence(lang),
                    optional=False,
                    default="assumed",
                ),
                F("actions", "notes"),
                F("touchpoints", "refs", c.touchpoints(lang)),
                F("thoughts", "notes"),
                F("pain_points", "pain_points"),
                F("opportunities", "notes"),
                F("internal_actors", "notes"),
                F("internal_tools", "notes"),
                F("internal_process", "notes"),
                F("internal_pain_points", "pain_points"),
            ],
            "forms.section.cells",
        )
        if self.journey_id:
            ids = self.ids("journeys")
            if self.journey_id not in ids:
                known = ", ".join(ids) or t("errors.none_yet", self.lang)
                raise CJMError(
                    t(
                        "errors.forms.no_journey",
                        self.lang,
                        path=self.store.path,
                        journey=repr(self.journey_id),
                        known=known,
                    )
                )
            journeys.index = ids.index(self.journey_id)
        self.placed = place_touchpoints(self.data)
        """How many stage cells this form filled with their stage's touchpoints from step 4."""

    def _new_journey(self) -> dict[str, Any]:
        personas = self.ids("personas") or ["persona"]
        return Journey(
            id=self.unique_id("journey", "journeys"),
            name=t("forms.new.journey", self.lang),
            persona=personas[0],
        ).model_dump(mode="json")

    def opening_status(self) -> list[str]:
        return [t("learner.cells.from_stage", self.lang, n=self.placed)] if self.placed else []


def place_touchpoints(data: dict[str, Any]) -> int:
    """Start each journey's stage cells from the touchpoints of their stage (step 4), in place.

    A cell that links no touchpoint yet gets every touchpoint of its stage, so the map's
    touchpoint and channel lanes show what step 4 listed; a cell the learner linked is
    left alone. Returns how many cells were filled.
    """
    stages = {str(s.get("id")) for s in data.get("stages") or [] if isinstance(s, dict)}
    by_stage: dict[str, list[str]] = {}
    for tp in data.get("touchpoints") or []:
        if isinstance(tp, dict) and tp.get("id") and tp.get("stage") in stages:
            by_stage.setdefault(str(tp["stage"]), []).append(str(tp["id"]))
    filled = 0
    for journey in data.get("journeys") or []:
        if not isinstance(journey, dict):
            continue
        cells = journey.setdefault("stages", {})
        for stage, ids in by_stage.items():
            cell = cells.get(stage)
            if cell is None:
                cell = cells[stage] = StageCell().model_dump(mode="json")
            if isinstance(cell, dict) and not cell.get("touchpoints"):
                cell["touchpoints"] = list(ids)
                filled += 1
    return filled
