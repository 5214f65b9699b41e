"""Feedback on the learner's entries: a checklist of what each step still lacks.

``check_project(project, step)`` looks at what a step collected and returns
:class:`Check` rows: passed ones are summed up in one line per rule, failed ones
name the part to fix (a persona with no goals, a stage with no touchpoints, a
pain point no opportunity addresses, ...). :class:`Checklist` shows them as HTML,
Markdown or text, so the feedback appears in live, headless and exported notebooks.
"""

from __future__ import annotations

__all__ = ["CHECKLIST_CSS", "MEASURABLE", "RULES", "Check", "Checklist", "check_project"]

import datetime as dt
import html
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from .i18n import check_language, format_date, format_percent, t
from .model import EVIDENCE_LEVELS, Card, Part, Project

ASSUMED_LIMIT = 0.5
"""The map rests on guesses when more than half of its cards are still 'assumed'."""

MEASURABLE = re.compile(r"\d|%")
"""A success metric is measurable when it states a number, a percentage or a time."""


@dataclass(frozen=True)
class Check:
    """One rule applied to one part: whether it holds, in words, and where to fix it."""

    step: int
    code: str
    ok: bool
    message: str
    path: str = ""

    @property
    def mark(self) -> str:
        return "✓" if self.ok else "✗"


class _Checker:
    """Collects checks; a rule that holds everywhere is one line, each failure its own line."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.out: list[Check] = []

    def one(self, step: int, code: str, ok: bool, path: str = "", **values: object) -> None:
        area = "stakeholders.check" if code in OWN_CATALOGUE else "checks"
        key = f"{area}.{code}.{'ok' if ok else 'fail'}"
        self.out.append(Check(step, code, ok, t(key, self.lang, **values), path))

    def each(
        self,
        step: int,
        code: str,
        failures: Sequence[tuple[str, Mapping[str, object]]],
        path: str = "",
    ) -> None:
        """One passing line when ``failures`` is empty, else one failing line per (path, values)."""
        if not failures:
            self.one(step, code, True, path)
        for fail_path, values in failures:
            self.one(step, code, False, fail_path, **values)


OWN_CATALOGUE = frozenset({"evidence.assumed", "touchpoint.owner", "action.accountable"})
"""Codes whose messages live in the stakeholders catalogue (the buy-in checks)."""


# --- evidence: how much of the map is known rather than guessed ------------------------------


def cards(part: object) -> Iterator[Card]:
    """Every card inside ``part`` (a project or any piece of one), found by walking its fields.

    Walking rather than listing keeps the count right when a new kind of card is added.
    """
    if isinstance(part, Card):
        yield part
    if isinstance(part, Part):
        for name in type(part).model_fields:
            yield from cards(getattr(part, name))
    elif isinstance(part, dict):
        for value in part.values():
            yield from cards(value)
    elif isinstance(part, list):
        for value in part:
            yield from cards(value)


def evidence_counts(project: Project) -> dict[str, int]:
    """How many cards are observed, reported and assumed; a stage's emotion counts as one card."""
    counts = dict.fromkeys(EVIDENCE_LEVELS, 0)
    for card in cards(project):
        counts[card.evidence] += 1
    for journey in project.journeys:
        for cell in journey.stages.values():
            if cell.emotion is not None:
                counts[cell.emotion_evidence] += 1
    return counts


def assumed_share(project: Project) -> float | None:
    """The share of cards still 'assumed' (None when the project has no cards yet)."""
    counts = evidence_counts(project)
    total = sum(counts.values())
    return counts["assumed"] / total if total else None


# --- the rules, step by step ---------------------------------------------------------------


def _step1(p: Project, c: _Checker, today: dt.date) -> None:
    o = p.objectives
    c.one(
        1, "objective.question", bool(o.business_question.strip()), "objectives.business_question"
    )
    metrics = [m for m in o.success_metrics if m.strip()]
    measurable = any(MEASURABLE.search(m) for m in metrics)
    c.one(1, "objective.measurable", measurable, "objectives.success_metrics", count=len(metrics))
    c.one(1, "objective.team", bool(o.team), "objectives.team", count=len(o.team))


def _step2(p: Project, c: _Checker, today: dt.date) -> None:
    c.one(2, "persona.any", bool(p.personas), "personas")
    if not p.personas:
        return
    for code, field in (
        ("persona.goals", "goals"),
        ("persona.pains", "pains"),
        ("persona.channels", "preferred_channels"),
    ):
        c.each(
            2,
            code,
            [
                (f"personas[{i}].{field}", {"name": x.name})
                for i, x in enumerate(p.personas)
                if not [v for v in getattr(x, field) if v.strip()]
            ],
        )


