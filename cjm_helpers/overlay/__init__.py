"""The data overlay: journey analytics on event logs, surveys and support tickets.

Event analytics are written once with Ibis (DuckDB by default, the same code on
PySpark or a warehouse); only aggregates come back as small pandas DataFrames,
each ready to plot with :mod:`cjm_helpers.overlay.plots`.
"""

from typing import TYPE_CHECKING

from ..lazy_exports import exports_on_use
from .attribution import attribution
from .events import GA4_COLUMNS, EventLog, load_events
from .funnel import funnel
from .gaps import gaps, switch_points
from .kpis import kpis
from .paths import time_between_stages, top_paths, transitions

if TYPE_CHECKING:
    from .feedback_samples import generate_survey, generate_tickets
    from .generate import generate_events
    from .survey import (
        emotion_curve,
        load_survey,
        score_summary,
        segment_profiles,
        survey_segments,
    )
    from .themes import ThemeResult, find_themes, project_themes
    from .tickets import load_tickets, ticket_counts, ticket_quotes

__all__ = [
    "GA4_COLUMNS",
    "EventLog",
    "ThemeResult",
    "attribution",
    "emotion_curve",
    "find_themes",
    "funnel",
    "gaps",
    "generate_events",
    "generate_survey",
    "generate_tickets",
    "kpis",
    "load_events",
    "load_survey",
    "load_tickets",
    "project_themes",
    "score_summary",
    "segment_profiles",
    "survey_segments",
    "switch_points",
    "ticket_counts",
    "ticket_quotes",
    "time_between_stages",
    "top_paths",
    "transitions",
]

_IMPORTED_WHEN_USED = {
    **dict.fromkeys(("generate_survey", "generate_tickets"), "feedback_samples"),
    "generate_events": "generate",
    **dict.fromkeys(
        ("emotion_curve", "load_survey", "score_summary", "segment_profiles", "survey_segments"),
        "survey",
    ),
    **dict.fromkeys(("ThemeResult", "find_themes", "project_themes"), "themes"),
    **dict.fromkeys(("load_tickets", "ticket_counts", "ticket_quotes"), "tickets"),
}
"""The survey, ticket and sample-data names, by their module: imported when first asked for, so an
overlay of an event log starts without them."""

__getattr__ = exports_on_use(__name__, _IMPORTED_WHEN_USED)
