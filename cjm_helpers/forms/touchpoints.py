"""Step 4: the stages of the journey and the touchpoint inventory."""

from __future__ import annotations

__all__ = ["TouchpointsForm"]

from ..i18n import t
from ..model import EVIDENCE_LEVELS, VISIBILITIES, Stage, Touchpoint
from . import choices as c
from .base import StepForm
from .fields import FieldSpec as F
from .problems import Problems, said_at


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
                F(
                    "visibility",
                    "choice",
                    c.fixed(VISIBILITIES, "forms.visibility", lang),
                    optional=False,
                ),
                F("events", "tags"),
                F(
                    "evidence",
                    "choice",
                    c.fixed(EVIDENCE_LEVELS, "common.evidence", lang),
                    optional=False,
                ),
            ],
            "forms.section.touchpoints",
            lambda tp: str(tp.get("name", "")),
            self._new_touchpoint,
        )
        self.add_list(
            "stages",
            [F("id"), F("name"), F("description", "textarea")],
            "forms.section.stages",
            lambda s: str(s.get("name", "")),
            lambda: Stage(
                id=self.unique_id("stage", "stages"), name=t("forms.new.stage", lang)
            ).model_dump(mode="json"),
            movable=True,
        )

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
