"""The map as a Mermaid ``journey`` diagram, for wikis and Markdown that render Mermaid.

Mermaid's journey grammar is strict: a task is ``name: score: actors`` on one
line, names may not hold ``:``, ``;`` or ``#``, ``%%`` starts a comment, and a
line that begins with a keyword (``title``, ``section``, ...) is read as that
keyword, and a task that begins with ``%`` is dropped. :func:`mermaid_text` rewrites user text so none of that can happen.
Scores run 1-5, so the map's -2..+2 emotion becomes 1..5.
"""

from __future__ import annotations

__all__ = [
    "KEYWORD_START",
    "MAX_TASK_CHARS",
    "NEUTRAL_SCORE",
    "actor_name",
    "emotion_score",
    "journey_mermaid",
    "mermaid_text",
]

import re

from ..model import Project
from .layout import build_layout

KEYWORD_START = re.compile(r"^(%|journey|title\s|section\s|acctitle|accdescr)", re.IGNORECASE)
"""Starts that Mermaid reads as a keyword or a comment rather than as text."""
MAX_TASK_CHARS = 90
NEUTRAL_SCORE = 3


def mermaid_text(text: str, limit: int = MAX_TASK_CHARS) -> str:
    """User text made safe for one Mermaid journey line (never empty)."""
    out = " ".join(str(text).split())
    out = re.sub("%+", "%", out)  # any run, so "%%%" cannot leave a "%%" comment behind
    for bad, good in (
        (":", " -"),
        (";", ","),
        ("#", "no."),
        ("<", "‹"),
        (">", "›"),
        ("{", "("),
        ("}", ")"),
    ):
        out = out.replace(bad, good)
    out = " ".join(out.split())
    if len(out) > limit:
        out = out[: limit - 1].rstrip() + "…"
    if KEYWORD_START.match(out) or out.lower() == "journey":
        out = f"“{out}”"
    return out or "…"


def actor_name(text: str) -> str:
    """A short actor name: the persona's name up to its first comma ('Rina, the commuter' -> 'Rina')."""
    short = " ".join(str(text).split(",")[0].split())
    return mermaid_text(short.replace(";", " "), 40).replace(",", " ")


def emotion_score(score: float | None, scale: int = 2) -> int:
    """-2..+2 (or -3..+3, in halves) to Mermaid's whole 1..5; an unrecorded emotion is drawn neutral."""
    if score is None:
        return NEUTRAL_SCORE
    return max(1, min(5, round(score * 2 / scale) + 3))


def journey_mermaid(project: Project, journey_id: str | None = None, lang: str = "en") -> str:
    """A Mermaid journey diagram: one section per stage, the customer's actions as tasks.

    A stage without actions lists its touchpoints instead, so no section is empty.
    """
    layout = build_layout(project, journey_id, lang)
    journey = project.journey(layout.journey_id)
    names = {tp.id: tp.name for tp in project.touchpoints}
    actor = actor_name(layout.persona_name)
    lines = ["journey", f"    title {mermaid_text(layout.journey_name, 120)}"]
    for stage, point in zip(layout.stages, layout.emotions):
        lines.append(f"    section {mermaid_text(stage.name, 60)}")
        cell = journey.cell(stage.id)
        tasks = [note.text for note in cell.actions] or [names.get(x, x) for x in cell.touchpoints]
        score = emotion_score(point.score, layout.emotion_scale)
        for task in tasks:
            lines.append(f"      {mermaid_text(task)}: {score}: {actor}")
    return "\n".join(lines) + "\n"
