"""The report's personas measured by the survey: computed beside typed, and the segments clustering finds.

The numbers come from :func:`~cjm_helpers.overlay.segments.persona_scores` (computed
once with the rest of the data overlay); this module only draws them.
"""

from __future__ import annotations

__all__ = ["found_segments_html", "persona_scores_html"]

from typing import Any

from ..i18n import t
from ..model import Project
from .page import esc, frame_html, note


def persona_scores_html(scores: Any, project: Project, lang: str) -> str:
    """How the survey measures each persona (share, value, satisfaction) beside the typed values.

    ``scores`` is the frame of ``persona_scores`` or None (no survey: nothing is shown).
    Each disagreement between typed and computed values is written out as a warning.
    """
    from ..overlay.decision_views import persona_scores_table
    from ..overlay.segments import persona_score_warnings

    if scores is None or not len(scores):
        return ""
    warnings = persona_score_warnings(scores, project.currency, lang)
    notes = warnings or [t("decisions.persona.all_agree", lang)]
    return (
        f'<div class="cjm-persona-scores"><h3>{esc(t("reportdata.persona.title", lang))}</h3>'
        f"<p>{esc(t('reportdata.persona.how', lang))}</p>"
        f"{frame_html(persona_scores_table(scores, project.currency, lang), lang)}"
        + "".join(note(line) for line in notes)
        + "</div>"
    )


def found_segments_html(profiles: Any, lang: str) -> str:
    """The segments clustering finds in the answers, one profile each, a learner can turn into a persona.

    ``profiles`` is the frame of ``find_segments`` or None (no survey: nothing is shown).
    """
    from ..overlay.decision_views import cluster_table

    if profiles is None or not len(profiles):
        return ""
    return (
        f'<div class="cjm-found-segments"><h3>{esc(t("reportdata.clusters.title", lang))}</h3>'
        f"<p>{esc(t('reportdata.clusters.how', lang))}</p>"
        f"{frame_html(cluster_table(profiles, lang), lang)}</div>"
    )
