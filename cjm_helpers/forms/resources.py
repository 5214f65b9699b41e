"""Step 6: the people, tools, budget and data each touchpoint has or needs, with owners; the RACI per action."""

from __future__ import annotations

__all__ = ["ResourcesForm"]

from ..i18n import t
from ..model import RESOURCE_KINDS, RESOURCE_STATUSES, Raci, Resource
from . import choices as c
from .base import StepForm
from .fields import FieldSpec as F


class ResourcesForm(StepForm):
    """What is had and what is needed, per touchpoint and department; who does each action (RACI)."""

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
        self.add_list(
            "raci",
            [
                F(
                    "action",
                    "choice",
                    c.items("actions", "title"),
                    label="stakeholders.col.action",
                    optional=False,
                ),
                F("responsible", "lines", label="stakeholders.raci.responsible"),
                F("accountable", "suggest", c.team_names, label="stakeholders.raci.accountable"),
                F("consulted", "lines", label="stakeholders.raci.consulted"),
                F("informed", "lines", label="stakeholders.raci.informed"),
            ],
            "stakeholders.raci.title",
            lambda r: str(r.get("action", "")),
            self._new_raci,
        )

    def _new_raci(self) -> dict[str, object]:
        """A RACI row for the first action that has none yet (or the first action)."""
        actions = [a.get("id") for a in self.data.get("actions") or [] if isinstance(a, dict)]
        covered = {r.get("action") for r in self.data.get("raci") or [] if isinstance(r, dict)}
        free = [a for a in actions if a and a not in covered] or actions or ["action"]
        return Raci(action=str(free[0])).model_dump(mode="json")