def _step3(p: Project, c: _Checker, today: dt.date) -> None:
    primary = next((tp for tp in p.target_personas if tp.primary), None)
    names = {x.id: x.name for x in p.personas}
    name = names.get(primary.persona, primary.persona) if primary else ""
    c.one(3, "target.primary", primary is not None, "target_personas", name=name)


def _blank_touchpoints(p: Project, field: str) -> list[tuple[str, dict[str, object]]]:
    """The touchpoints whose text ``field`` is blank, as the failures :meth:`_Checker.each` takes."""
    return [
        (f"touchpoints[{i}].{field}", {"name": tp.name})
        for i, tp in enumerate(p.touchpoints)
        if not getattr(tp, field).strip()
    ]


def _step4(p: Project, c: _Checker, today: dt.date) -> None:
    used = {tp.stage for tp in p.touchpoints}
    c.each(
        4,
        "stage.touchpoints",
        [(f"stages[{i}]", {"stage": s.name}) for i, s in enumerate(p.stages) if s.id not in used],
        "stages",
    )
    known = set(p.stage_ids())
    c.each(
        4,
        "touchpoint.stage",
        [
            (f"touchpoints[{i}].stage", {"name": tp.name, "stage": tp.stage})
            for i, tp in enumerate(p.touchpoints)
            if tp.stage not in known
        ],
        "touchpoints",
    )
    c.each(4, "touchpoint.channel", _blank_touchpoints(p, "channel"), "touchpoints")


def _step5(p: Project, c: _Checker, today: dt.date) -> None:
    c.one(5, "journey.any", bool(p.journeys), "journeys")
    if not p.journeys:
        return
    failures = []
    for j, journey in enumerate(p.journeys):
        # only the stages this journey draws; a stage's actions may carry its feeling
        shown = set(journey.stages_shown or p.stage_ids())
        for stage in p.stages:
            if stage.id in shown and journey.cell(stage.id).stage_emotion() is None:
                failures.append(
                    (
                        f"journeys[{j}].stages.{stage.id}.emotion",
                        {"journey": journey.name, "stage": stage.name},
                    )
                )
    c.each(5, "journey.emotion", failures, "journeys")


def _step6(p: Project, c: _Checker, today: dt.date) -> None:
    c.one(6, "resource.any", bool(p.resources), "resources")
    c.each(
        6,
        "resource.owner",
        [
            (f"resources[{i}].owner", {"name": r.description})
            for i, r in enumerate(p.resources)
            if r.status == "need" and not r.owner.strip()
        ],
        "resources",
    )
    c.each(6, "touchpoint.owner", _blank_touchpoints(p, "owner_department"), "touchpoints")
    accountable = {r.action for r in p.raci if r.accountable.strip()}
    c.each(
        6,
        "action.accountable",
        [
            (f"actions[{i}]", {"name": a.title})
            for i, a in enumerate(p.actions)
            if a.id not in accountable
        ],
        "raci",
    )


def _step7(p: Project, c: _Checker, today: dt.date) -> None:
    counts = evidence_counts(p)
    total = sum(counts.values())
    if total:
        share = counts["assumed"] / total
        c.one(
            7,
            "evidence.assumed",
            share <= ASSUMED_LIMIT,
            "journeys",
            share=format_percent(share, c.lang, 0),
            assumed=counts["assumed"],
            total=total,
        )
    c.one(7, "walkthrough.any", bool(p.walkthrough), "walkthrough")
    if not p.walkthrough:
        return
    walked = {w.stage for w in p.walkthrough}
    c.each(
        7,
        "walkthrough.stages",
        [(f"stages[{i}]", {"stage": s.name}) for i, s in enumerate(p.stages) if s.id not in walked],
        "walkthrough",
    )


def _step8(p: Project, c: _Checker, today: dt.date) -> None:
    addressed = {pp for o in p.opportunities for pp in o.pain_points}
    stage_names = {s.id: s.name for s in p.stages}
    failures = []
    for j, journey in enumerate(p.journeys):
        for stage_id, cell in journey.stages.items():
            for key in ("pain_points", "internal_pain_points"):
                for k, pp in enumerate(getattr(cell, key)):
                    if pp.id not in addressed:
                        failures.append(
                            (
                                f"journeys[{j}].stages.{stage_id}.{key}[{k}]",
                                {"text": pp.text, "stage": stage_names.get(stage_id, stage_id)},
                            )
                        )
    c.each(8, "painpoint.opportunity", failures, "opportunities")
    c.each(
        8,
        "opportunity.owner",
        [
            (f"opportunities[{i}].owner", {"name": o.title})
            for i, o in enumerate(p.opportunities)
            if not o.owner.strip()
        ],
        "opportunities",
    )
    c.each(
        8,
        "opportunity.kpi",
        [
            (f"opportunities[{i}].kpis", {"name": o.title})
            for i, o in enumerate(p.opportunities)
            if not o.kpis
        ],
        "opportunities",
    )
    c.each(
        8,
        "kpi.target",
        [(f"kpis[{i}].target", {"name": k.name}) for i, k in enumerate(p.kpis) if k.target is None],
        "kpis",
    )
    review = p.objectives.next_review
    if review is None:
        c.one(8, "review.missing", False, "objectives.next_review")
    else:
        c.one(
            8,
            "review.date",
            review >= today,
            "objectives.next_review",
            date=format_date(review, c.lang),
        )


