"""Step 6: the people, tools, budget and data each touchpoint has or needs, with owners."""

from __future__ import annotations

__all__ = ["ResourcesForm"]

from ..i18n import t
from ..model import RESOURCE_KINDS, RESOURCE_STATUSES, Resource
from . import choices as c
from .base import StepForm
from .fields import FieldSpec as F


class ResourcesForm(StepForm):
    """What is had and what is needed, per touchpoint and department."""

    number = 6

    def build(self) -> None:
        lang = self.lang
        self.add_list(
            "resources",
            [
                F("id"),
                F(
                    "kind",
                    "choice",
                    c.fixed(RESOURCE_KINDS, "views.resource_kind", lang),
                    optional=False,
                ),
                F("description", "textarea"),
                F(
                    "status",
                    "choice",
                    c.fixed(RESOURCE_STATUSES, "views.resource_status", lang),
                    optional=False,
                ),
                F("touchpoint", "choice", c.items("touchpoints")),
                F("department", "suggest", c.departments),
                F("owner", "suggest", c.team_names),
                F("evidence", "choice", c.evidence(lang), optional=False),
            ],
            "forms.section.resources",
            lambda r: str(r.get("description", "")),
            lambda: Resource(
                id=self.unique_id("res", "resources"),
                kind="people",
                description=t("forms.new.resource", lang),
                status="need",
            ).model_dump(mode="json"),
        )
