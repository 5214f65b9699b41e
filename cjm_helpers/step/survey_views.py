"""What a step shows from the survey: segments and clusters, persona scores, stage scores, feelings."""

from __future__ import annotations

from typing import Any

from .. import overlay
from ..i18n import t
from ..overlay import decision_views, plots
from ..overlay.segments import (
    find_segments,
    persona_from_cluster,
    persona_score_warnings,
    persona_scores,
)
from ..views import persona_cards_html
from .base import StepBase
from .common import note_html
from .display import as_html, table_with_notes

__all__ = ["SurveyViews"]


class SurveyViews(StepBase):
    """Analyses of the survey answers, each computed once (again after the project or the file changed)."""

    def survey_segments(self) -> Any:
        """Survey respondents by segment: sizes, and goals and pains by segment."""
        return self._data("survey", "survey_segments", lambda: overlay.survey_segments(self.survey))

    def segment_profiles(self) -> Any:
        return self._data(
            "survey", "segment_profiles", lambda: overlay.segment_profiles(self.survey)
        )

    def plot_segments(self) -> Any:
        return self._plot("survey_segments", plots.plot_segments)

    def persona_scores(self) -> Any:
        """Share of customers and value computed from the survey beside the typed ones, with warnings."""
        scores = self._data(
            "survey", "persona_scores", lambda: persona_scores(self.survey, self.project)
        )
        if not hasattr(scores, "itertuples"):
            return scores
        currency = self.project.currency
        warnings = persona_score_warnings(scores, currency, self.language)
        notes = [note_html(line, "warn") for line in warnings] or [
            note_html(t("decisions.persona.all_agree", self.language), "ok")
        ]
        return table_with_notes(
            decision_views.persona_scores_table(scores, currency, self.language), notes
        )

    def _clusters(self, k: int | None, seed: int) -> Any:
        return self._data(
            "survey", f"clusters_{k}_{seed}", lambda: find_segments(self.survey, k, seed)
        )

    def found_segments(self, k: int | None = None, seed: int = 0) -> Any:
        """Segments found in the survey answers by clustering, one profile per cluster."""
        return self._shown(
            self._clusters(k, seed),
            lambda found: decision_views.cluster_table(found, self.language),
        )

    def persona_from_cluster(
        self,
        cluster: int,
        persona_id: str = "",
        name: str = "",
        k: int | None = None,
        seed: int = 0,
    ) -> Any:
        """A persona draft from one found cluster, shown as a card (nothing is saved)."""
        found = self._clusters(k, seed)
        if not hasattr(found, "columns"):
            return found
        draft = persona_from_cluster(
            found,
            cluster,
            persona_id or f"cluster-{cluster}",
            name or t("decisions.cluster.draft_name", self.language, n=cluster),
            self.language,
        )
        preview = self.reload().model_copy(update={"personas": [draft]})
        return as_html(persona_cards_html(preview, self.language))

    def stage_scores(self) -> Any:
        """NPS, CSAT and CES per stage from the survey."""
        found = self._data(
            "survey",
            "stage_scores",
            lambda: overlay.score_summary(self._survey_for_project(), by="stage"),
        )
        return self._shown(
            found,
            lambda found: decision_views.stage_scores_table(found, self.project, self.language),
        )

    def emotion_curve(self, journey_id: str | None = None) -> Any:
        """Feeling per stage from the survey, against the one stated on the map."""
        return self._data(
            "survey",
            f"emotion_curve_{journey_id}",
            lambda: overlay.emotion_curve(self.survey, self.project, journey_id=journey_id),
        )

    def plot_emotion_curve(self, journey_id: str | None = None) -> Any:
        return self._plot("emotion_curve", plots.plot_emotion_curve, journey_id)
