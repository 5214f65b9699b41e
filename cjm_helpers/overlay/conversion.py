"""Attribution read for a decision: which conversion, which touchpoints every buyer passes.

* The conversion is configurable: ``conversion_events`` (default: the log's) and
  ``occurrence`` (1 = the first such event; 2 = a second order, the question "what
  brings customers back").
* A touchpoint is **must-pass** when at least :data:`MUST_PASS_SHARE` of converting
  customers passed it before converting (cart, checkout): its credit says it lies on
  the way, not that it persuades.
* A **conversion touchpoint** is one whose events include a conversion event (the
  checkout that takes the payment). It is left out of last touch, whose credit goes
  to the touch before it; otherwise it would take nearly all of it by construction.
"""

from __future__ import annotations

__all__ = [
    "MUST_PASS_SHARE",
    "attribution_notes",
    "conversion_touchpoints",
    "decision_attribution",
]

from collections.abc import Sequence
from typing import Any, Literal

import pandas as pd

from ..i18n import format_percent, t
from .attribution import attribution, converter_reach

MUST_PASS_SHARE = 0.95
"""Share of converting customers passing a touchpoint from which it counts as must-pass."""


def conversion_touchpoints(project: Any, conversion_events: Sequence[str]) -> list[str]:
    """Ids of the project's touchpoints whose events include a conversion event."""
    wanted = {str(e) for e in conversion_events}
    if project is None:
        return []
    return [tp.id for tp in project.touchpoints if wanted & set(tp.events)]


def decision_attribution(
    log: Any,
    by: Literal["touchpoint", "channel"] = "touchpoint",
    conversion_events: Sequence[str] | None = None,
    occurrence: int = 1,
    must_pass_share: float = MUST_PASS_SHARE,
) -> pd.DataFrame:
    """:func:`~.attribution.attribution` with the conversion chosen, must-pass touchpoints flagged.

    Adds columns reach (share of converting customers who passed the key), must_pass
    and excluded_from_last. ``attrs`` carries conversion_events, occurrence and
    converters (how many customers converted).
    """
    events = list(
        conversion_events
        if conversion_events is not None
        else getattr(log, "conversion_events", ()) or ()
    )
    project = getattr(log, "project", None)
    excluded = conversion_touchpoints(project, events) if by == "touchpoint" else []
    frame = attribution(
        log, by, conversion_events=events, occurrence=occurrence, exclude_from_last=excluded
    )
    reach, converters = converter_reach(log, by, events, occurrence)
    passed = reach.set_index("key")["users"].reindex(frame["key"]).fillna(0).to_numpy()
    frame["reach"] = passed / converters if converters else 0.0
    frame["must_pass"] = frame["reach"] >= must_pass_share - 1e-12
    frame["excluded_from_last"] = frame["key"].isin(excluded)
    frame.attrs.update(
        conversion_events=events,
        occurrence=int(occurrence),
        converters=int(converters),
        must_pass_share=float(must_pass_share),
    )
    return frame


def attribution_notes(frame: pd.DataFrame, lang: str = "en") -> list[str]:
    """The sentences that go with the table: what converting means, what is flagged and why."""
    events = ", ".join(frame.attrs.get("conversion_events", [])) or "—"
    occurrence = int(frame.attrs.get("occurrence", 1))
    lines = [
        t(
            "decisions.attribution.conversion_first"
            if occurrence == 1
            else "decisions.attribution.conversion_nth",
            lang,
            events=events,
            n=occurrence,
            converters=int(frame.attrs.get("converters", 0)),
        )
    ]
    if not int(frame.attrs.get("converters", 0)):
        lines.append(t("decisions.attribution.none", lang, events=events))
    excluded = frame[frame["excluded_from_last"]]
    if len(excluded):
        lines.append(
            t(
                "decisions.attribution.excluded",
                lang,
                names=", ".join(excluded["label"]),
            )
        )
    must = frame[frame["must_pass"]]
    if len(must):
        lines.append(
            t(
                "decisions.attribution.must_pass",
                lang,
                names=", ".join(must["label"]),
                share=format_percent(
                    float(frame.attrs.get("must_pass_share", MUST_PASS_SHARE)), lang, 0
                ),
            )
        )
    return lines
