"""Properties of the event analytics on random logs (hypothesis)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjm_helpers.overlay import attribution, funnel, load_events, transitions

EVENTS = ["view", "menu", "cart", "checkout_start", "payment_success"]

rows = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c", "d", "e"]),
        st.integers(0, 40),
        st.sampled_from(EVENTS),
        st.sampled_from(["app", "web", "outlet"]),
    ),
    min_size=1,
    max_size=60,
)


def as_log(drawn: list[tuple[str, int, str, str]]):  # type: ignore[no-untyped-def]
    frame = pd.DataFrame(
        [(u, f"2026-01-01 08:{m:02d}:00", e, c) for u, m, e, c in drawn],
        columns=["user_id", "timestamp", "event", "channel"],
    )
    frame["touchpoint"] = frame["event"].where(frame["event"] != "payment_success")
    return load_events(frame, conversion_events=["payment_success"])


FAST = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(rows)
def test_closed_funnel_never_increases_and_stays_below_open(drawn) -> None:  # type: ignore[no-untyped-def]
    result = funnel(as_log(drawn), steps=EVENTS)
    closed = result["users_closed"].tolist()
    assert all(later <= earlier for earlier, later in zip(closed, closed[1:]))
    assert (result["users_closed"] <= result["users_open"]).all()


@FAST
@given(rows)
def test_transition_counts_sum_to_events_minus_users(drawn) -> None:  # type: ignore[no-untyped-def]
    result = transitions(as_log(drawn))
    users = len({u for u, *_ in drawn})
    assert int(result["events"].sum()) == len(drawn) - users


@FAST
@given(rows)
def test_attribution_shares_sum_to_one(drawn) -> None:  # type: ignore[no-untyped-def]
    for by in ("touchpoint", "channel"):
        result = attribution(as_log(drawn), by=by)
        for model in ("first_touch", "last_touch", "markov_removal"):
            total = float(result[model].sum()) if len(result) else 0.0
            # shares sum to one, or to zero when no converting customer had anything to credit
            assert total == pytest.approx(1.0) or total == 0.0
        if len(result) and (result["conversions_last"] > 0).any():
            assert float(result["last_touch"].sum()) == pytest.approx(1.0)