RULES: dict[int, Callable[[Project, _Checker, dt.date], None]] = {
    1: _step1,
    2: _step2,
    3: _step3,
    4: _step4,
    5: _step5,
    6: _step6,
    7: _step7,
    8: _step8,
}


def check_project(
    project: Project, step: int | None = None, lang: str = "en", today: dt.date | None = None
) -> list[Check]:
    """The checks of one step (1-8), or of every step when ``step`` is None.

    ``today`` decides whether the review date has passed (default: the real today).
    """
    lang = check_language(lang)
    checker = _Checker(lang)
    day = today or dt.date.today()
    for number, rule in RULES.items():
        if step is None or step == number:
            rule(project, checker, day)
    return checker.out


# --- display ---------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|<>])")

CHECKLIST_CSS = """
<style>
.cjm-checklist{font-family:'DejaVu Sans',Arial,sans-serif;border:1px solid #c9d3dd;border-radius:8px;
  padding:8px 14px;background:#fbfcfd;max-width:820px}
.cjm-checklist h4{margin:2px 0 6px 0;color:#1f3b57}
.cjm-checklist ul{list-style:none;margin:0 0 6px 0;padding:0}
.cjm-checklist li{margin:2px 0}
.cjm-check-ok .cjm-mark{color:#1b6e3a;font-weight:700}
.cjm-check-fail .cjm-mark{color:#b00020;font-weight:700}
</style>
"""


class Checklist:
    """Checks shown as a checklist: ✓ for what holds, ✗ for what to fix, grouped by step."""

    def __init__(self, checks: list[Check], lang: str = "en") -> None:
        self.checks = list(checks)
        self.lang = check_language(lang)

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    @property
    def passed(self) -> list[Check]:
        return [c for c in self.checks if c.ok]

    def __bool__(self) -> bool:
        """True when nothing failed."""
        return not self.failed

    def __len__(self) -> int:
        return len(self.checks)

    def __iter__(self) -> Iterator[Check]:
        return iter(self.checks)

    def _steps(self) -> list[int]:
        return sorted({c.step for c in self.checks})

    def summary(self) -> str:
        if not self.checks:
            return t("checks.list.nothing", self.lang)
        return t(
            "checks.list.summary",
            self.lang,
            passed=len(self.passed),
            total=len(self.checks),
            failed=len(self.failed),
        )

    def _group_title(self, step: int) -> str | None:
        return t("checks.list.step", self.lang, n=step) if len(self._steps()) > 1 else None

    def _repr_html_(self) -> str:
        parts = [
            CHECKLIST_CSS,
            "<div class='cjm-checklist'>",
            f"<h4>{html.escape(t('checks.list.title', self.lang))} · {html.escape(self.summary())}</h4>",
        ]
        for step in self._steps():
            title = self._group_title(step)
            if title:
                parts.append(f"<div><b>{html.escape(title)}</b></div>")
            parts.append("<ul>")
            for c in (c for c in self.checks if c.step == step):
                css = "cjm-check-ok" if c.ok else "cjm-check-fail"
                parts.append(
                    f"<li class='{css}' data-code='{html.escape(c.code, quote=True)}'>"
                    f"<span class='cjm-mark'>{c.mark}</span> {html.escape(c.message)}</li>"
                )
            parts.append("</ul>")
        parts.append("</div>")
        return "".join(parts)

    def _repr_markdown_(self) -> str:
        lines = [f"**{_md(t('checks.list.title', self.lang))}** · {_md(self.summary())}", ""]
        for step in self._steps():
            title = self._group_title(step)
            if title:
                lines += [f"*{_md(title)}*", ""]
            lines += [f"- {c.mark} {_md(c.message)}" for c in self.checks if c.step == step]
            lines.append("")
        return "\n".join(lines).rstrip() + "\n"

    def __str__(self) -> str:
        lines = [f"{t('checks.list.title', self.lang)} · {self.summary()}"]
        for step in self._steps():
            title = self._group_title(step)
            if title:
                lines.append(title)
            lines += [f"  [{c.mark}] {c.message}" for c in self.checks if c.step == step]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))
