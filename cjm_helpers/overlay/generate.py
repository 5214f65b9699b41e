"""A seeded generator of realistic event logs for a project, for samples, tests and benchmarks.

Users enter at the first stage and move stage by stage; each stage shows one or more
of its touchpoints' events in inventory order, and at every step some users leave
(more of them right after a change of device or channel: the gaps the overlay looks
for). A few events belong to no touchpoint, as in real logs, and a few share a
timestamp. The same seed gives the same log.
"""

from __future__ import annotations

__all__ = [
    "EVENT_COLUMNS",
    "SESSION_GAP",
    "SKIP_FIRST",
    "STAGE_CONTINUE",
    "STEP_CONTINUE",
    "SWITCH_PENALTY",
    "UNLISTED_EVENTS",
    "WEB_SWITCH",
    "generate_events",
    "write_events",
]

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from .. import i18n
from ..errors import DataError
from ..model import Project
from .events import looks_like_conversion

EVENT_COLUMNS: tuple[str, ...] = (
    "user_id",
    "session_id",
    "timestamp",
    "event",
    "channel",
    "device",
)
STAGE_CONTINUE: tuple[float, ...] = (0.78, 0.62, 0.58, 0.42, 0.3)
"""Chance of moving on from the n-th stage to the next one (the last value repeats)."""
STEP_CONTINUE = 0.88
"""Chance of going on to the next event inside a stage (the rest abandon there)."""
SWITCH_PENALTY = 0.2
"""Extra chance of leaving right after a change of device or channel."""
UNLISTED_EVENTS: tuple[tuple[str, str, str], ...] = (
    ("app_open", "Mobile app", "Mobile"),
    ("store_locator_search", "Website", "Desktop"),
    ("promo_code_error", "Mobile app", "Mobile"),
)
"""Events no touchpoint lists: the overlay reports them as touchpoints the inventory lacks."""
WEB_SWITCH = 0.18
"""Share of users who look at the second stage on the website from a laptop."""
SESSION_GAP = dt.timedelta(minutes=30)
SKIP_FIRST = 0.15
"""Share of users whose first stage leaves no event (a friend's tip, a poster)."""


def _stage_events(project: Project) -> list[list[tuple[str, str, str]]]:
    """Per stage, the (event, channel, device) of its touchpoints in inventory order."""
    out = []
    for stage in project.stages:
        events = [
            (e, tp.channel or "Other", tp.device or "Mobile")
            for tp in project.touchpoints
            if tp.stage == stage.id
            for e in tp.events
        ]
        out.append(events)
    if not any(out):
        raise DataError(i18n.t("errors.overlay.nothing_to_generate", project=repr(project.name)))
    return out


def _user_events(
    rng: np.random.Generator, stages: list[list[tuple[str, str, str]]], start: dt.datetime
) -> Iterator[tuple[dt.datetime, str, str, str]]:
    """One user's events: (time, event, channel, device)."""
    when = start
    previous: tuple[str, str] | None = None
    web = rng.random() < WEB_SWITCH
    for index, events in enumerate(stages):
        if not events:
            continue
        if index > 0:
            when += dt.timedelta(hours=float(rng.gamma(1.5, 10.0 if index < 3 else 60.0)))
        if index == 0 and rng.random() < SKIP_FIRST:
            continue  # heard of it by word of mouth: no event before the second stage
        if not any(
            looks_like_conversion(e) for e, _, _ in events
        ):  # browse a few, in inventory order
            most = 1 if index == 0 else min(3, len(events))
            chosen = sorted(
                rng.choice(len(events), size=int(rng.integers(1, most + 1)), replace=False)
            )
            events = [events[i] for i in chosen]
        for step, (event, channel, device) in enumerate(events):
            if index == 1 and web and step == 0:
                channel, device = "Website", "Desktop"
            switched = previous is not None and previous != (channel, device)
            if step and rng.random() > STEP_CONTINUE - (SWITCH_PENALTY if switched else 0.0):
                return
            tie = rng.random() < 0.03
            when += dt.timedelta(seconds=0 if tie else float(rng.gamma(2.0, 45.0)))
            yield when, event, channel, device
            previous = (channel, device)
            if rng.random() < 0.04:
                extra = UNLISTED_EVENTS[int(rng.integers(len(UNLISTED_EVENTS)))]
                when += dt.timedelta(seconds=float(rng.gamma(2.0, 20.0)))
                yield when, *extra
        go_on = STAGE_CONTINUE[min(index, len(STAGE_CONTINUE) - 1)]
        if rng.random() > go_on - (SWITCH_PENALTY / 2 if web and index == 1 else 0.0):
            return


def generate_events(
    project: Project,
    users: int = 2000,
    seed: int = 0,
    start: dt.date = dt.date(2026, 9, 1),
    days: int = 60,
) -> pd.DataFrame:
    """An event log of ``users`` customers following the project's stages and touchpoints.

    Columns: user_id, session_id, timestamp (text, UTC), event, channel, device.
    """
    if users < 1:
        raise DataError(i18n.t("errors.overlay.users", users=users))
    rng = np.random.default_rng(seed)
    stages = _stage_events(project)
    origin = dt.datetime.combine(start, dt.time())
    rows: list[tuple[str, str, str, str, str, str]] = []
    for n in range(users):
        user = f"u{n:07d}"
        first = origin + dt.timedelta(
            days=int(rng.integers(days)), hours=float(np.clip(rng.normal(9.5, 3.5), 5.5, 22))
        )
        session, last = 0, None
        for when, event, channel, device in _user_events(rng, stages, first):
            if last is not None and when - last > SESSION_GAP:
                session += 1
            last = when
            rows.append(
                (
                    user,
                    f"{user}-s{session}",
                    when.strftime("%Y-%m-%d %H:%M:%S"),
                    event,
                    channel,
                    device,
                )
            )
    return pd.DataFrame(rows, columns=list(EVENT_COLUMNS))


def write_events(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a generated log as CSV or Parquet (by the file's extension), atomically."""
    from ..files import write_bytes

    path = Path(path)
    if path.suffix.lower() in (".parquet", ".pq"):
        import io

        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        data = buffer.getvalue()
    else:
        data = frame.to_csv(index=False).encode("utf-8")
    write_bytes(path, data)
    return path
