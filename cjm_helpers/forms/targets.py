"""Step 3: score personas on share, value and strategic fit, and mark the primary one."""

from __future__ import annotations

__all__ = ["TargetsForm"]

from typing import Any

from ..model import TargetPersona
from . import choices as c
from .base import StepForm
from .fields import FieldSpec as F
from .problems import Problems, said_at


class TargetsForm(StepForm):
    """The scoring matrix as a list: one scored entry per target persona; one is primary."""

    number = 3

    def build(self) -> None:
        names = {}

        def label(item: dict[str, Any]) -> str:
            names.update({p.get("id"): p.get("name") for p in self.data.get("personas") or []})
            return str(names.get(item.get("persona")) or item.get("persona") or "")

        editor = self.add_list(
            "target_personas",
            [
                F("persona", "choice", c.items("personas"), optional=False),
                F("share_score", "choice", c.scores(), optional=False),
                F("value_score", "choice", c.scores(), optional=False),
                F("strategic_fit", "choice", c.scores(), optional=False),
                F("primary", "bool"),
            ],
            "forms.section.targets",
            label,
            self._new_target,
        )
        editor.on_change = self._one_primary

    def _new_target(self) -> dict[str, Any]:
        chosen = {t.get("persona") for t in self.data.get("target_personas") or []}
        free = [i for i in self.ids("personas") if i not in chosen]
        persona = free[0] if free else (self.ids("personas") or ["persona"])[0]
        return TargetPersona(persona=persona).model_dump(mode="json")

    def warnings(self) -> Problems:
        """A persona scored in two entries: the matrix would show only one of them."""
        names = {p.get("id"): p.get("name") for p in self.data.get("personas") or []}
        chosen = [t.get("persona") for t in self.data.get("target_personas") or []]
        out = []
        for i, persona in enumerate(chosen):
            if chosen.count(persona) > 1:
                out.append(
                    said_at(
                        f"target_personas[{i}].persona",
                        "learner.warn.persona_scored_twice",
                        name=names.get(persona) or persona,
                    )
                )
        return out

    def _one_primary(self, index: int, key: str, value: Any) -> None:
        """Primary works like a radio button: marking one unmarks the others."""
        if key != "primary" or not value:
            return
        for i, item in enumerate(self.lists["target_personas"].items):
            if i != index:
                item["primary"] = False
