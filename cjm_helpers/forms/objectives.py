"""Step 1: the objective card (why the map exists, how success is measured), the team and stakeholders."""

from __future__ import annotations

__all__ = ["ObjectivesForm"]

from ..i18n import t
from ..model import (
    DATA_SOURCE_KINDS,
    GOAL_TYPES,
    DataSource,
    Stakeholder,
    TeamMember,
)
from . import choices as c
from .base import StepForm
from .datafiles import DATA_FILES, data_file_problems
from .fields import FieldSpec as F
from .problems import Problems


class ObjectivesForm(StepForm):
    """Business question, goal, scope, metrics, review, the team, stakeholders and data sources."""

    number = 1

    def build(self) -> None:
        lang = self.lang
        self.add_group(
            "",
            [
                F("name", label="learner.field.project_name", help="learner.help.project_name"),
                F(
                    "language",
                    "choice",
                    c.languages(),
                    optional=False,
                    label="learner.field.language",
                    help="learner.help.language",
                ),
                F(
                    "currency",
                    "suggest",
                    c.currencies,
                    label="learner.field.currency",
                    help="learner.help.currency",
                ),
            ],
            "learner.section.project",
        )
        self.add_group(
            "objectives",
            [
                F("business_question", "textarea"),
                c.one_of("goal_type", GOAL_TYPES, "views.goal_type", lang),
                F("scope", "textarea"),
                F("experience", "textarea"),
                F("success_metrics", "lines"),
                *c.review_fields(lang),
            ],
            "forms.section.objective",
        )
        self.add_list(
            "objectives.team",
            [
                F("name"),
                F("role"),
                F("department", "suggest", c.departments),
            ],
            "forms.section.team",
            lambda m: str(m.get("name", "")),
            lambda: TeamMember(name=t("forms.new.member", lang)).model_dump(mode="json"),
        )
        self.add_list(
            "objectives.stakeholders",
            [
                F("name", label="stakeholders.col.name"),
                F("role", label="stakeholders.col.role"),
                F("department", "suggest", c.departments, label="stakeholders.col.department"),
                F(
                    "influence",
                    "choice",
                    c.scores(),
                    label="stakeholders.axis.influence",
                    optional=False,
                ),
                F(
                    "interest",
                    "choice",
                    c.scores(),
                    label="stakeholders.axis.interest",
                    optional=False,
                ),
                F("concerns", "textarea", label="stakeholders.col.concerns"),
            ],
            "stakeholders.title",
            lambda s: str(s.get("name", "")),
            lambda: Stakeholder(name=t("stakeholders.new.stakeholder", lang)).model_dump(
                mode="json"
            ),
        )
        self.add_list(
            "objectives.data_sources",
            [
                c.one_of("kind", DATA_SOURCE_KINDS, "views.source_kind", lang),
                F("name"),
                F("description", "textarea"),
            ],
            "forms.section.sources",
            lambda s: str(s.get("name", "")),
            lambda: DataSource(kind="new", name=t("forms.new.source", lang)).model_dump(
                mode="json"
            ),
        )
        self.add_group(
            "data",
            [
                F(kind, "file", label=f"learner.field.{kind}", help="learner.help.data_file")
                for kind in DATA_FILES
            ],
            "learner.section.data",
        )

    def checks(self) -> Problems:
        """Each data file named in this form exists and is a table the notebooks can read."""
        return data_file_problems(self.data, self.store.path.parent, self.store.loaded(), self.lang)
