"""Step 5: the map type and lanes of each journey, and what each stage of a journey shows."""

from __future__ import annotations

__all__ = ["MapElementsForm"]

from typing import Any

from ..errors import CJMError
from ..i18n import t
from ..model import (
    EVIDENCE_LEVELS,
    TOUCHPOINT_STATUSES,
    VISIBILITIES,
    Journey,
    StageCell,
    TouchpointChange,
)
from ..tables import id_names
from . import choices as c
from .base import StepForm
from .fields import FieldSpec as F
from .problems import Problems, said_at


class MapElementsForm(StepForm):
    """The emotion scale, journeys (persona, map type, lanes, a future state's touchpoint changes)
    and, per stage, actions with how each felt, feelings and pain points."""

    number = 5

    def build(self) -> None:
        lang = self.lang
        self.add_group(
            "",
            [
                F(
                    "emotion_scale",
                    "choice",
                    c.emotion_scales(lang),
                    optional=False,
                    default=2,
                    label="formsmap.field.emotion_scale",
                    help="formsmap.help.emotion_scale",
                )
            ],
            "formsmap.section.settings",
        )
        journeys = self.add_list(
            "journeys",
            [
                F("id"),
                F("name"),
                F("persona", "choice", c.items("personas"), optional=False),
                F("map_type", "choice", c.map_types(lang), optional=False),
                F("lanes", "refs", c.lanes(lang)),
                F("compares_to", "choice", c.items("journeys")),
                F("stages_shown", "refs", c.items("stages")),
            ],
            "forms.section.journeys",
            lambda j: str(j.get("name", "")),
            self._new_journey,
        )
        changes = self.add_sublist(
            journeys,
            "touchpoint_changes",
            [
                c.one_of("status", TOUCHPOINT_STATUSES, "formsmap.status", lang),
                F(
                    "id",
                    "ref",
                    c.ids("touchpoints"),
                    optional=False,
                    label="formsmap.field.change_id",
                    help="formsmap.help.change_id",
                ),
                F("name", label="formsmap.field.change_name", help="formsmap.help.change_name"),
                F("stage", "choice", c.items("stages")),
                F("channel", "suggest", c.values_of("touchpoints", "channel")),
                F("visibility", "choice", c.fixed(VISIBILITIES, "forms.visibility", lang)),
                F("note", "textarea", label="formsmap.field.note", help="formsmap.help.note"),
                c.one_of("evidence", EVIDENCE_LEVELS, "common.evidence", lang, default="planned"),
            ],
            "formsmap.section.changes",
            self._change_label,
            self._new_change,
            shown=lambda journey: journey.get("map_type") == "future_state",
        )
        journeys.on_change = lambda _i, key, _v: changes.load() if key == "map_type" else None
        self.add_cells(
            journeys,
            [
                F(
                    "emotion",
                    "int",
                    label="formsmap.field.emotion",
                    help="formsmap.help.emotion",
                ),
                F(
                    "emotion_evidence",
                    "choice",
                    c.evidence(lang),
                    optional=False,
                    default="assumed",
                ),
                F(
                    "actions",
                    "actions",
                    label="formsmap.field.actions",
                    help="formsmap.help.actions",
                ),
                F("touchpoints", "refs", c.touchpoints(lang)),
                F("thoughts", "notes"),
                F("pain_points", "pain_points"),
                F("opportunities", "notes"),
                F("internal_actors", "notes"),
                F("internal_tools", "notes"),
                F("internal_process", "notes"),
                F("internal_pain_points", "pain_points"),
                F("activities", "notes"),
                F("context", "notes"),
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

    def _new_change(self) -> dict[str, Any]:
        """A new touchpoint for the selected journey, planned, in the first stage."""
        taken = set(self.ids("touchpoints")) | {
            str(change.get("id"))
            for journey in self.data.get("journeys") or []
            for change in journey.get("touchpoint_changes") or []
            if isinstance(change, dict)
        }
        n = 1
        while f"tp-new-{n}" in taken:
            n += 1
        stages = self.ids("stages")
        return TouchpointChange(
            id=f"tp-new-{n}",
            status="new",
            name=t("formsmap.new.touchpoint", self.lang),
            stage=stages[0] if stages else None,
        ).model_dump(mode="json")

    def _change_label(self, change: dict[str, Any]) -> str:
        """'New: Pre-order in the app', or the inventory's name for a change that keeps it."""
        status = change.get("status")
        said = t(f"formsmap.status.{status}", self.lang) if status in TOUCHPOINT_STATUSES else ""
        name = change.get("name") or id_names(self.data).get(str(change.get("id")), "")
        return f"{said}: {name}" if said else str(name)

    def checks(self) -> Problems:
        """Each action's emotion is a number in halves on the project's scale; a new touchpoint has a name."""
        top = self.data.get("emotion_scale") or 2
        out = []
        for j, journey in enumerate(self.data.get("journeys") or []):
            for k, change in enumerate(journey.get("touchpoint_changes") or []):
                if change.get("status") == "new" and not str(change.get("name") or "").strip():
                    path = f"journeys[{j}].touchpoint_changes[{k}].name"
                    out.append(said_at(path, "formsmap.error.new_needs_name"))
            for stage, cell in (journey.get("stages") or {}).items():
                path = f"journeys[{j}].stages.{stage}.actions"
                for n, action in enumerate((cell or {}).get("actions") or [], start=1):
                    key = _emotion_problem(action.get("emotion"), top)
                    if key:
                        got = action.get("emotion")
                        out.append(
                            said_at(path, key, line=n, text=action.get("text"), got=got, top=top)
                        )
        return out

    def opening_status(self) -> list[str]:
        return [t("learner.cells.from_stage", self.lang, n=self.placed)] if self.placed else []


def _emotion_problem(score: Any, top: int) -> str | None:
    """What is wrong with an action's emotion as a catalogue key, or None when it is usable."""
    if score is None:
        return None
    if not isinstance(score, (int, float)) or isinstance(score, bool):
        return "formsmap.error.action_number"
    if (2 * score) % 1:
        return "formsmap.error.action_halves"
    if abs(score) > top:
        return "formsmap.error.action_scale"
    return None


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
