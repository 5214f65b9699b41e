"""Step 2: persona profiles, with demographics, goals, channels, jobs to be done and empathy map."""

from __future__ import annotations

__all__ = ["PERSONA_FIELDS", "PersonasForm"]

from ..i18n import t
from ..model import Persona
from . import choices as c
from .base import StepForm
from .fields import FieldSpec as F

PERSONA_FIELDS = [
    F("id"),
    F("name"),
    F("quote"),
    F("demographics.age_band"),
    F("demographics.income_band"),
    F("demographics.family_status"),
    F("demographics.location"),
    F("demographics.occupation"),
    F("goals", "lines"),
    F("needs", "lines"),
    F("pains", "lines"),
    F("preferred_channels", "lines"),
    F("hears_about_products_via", "lines"),
    F("searches_in", "lines"),
    F("content_formats", "lines"),
    F("jobs_to_be_done", "lines"),
    F("empathy_map.says", "lines"),
    F("empathy_map.thinks", "lines"),
    F("empathy_map.does", "lines"),
    F("empathy_map.feels", "lines"),
    F("share_of_customers", "float"),
    F("value", "float"),
]


class PersonasForm(StepForm):
    """Every persona, one at a time: add, edit, remove."""

    number = 2

    def build(self) -> None:
        lang = self.lang
        self.add_list(
            "personas",
            [*PERSONA_FIELDS, F("evidence", "choice", c.evidence(lang), optional=False)],
            "forms.section.personas",
            lambda p: str(p.get("name", "")),
            lambda: Persona(
                id=self.unique_id("persona", "personas"), name=t("forms.new.persona", lang)
            ).model_dump(mode="json"),
        )
