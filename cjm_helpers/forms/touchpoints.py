"""Step 4: the stages of the journey and the touchpoint inventory."""

from __future__ import annotations

__all__ = ["TouchpointsForm", "is_clock", "wants_clock"]

from typing import Any

from pydantic import ValidationError

from ..i18n import t
from ..model import EVIDENCE_LEVELS, VISIBILITIES, Stage, Touchpoint
from . import choices as c
from .base import StepForm
from .fields import FieldSpec as F
from .problems import Problems, said_at


def is_clock(value: Any) -> bool:
    """Whether ``value`` is a time of day the map can place (HH:MM), by the model's own rule."""
    try:
        Stage(id="clock", name="clock", clock=value)
    except ValidationError:
        return False
    return True


def wants_clock(data: dict[str, Any]) -> bool:
    """Whether stages need a time of day: a journey is a day in the life, or a stage already has one."""
    return any(
        isinstance(j, dict) and j.get("map_type") == "day_in_the_life"
        for j in data.get("journeys") or []
    ) or any(isinstance(s, dict) and s.get("clock") for s in data.get("stages") or [])


class TouchpointsForm(StepForm):
    """Every place the customer meets the business, by stage, channel, device and owner."""

    number = 4

    def build(self) -> None:
        lang = self.lang
        self.add_list(
            "touchpoints",
            [
                F("id"),
                F("name"),
                F("stage", "ref", c.ids("stages"), optional=False),
                F("channel", "suggest", c.values_of("touchpoints", "channel")),
                F("device", "suggest", c.values_of("touchpoints", "device")),
                F("owner_department", "suggest", c.departments),
                c.one_of("visibility", VISIBILITIES, "forms.visibility", lang),
                F("events", "tags"),
                c.one_of("evidence", EVIDENCE_LEVELS, "common.evidence", lang),
            ],
            "forms.section.touchpoints",
            lambda tp: str(tp.get("name", "")),
            self._new_touchpoint,
        )
        stages = self.add_list(
            "stages",
            [
                F("id"),
                F("name"),
                F("description", "textarea"),
                F("phase", "choice", c.phases(lang), optional=False, label="formsmap.field.phase"),
                F("time_span", label="formsmap.field.time_span", help="formsmap.help.time_span"),
                F("clock", "clock", label="formsmap.field.clock", help="formsmap.help.clock"),
            ],
            "forms.section.stages",
            lambda s: str(s.get("name", "")),
            lambda: Stage(
                id=self.unique_id("stage", "stages"), name=t("forms.new.stage", lang)
            ).model_dump(mode="json"),
            movable=True,
        )
        if not wants_clock(self.data):
            stages.editor.fields["clock"].view.layout.display = "none"

    def checks(self) -> Problems:
        """A stage's time of day is HH:MM ('07:30'): said here in the learner's language."""
        out = []
        for i, stage in enumerate(self.data.get("stages") or []):
            clock = stage.get("clock") if isinstance(stage, dict) else None
            if clock and not is_clock(clock):
                out.append(said_at(f"stages[{i}].clock", "formsmap.error.clock", got=clock))
        return out

    def warnings(self) -> Problems:
        """Two touchpoints with one name cannot be told apart on the map or in step 5's list."""
        names = [
            " ".join(str(tp.get("name") or "").split()).casefold()
            for tp in self.data.get("touchpoints") or []
        ]
        out = []
        for i, tp in enumerate(self.data.get("touchpoints") or []):
            if names[i] and names.count(names[i]) > 1:
                out.append(
                    said_at(
                        f"touchpoints[{i}].name",
                        "learner.warn.touchpoint_same_name",
                        name=tp.get("name"),
                    )
                )
        return out

    def _new_touchpoint(self) -> dict:
        stages = self.ids("stages") or ["awareness"]
        return Touchpoint(
            id=self.unique_id("tp", "touchpoints"),
            name=t("forms.new.touchpoint", self.lang),
            stage=stages[0],
        ).model_dump(mode="json")
