"""First-visit and returning customers: who came once, who came back, and how each converts.

A *visit* is a session (a distinct ``session_id``); in a log without sessions, a
distinct calendar day. A customer is **first-visit** with one visit in the log and
**returning** with two or more. Per group: users, share of all users, converted
(users who reached a conversion event), conversion rate and events per user.
Computed with Ibis; two rows come back.
"""

from __future__ import annotations

__all__ = [
    "VISIT_COLUMNS",
    "visit_groups",
]

import math

import pandas as pd

from .events import EventLog

VISIT_COLUMNS: tuple[str, ...] = (
    "group",
    "users",
    "share",
    "converted",
    "conversion_rate",
    "events_per_user",
)


def visit_groups(log: EventLog) -> pd.DataFrame:
    """Rows 'first_visit' and 'returning' with the columns of :data:`VISIT_COLUMNS`."""
    t = log.table
    visit = t.session_id if log.has_sessions else t.ts.date().cast("string")
    conversions = list(log.conversion_events)
    converted = t.event.isin(conversions) if conversions else t.seq < 0
    per_user = t.group_by("user_id").agg(
        visits=visit.nunique(), events=t.count(), converted=converted.cast("int64").max()
    )
    grouped = per_user.group_by(returning=per_user.visits >= 2).agg(
        users=per_user.count(), converted=per_user.converted.sum(), events=per_user.events.sum()
    )
    found = grouped.execute()
    total = int(found["users"].sum()) if len(found) else 0
    rows = []
    for name, flag in (("first_visit", False), ("returning", True)):
        hit = found[found["returning"].astype(bool) == flag]
        users = int(hit["users"].sum()) if len(hit) else 0
        conv = int(hit["converted"].fillna(0).sum()) if len(hit) else 0
        events = int(hit["events"].sum()) if len(hit) else 0
        rows.append(
            {
                "group": name,
                "users": users,
                "share": users / total if total else math.nan,
                "converted": conv,
                "conversion_rate": conv / users if users else math.nan,
                "events_per_user": events / users if users else math.nan,
            }
        )
    return pd.DataFrame(rows, columns=list(VISIT_COLUMNS))
