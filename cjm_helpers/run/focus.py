"""Narrow a project to one persona or one journey for a batch run, without losing anything.

Nothing is removed (cross-references stay valid): the chosen persona becomes the
primary target persona and its journeys come first, so every step notebook,
which opens the primary persona and the first journey by default, works on it.
"""

from __future__ import annotations

__all__ = ["focus_on_journey", "focus_on_persona", "focus_project"]

from ..errors import CJMError
from ..i18n import t
from ..model import Project, TargetPersona
from .params import FOR_EACH_KINDS


def focus_on_persona(project: Project, persona_id: str) -> Project:
    """The project with ``persona_id`` as the only primary target persona and its journeys first."""
    project.persona(persona_id)  # a clear error for an unknown id
    targets = [
        tp.model_copy(update={"primary": tp.persona == persona_id})
        for tp in project.target_personas
    ]
    if not any(tp.persona == persona_id for tp in targets):
        targets.append(TargetPersona(persona=persona_id, primary=True))
    journeys = sorted(project.journeys, key=lambda j: j.persona != persona_id)
    return project.model_copy(update={"target_personas": targets, "journeys": journeys})


def focus_on_journey(project: Project, journey_id: str) -> Project:
    """The project with ``journey_id`` first (its persona primary), so it is the default journey."""
    journey = project.journey(journey_id)
    focused = focus_on_persona(project, journey.persona)
    journeys = sorted(focused.journeys, key=lambda j: j.id != journey_id)
    return focused.model_copy(update={"journeys": journeys})


def focus_project(project: Project, kind: str, key: str) -> Project:
    """Dispatch on the batch kind; a segment changes the data, not the project."""
    if kind == "persona":
        return focus_on_persona(project, key)
    if kind == "journey":
        return focus_on_journey(project, key)
    if kind == "segment":
        return project
    raise CJMError(t("errors.run.for_each", kind=repr(kind), kinds=", ".join(FOR_EACH_KINDS)))
