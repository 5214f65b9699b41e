"""Property-based fuzzing of the event-log, survey and ticket loaders on random CSV text.

Whatever the file holds, a loader either reads it or raises a CJMError (DataError) whose
message names the file; nothing else may escape. Example counts go to
ci-artifacts/fuzz-examples.json beside the project-loader figures.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fuzz_record import record_examples as write_counts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjm_helpers.errors import CJMError
from cjm_helpers.paths import SAMPLE_PROJECT
from cjm_helpers.store import load_project

EXAMPLES: Counter[str] = Counter()
FUZZ = settings(
    deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
PROJECT = load_project(SAMPLE_PROJECT)


@pytest.fixture(scope="module", autouse=True)
def record_examples() -> Any:
    yield
    write_counts(EXAMPLES)


TIMESTAMPS = [
    "2026-10-01 08:00:00",
    "2026-10-01T08:00:00+07:00",
    "2026-10-01T08:00:00Z",
    "1759305600",
    "1759305600123",
    "1759305600123456",
    "yesterday",
    "",
    "2026-13-45 25:61:00",
    "-1",
    "NaN",
    "01/10/2026 08:00",
    "2026-10-01",
    "9999-12-31 23:59:59",
    "0",
]
EVENTS = [
    "app_open",
    "view_menu",
    "add_to_cart",
    "payment_success",
    "order_complete",
    "",
    "=1+1",
    "café",
    "<script>",
    "a,b",
    '"quoted"',
    "\t",
    "x" * 300,
]
USERS = ["u1", "u2", "", "NULL", "0", "ü", "1e5"]
SEPARATORS = [",", ";", "\t", "|"]


def cell(values: list[str]) -> st.SearchStrategy[str]:
    return st.sampled_from(values) | st.text(max_size=12)


@st.composite
def csv_texts(draw: Any, header: list[str], columns: list[st.SearchStrategy[str]]) -> str:
    """A CSV-like text: a (sometimes mangled) header, rows that may be ragged, odd separators."""
    sep = draw(st.sampled_from(SEPARATORS)) if draw(st.booleans()) else ","
    head = draw(st.permutations(header)) if draw(st.booleans()) else header
    head = (
        draw(st.lists(st.sampled_from(header + ["extra", "USER_ID", "ts"]), max_size=6))
        if draw(st.integers(0, 9)) == 0
        else head
    )
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        values = [
            draw(columns[i % len(columns)]) for i in range(len(head) + draw(st.integers(-1, 1)))
        ]
        rows.append(sep.join(values))
    bom = "\ufeff" if draw(st.integers(0, 7)) == 0 else ""
    return bom + sep.join(head) + "\n" + "\n".join(rows) + ("\n" if draw(st.booleans()) else "")


def _load(kind: str, path: Path) -> None:
    if kind == "events":
        from cjm_helpers.overlay.events import load_events

        load_events(path, PROJECT).table.count().execute()
    elif kind == "survey":
        from cjm_helpers.overlay.survey import load_survey

        load_survey(path, PROJECT)
    else:
        from cjm_helpers.overlay.tickets import load_tickets

        load_tickets(path, PROJECT)


def check(kind: str, text: str, tmp_path: Path, encoding: str = "utf-8") -> None:
    path = tmp_path / f"{kind}.csv"
    path.write_bytes(text.encode(encoding, errors="replace"))
    try:
        _load(kind, path)
    except CJMError as exc:
        assert str(path) in str(exc) or path.name in str(exc), str(exc)


@settings(FUZZ, max_examples=250)
@given(
    text=csv_texts(
        ["user_id", "timestamp", "event"], [cell(USERS), cell(TIMESTAMPS), cell(EVENTS)]
    ),
    latin=st.booleans(),
)
def test_event_loader_on_random_csv(text: str, latin: bool, tmp_path: Path) -> None:
    EXAMPLES["events_random_csv"] += 1
    check("events", text, tmp_path, "latin-1" if latin else "utf-8")


@settings(FUZZ, max_examples=60)
@given(text=st.text(max_size=300))
def test_event_loader_on_any_text(text: str, tmp_path: Path) -> None:
    EXAMPLES["events_any_text"] += 1
    check("events", text, tmp_path)


SCORES = ["-2", "-1", "0", "1", "2", "5", "-3", "NaN", "inf", "", "1.5", "x", "10", "-0"]
STAGES = ["awareness", "Purchase", "nowhere", "", "retention", "Awareness "]


@settings(FUZZ, max_examples=150)
@given(
    text=csv_texts(
        ["respondent_id", "stage", "emotion", "nps", "segment", "comment"],
        [cell(USERS), cell(STAGES), cell(SCORES), cell(SCORES), cell(EVENTS), cell(EVENTS)],
    )
)
def test_survey_loader_on_random_csv(text: str, tmp_path: Path) -> None:
    EXAMPLES["survey_random_csv"] += 1
    check("survey", text, tmp_path)


@settings(FUZZ, max_examples=150)
@given(
    text=csv_texts(
        ["timestamp", "channel", "category", "text", "stage"],
        [cell(TIMESTAMPS), cell(EVENTS), cell(EVENTS), cell(EVENTS), cell(STAGES)],
    )
)
def test_ticket_loader_on_random_csv(text: str, tmp_path: Path) -> None:
    EXAMPLES["tickets_random_csv"] += 1
    check("tickets", text, tmp_path)
