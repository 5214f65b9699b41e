"""A day in the life to scale: how wide each time-of-day column is drawn.

Both the figure and the HTML map read their column widths from here, so a stage at
07:00 followed by one at 08:00 is narrow in both, and both keep the same minimum.
"""

from __future__ import annotations

__all__ = ["TIMELINE_MIN_SHARE", "clock_minutes", "timeline_shares"]

from collections.abc import Sequence

TIMELINE_MIN_SHARE = 0.8
"""The narrowest a timeline column gets, as a share of an average column, so its cards stay
readable, also on a printed page, which cannot scroll."""
_DAY = 24 * 60


def clock_minutes(clock: str) -> int | None:
    """Minutes since midnight of an ``HH:MM`` time of day; None when the stage has no time."""
    hours, _, minutes = clock.partition(":")
    if not (hours.isdigit() and minutes.isdigit()):
        return None
    return int(hours) * 60 + int(minutes)


def _durations(clocks: Sequence[str]) -> list[int] | None:
    """Minutes each stage lasts: until the next stage's time, the last one until midnight.

    A time earlier than the one before it is read as the next day (a night shift); a
    last stage that starts after midnight lasts as long as the others on average.
    None when a stage has no time, as a day cannot be measured then.
    """
    starts: list[int] = []
    for clock in clocks:
        minute = clock_minutes(clock)
        if minute is None:
            return None
        while starts and minute < starts[-1]:
            minute += _DAY
        starts.append(minute)
    if not starts:
        return []
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    last = _DAY - starts[-1] if starts[-1] < _DAY else sum(gaps) // len(gaps)
    return gaps + [last]


def timeline_shares(clocks: Sequence[str], minimum: float = TIMELINE_MIN_SHARE) -> list[float]:
    """Each stage's column width as a share of an average column (the shares add up to the count).

    Widths follow the hours between the stages' times, so 07:00, 08:00, 12:30 and 19:00
    are not drawn equally wide; a column never gets narrower than ``minimum`` and the
    others share what is left in proportion to their hours. Equal shares when a stage
    has no time.
    """
    durations = _durations(clocks)
    n = len(clocks)
    if not durations or sum(durations) <= 0:
        return [1.0] * n
    shares: list[float | None] = [None] * n
    budget = float(n)
    while True:
        free = [i for i in range(n) if shares[i] is None]
        span = sum(durations[i] for i in free)
        narrow = [i for i in free if span <= 0 or durations[i] / span * budget < minimum]
        if not narrow or len(narrow) == len(free):
            break
        for i in narrow:
            shares[i] = minimum
            budget -= minimum
    for i in free:
        shares[i] = durations[i] / span * budget if span > 0 else budget / len(free)
    return [max(share or 0.0, minimum) for share in shares]
