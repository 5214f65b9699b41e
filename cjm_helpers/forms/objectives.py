"""Step 1: the objective card (why the map exists, how success is measured) and the team."""

from __future__ import annotations

from pathlib import Path

from ..errors import CJMError, Problem
from ..files import check_table_file
from ..i18n import LANGUAGES, Message, t
from ..model import DATA_SOURCE_KINDS, GOAL_TYPES, REVIEW_CADENCES, DataSource, TeamMember
from . import choices as c
from .base import StepForm
from .fields import FieldSpec as F

DATA_FILES = ("events", "survey", "tickets")
"""The data files a project can name in its ``data:`` section, as the notebooks read them."""


def resolve_data_file(typed: str, folder: Path) -> Path | None:
    """The file a learner typed: a full path, or one relative to the project folder; None if absent."""
    path = Path(typed).expanduser()
    found = path if path.is_absolute() else folder / path
    return found.resolve() if found.is_file() else None


def stored_path(found: Path, folder: Path) -> str:
    """How the project file names a data file: relative to its folder when inside it, else in full."""
    try:
        return found.relative_to(folder.resolve()).as_posix()
    except ValueError:
        return str(found)


class ObjectivesForm(StepForm):
    """Business question, goal, scope, metrics, review, the team and the data sources."""

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
                    c.fixed(LANGUAGES, "learner.language", lang),
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
                F(
                    "goal_type",
                    "choice",
                    c.fixed(GOAL_TYPES, "views.goal_type", lang),
                    optional=False,
                ),
                F("scope", "textarea"),
                F("experience", "textarea"),
                F("success_metrics", "lines"),
                F(
                    "review_cadence",
                    "choice",
                    c.fixed(REVIEW_CADENCES, "views.cadence", lang),
                    optional=False,
                ),
                F("next_review", "date"),
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
            "objectives.data_sources",
            [
                F(
                    "kind",
                    "choice",
                    c.fixed(DATA_SOURCE_KINDS, "views.source_kind", lang),
                    optional=False,
                ),
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

    def checks(self) -> list[Problem]:
        """Each data file named here exists and is a table the notebooks can read."""
        folder = self.store.path.parent
        data = self.data.get("data") or {}
        loaded = self.store.loaded()
        out = []
        for kind in DATA_FILES:
            typed = str(data.get(kind) or "").strip()
            if not typed or (loaded is not None and getattr(loaded.data, kind) == typed):
                continue  # only a file named in this form is checked (the sample's live elsewhere)
            found = resolve_data_file(typed, folder)
            if found is None:
                said = Message("learner.data.missing", {"path": typed, "folder": str(folder)})
                out.append(Problem(f"data.{kind}", said.text("en"), said))
                continue
            try:
                check_table_file(found, self.lang)
            except CJMError as exc:
                said = Message("learner.data.not_a_table", {"reason": str(exc)})
                out.append(Problem(f"data.{kind}", str(exc), said))
                continue
            data[kind] = stored_path(found, folder)
        return out
