"""Step 8: opportunities and their priority, actions, KPI targets and the next review."""

from __future__ import annotations

__all__ = ["ChangesForm"]

from typing import Any

from ..i18n import t
from ..model import KPI, Action, Opportunity
from . import choices as c
from .base import StepForm
from .fields import FieldSpec as F


class ChangesForm(StepForm):
    """Turn pain points into prioritised opportunities, actions with owners, and KPI targets."""

    number = 8

    def build(self) -> None:
        lang = self.lang
        self.add_list(
            "opportunities",
            [
                F("id"),
                F("title"),
                F("description", "textarea"),
                F("pain_points", "refs", c.pain_points),
                F("impact", "choice", c.scores(), optional=False),
                F("effort", "choice", c.scores(), optional=False),
                F("reach", "int"),
                F("confidence", "float"),
                F("owner", "suggest", c.team_names),
                F("status", "choice", c.statuses(lang), optional=False),
                F("due", "date"),
                F("kpis", "refs", c.named("kpis")),
                F("evidence", "choice", c.evidence(lang), optional=False),
            ],
            "forms.section.opportunities",
            lambda o: str(o.get("title", "")),
            lambda: Opportunity(
                id=self.unique_id("opp", "opportunities"), title=t("forms.new.opportunity", lang)
            ).model_dump(mode="json"),
        )
        self.add_list(
            "actions",
            [
                F("id"),
                F("opportunity", "choice", c.items("opportunities", "title"), optional=False),
                F("title"),
                F("owner", "suggest", c.team_names),
                F("status", "choice", c.statuses(lang), optional=False),
                F("due", "date"),
            ],
            "forms.section.actions",
            lambda a: str(a.get("title", "")),
            self._new_action,
        )
        self.add_list(
            "kpis",
            [
                F("id"),
                F("name"),
                F("definition", "textarea"),
                F("stage", "choice", c.items("stages")),
                F("touchpoint", "choice", c.items("touchpoints")),
                F("unit"),
                F("baseline", "float"),
                F("current", "float"),
                F("target", "float"),
                F("source", "suggest", c.values_of("objectives.data_sources", "name")),
                F("evidence", "choice", c.evidence(lang), optional=False),
            ],
            "forms.section.kpis",
            lambda k: str(k.get("name", "")),
            lambda: KPI(id=self.unique_id("kpi", "kpis"), name=t("forms.new.kpi", lang)).model_dump(
                mode="json"
            ),
        )
        self.add_group(
            "objectives",
            c.review_fields(lang),
            "forms.section.review",
        )

    def _new_action(self) -> dict[str, Any]:
        opportunities = self.ids("opportunities") or ["opportunity"]
        return Action(
            id=self.unique_id("act", "actions"),
            opportunity=opportunities[0],
            title=t("forms.new.action", self.lang),
        ).model_dump(mode="json")
