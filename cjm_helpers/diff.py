"""What changed between two versions of a project, and whether its review is due.

Step 8 of the method ("adapt and change") revisits the map: which touchpoints
came and went, where the feeling moved, which pain points were resolved, which
opportunities moved on and which KPIs drifted. :func:`diff_projects` lists those
changes as data; the result shows itself as text for a terminal, as a table in a
notebook, or as a DataFrame. :func:`review_status` says when the map is due for
its next review, and says so plainly when that date has passed.
"""

from __future__ import annotations

__all__ = [
    "GROUPS",
    "KINDS",
    "SOON_DAYS",
    "Change",
    "ProjectDiff",
    "ReviewStatus",
    "diff_projects",
    "diff_with_previous",
    "review_status",
]

import datetime as dt
import html
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from .errors import CJMError
from .i18n import check_language, format_date, format_number, t
from .model import DEFAULT_STAGES, Journey, Project
from .tables import TABLE_CSS, cell_text, table_html, word
from .terminal import terminal_line

_DEFAULT_STAGE_NAMES = dict(DEFAULT_STAGES)
_T = TypeVar("_T")

GROUPS: dict[str, tuple[str, ...]] = {
    "objectives": ("objective_changed",),
    "personas": ("persona_added", "persona_removed"),
    "stages": ("stage_added", "stage_removed"),
    "journeys": ("journey_added", "journey_removed"),
    "touchpoints": (
        "touchpoint_added",
        "touchpoint_removed",
        "journey_touchpoint_added",
        "journey_touchpoint_removed",
    ),
    "emotions": ("emotion_moved",),
    "pain_points": ("pain_point_resolved", "pain_point_added"),
    "resources": ("resource_added", "resource_removed", "resource_status", "resource_renamed"),
    "walkthrough": ("walkthrough_added", "walkthrough_removed", "walkthrough_edited"),
    "opportunities": ("opportunity_status", "opportunity_added", "opportunity_removed"),
    "kpis": ("kpi_drift", "kpi_added", "kpi_removed"),
    "actions": ("action_added", "action_removed", "action_status"),
    "other": ("section_edited",),
    "review": ("review_date",),
}
"""Kinds of change, grouped under the headings the text and table show, in this order."""
_EDIT_KINDS = frozenset(
    GROUPS["objectives"]
    + GROUPS["resources"]
    + GROUPS["walkthrough"]
    + GROUPS["actions"]
    + GROUPS["other"]
)
"""Kinds whose words live in the ``edits`` catalogue (the rest in ``diff``)."""
_EDIT_GROUPS = frozenset({"objectives", "resources", "walkthrough", "actions", "other"})
KINDS: tuple[str, ...] = tuple(kind for kinds in GROUPS.values() for kind in kinds)
SOON_DAYS = 14
"""A review this close is 'due soon'."""


@dataclass(frozen=True)
class Change:
    """One difference between two versions: what kind, where, the values before and after."""

    kind: str
    path: str
    before: Any
    after: Any
    message: str
    """The change in English; :meth:`text` words it in another language."""
    values: tuple[tuple[str, Any], ...] = field(default=(), repr=False, compare=False)

    @property
    def group(self) -> str:
        return next(g for g, kinds in GROUPS.items() if self.kind in kinds)

    def text(self, lang: str = "en") -> str:
        return _message(self.kind, lang, dict(self.values))


def _show(value: Any, lang: str) -> str:
    """A value as the messages show it: numbers in the language's style, dates readable."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return format_number(value, lang, digits=2)
    if isinstance(value, dt.date):
        return format_date(value, lang)
    return str(value)


def group_title(group: str, lang: str = "en") -> str:
    """The heading of a group of changes in ``lang``."""
    return t(f"{'edits' if group in _EDIT_GROUPS else 'diff'}.group.{group}", lang)


def _emotion(score: int | None) -> str:
    if score is None:
        return "—"
    return f"+{score}" if score > 0 else (f"\u2212{-score}" if score < 0 else "0")


def _message(kind: str, lang: str, values: dict[str, Any]) -> str:
    words = {}
    for key, value in values.items():
        if key == "note_key":
            words["note"] = f"({t(value, lang)})" if value else ""
        elif key.endswith("_key"):
            words[key.removesuffix("_key")] = t(value, lang) if value else ""
        elif key.startswith("emotion_"):
            words[key] = _emotion(value)
        else:
            words[key] = _show(value, lang)
    key = kind
    if kind == "pain_point_resolved" and not values.get("by"):
        key = "pain_point_resolved_plain"
    catalogue = "edits" if kind in _EDIT_KINDS else "diff"
    return " ".join(t(f"{catalogue}.kind.{key}", lang, **words).split())


def _change(kind: str, path: str, before: Any, after: Any, /, **values: Any) -> Change:
    return Change(kind, path, before, after, _message(kind, "en", values), tuple(values.items()))


# --- comparing ---------------------------------------------------------------------------


def _by_id(items: list[Any]) -> dict[str, Any]:
    return {item.id: item for item in items}


_FIELD = {
    "persona": "personas",
    "stage": "stages",
    "journey": "journeys",
    "opportunity": "opportunities",
    "kpi": "kpis",
    "resource": "resources",
    "action": "actions",
}
"""The project field that holds each kind of part, for the change's path."""


def _came_and_went(
    before: Mapping[str, _T], after: Mapping[str, _T]
) -> Iterator[tuple[str, str, _T]]:
    """("added", id, item) for each id only ``after`` has, then ("removed", id, item) for ``before``'s."""
    for item_id, item in after.items():
        if item_id not in before:
            yield "added", item_id, item
    for item_id, item in before.items():
        if item_id not in after:
            yield "removed", item_id, item


def _sides(way: str, value: Any) -> tuple[Any, Any]:
    """The (before, after) of a change that added or removed ``value``."""
    return (None, value) if way == "added" else (value, None)


def _added_removed(old: list[Any], new: list[Any], what: str, label: str) -> Iterator[Change]:
    for way, item_id, item in _came_and_went(_by_id(old), _by_id(new)):
        name = getattr(item, label)
        yield _change(
            f"{what}_{way}", f"{_FIELD[what]}.{item_id}", *_sides(way, name), name=name, id=item_id
        )


class _StageWords(dict[str, dict[str, str]]):
    """Stage id -> the message value naming it: a default name is translated, an own name kept."""

    def __missing__(self, stage_id: str) -> dict[str, str]:
        return {"stage": stage_id}


def _stage_names(old: Project, new: Project) -> _StageWords:
    names = _StageWords()
    for stage in old.stages + new.stages:
        if _DEFAULT_STAGE_NAMES.get(stage.id) == stage.name:
            names[stage.id] = {"stage_key": f"common.stage.{stage.id}"}
        else:
            names[stage.id] = {"stage": stage.name}
    return names


def _touchpoint_changes(old: Project, new: Project) -> Iterator[Change]:
    stages = _stage_names(old, new)
    before, after = _by_id(old.touchpoints), _by_id(new.touchpoints)
    for way, tp_id, tp in _came_and_went(before, after):
        yield _change(
            f"touchpoint_{way}",
            f"touchpoints.{tp_id}",
            *_sides(way, tp.name),
            name=tp.name,
            **stages[tp.stage],
            channel=tp.channel,
        )
    # a touchpoint both versions know, newly placed on or taken off a journey's stage
    both = before.keys() & after.keys()
    for journey_old, journey_new in _common_journeys(old, new):
        for stage_id in _stage_order(old, new):
            was = {x: before[x] for x in journey_old.cell(stage_id).touchpoints if x in both}
            now = {x: after[x] for x in journey_new.cell(stage_id).touchpoints if x in both}
            path = f"journeys.{journey_new.id}.stages.{stage_id}.touchpoints"
            for way, tp_id, tp in _came_and_went(was, now):
                yield _change(
                    f"journey_touchpoint_{way}",
                    path,
                    *_sides(way, tp_id),
                    name=tp.name,
                    journey=journey_new.name,
                    **stages[stage_id],
                )


def _common_journeys(old: Project, new: Project) -> Iterator[tuple[Journey, Journey]]:
    before = _by_id(old.journeys)
    for journey in new.journeys:
        if journey.id in before:
            yield before[journey.id], journey


def _stage_order(old: Project, new: Project) -> list[str]:
    order = new.stage_ids()
    return order + [s for s in old.stage_ids() if s not in order]


def _emotion_changes(old: Project, new: Project) -> Iterator[Change]:
    stages = _stage_names(old, new)
    for journey_old, journey_new in _common_journeys(old, new):
        for stage_id in _stage_order(old, new):
            was, now = journey_old.cell(stage_id).emotion, journey_new.cell(stage_id).emotion
            if was == now:
                continue
            if was is None:
                direction = "diff.direction.recorded"
            elif now is None:
                direction = "diff.direction.unrecorded"
            else:
                direction = "diff.direction.better" if now > was else "diff.direction.worse"
            yield _change(
                "emotion_moved",
                f"journeys.{journey_new.id}.stages.{stage_id}.emotion",
                was,
                now,
                journey=journey_new.name,
                **stages[stage_id],
                emotion_before=was,
                emotion_after=now,
                direction_key=direction,
            )


def _pain_points(project: Project) -> dict[str, tuple[Journey, str, Any]]:
    found = {}
    for journey in project.journeys:
        for stage_id, cell in journey.stages.items():
            for pp in cell.pain_points + cell.internal_pain_points:
                found[pp.id] = (journey, stage_id, pp)
    return found


def _pain_point_changes(old: Project, new: Project) -> Iterator[Change]:
    stages = _stage_names(old, new)
    before, after = _pain_points(old), _pain_points(new)
    solved_by = {pp: o for o in new.opportunities if o.status == "done" for pp in o.pain_points}
    for pp_id, (journey, stage_id, pp) in before.items():
        if pp_id not in after:
            by = solved_by.get(pp_id) or next(
                (o for o in old.opportunities if pp_id in o.pain_points), None
            )
            yield _change(
                "pain_point_resolved",
                f"journeys.{journey.id}.stages.{stage_id}.{pp_id}",
                pp.text,
                None,
                text=pp.text,
                journey=journey.name,
                **stages[stage_id],
                by=by.title if by else "",
            )
    for pp_id, (journey, stage_id, pp) in after.items():
        if pp_id not in before:
            yield _change(
                "pain_point_added",
                f"journeys.{journey.id}.stages.{stage_id}.{pp_id}",
                None,
                pp.text,
                text=pp.text,
                journey=journey.name,
                **stages[stage_id],
            )


def _status_change(kind: str, path: str, was: Any, now: Any, words: str, **name: Any) -> Change:
    """``kind``_status: a part's status moved; ``words`` is the catalogue section naming statuses."""
    return _change(
        f"{kind}_status",
        f"{path}.{now.id}.status",
        was.status,
        now.status,
        **name,
        status_before_key=f"{words}.{was.status}",
        status_after_key=f"{words}.{now.status}",
    )


def _status_changes(old: list[Any], new: list[Any], kind: str, path: str) -> Iterator[Change]:
    """Titled parts (opportunities, actions) whose status moved, then those added or removed."""
    before = _by_id(old)
    for item in new:
        was = before.get(item.id)
        if was is not None and was.status != item.status:
            yield _status_change(kind, path, was, item, "diff.status", title=item.title)
    yield from _added_removed(old, new, kind, "title")


def _opportunity_changes(old: Project, new: Project) -> Iterator[Change]:
    return _status_changes(old.opportunities, new.opportunities, "opportunity", "opportunities")


def _towards(kpi_old: Any, kpi_new: Any) -> str:
    """Whether the current value moved towards the target (or away from it)."""
    target = kpi_new.target
    if target is None or kpi_old.current is None or kpi_new.current is None:
        return ""
    gap_before, gap_after = abs(target - kpi_old.current), abs(target - kpi_new.current)
    if gap_after < gap_before:
        return "diff.direction.closer"
    if gap_after > gap_before:
        return "diff.direction.further"
    return ""


def _kpi_changes(old: Project, new: Project) -> Iterator[Change]:
    before = _by_id(old.kpis)
    for kpi in new.kpis:
        was = before.get(kpi.id)
        if was is None:
            continue
        for name in ("current", "baseline", "target"):
            a, b = getattr(was, name), getattr(kpi, name)
            if a == b:
                continue
            towards = _towards(was, kpi) if name == "current" else ""
            yield _change(
                "kpi_drift",
                f"kpis.{kpi.id}.{name}",
                a,
                b,
                name=kpi.name,
                field_key=f"diff.field.{name}",
                before=a,
                after=b,
                unit=kpi.unit,
                target=kpi.target,
                note_key=towards,
            )
    yield from _added_removed(old.kpis, new.kpis, "kpi", "name")


def _review_changes(old: Project, new: Project) -> Iterator[Change]:
    a, b = old.objectives.next_review, new.objectives.next_review
    if a != b:
        yield _change("review_date", "objectives.next_review", a, b, before=a, after=b)


_OBJECTIVE_TEXT = ("business_question", "goal_type", "scope", "experience", "success_metrics")
"""The objectives' own words (step 1); the review date has a kind of its own."""


def _words(value: Any) -> str:
    """A text or list field as one line for a message: list items joined with '; '."""
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return str(value or "")


def _objective_changes(old: Project, new: Project) -> Iterator[Change]:
    for name in _OBJECTIVE_TEXT:
        a, b = getattr(old.objectives, name), getattr(new.objectives, name)
        if a == b:
            continue
        values: dict[str, Any] = {"field_key": f"edits.field.{name}"}
        if name == "goal_type":
            values |= {"before_key": f"views.goal_type.{a}", "after_key": f"views.goal_type.{b}"}
        else:
            values |= {"before": _words(a), "after": _words(b)}
        yield _change("objective_changed", f"objectives.{name}", _words(a), _words(b), **values)


def _resource_changes(old: Project, new: Project) -> Iterator[Change]:
    before = _by_id(old.resources)
    for res in new.resources:
        was = before.get(res.id)
        if was is None:
            continue
        if was.status != res.status:
            yield _status_change(
                "resource", "resources", was, res, "edits.resource_status", name=res.description
            )
        if was.description != res.description:
            yield _change(
                "resource_renamed",
                f"resources.{res.id}.description",
                was.description,
                res.description,
                before=was.description,
                after=res.description,
            )
    yield from _added_removed(old.resources, new.resources, "resource", "description")


def _walkthrough_changes(old: Project, new: Project) -> Iterator[Change]:
    """Entries have no id: one is known by its time and stage; anything else may be edited."""
    stages = _stage_names(old, new)

    def key(entry: Any) -> tuple[Any, str]:
        return (entry.when, entry.stage)

    def words(entry: Any) -> dict[str, Any]:
        return {
            "when": entry.when.strftime("%Y-%m-%d %H:%M"),
            **stages[entry.stage],
            "action": entry.action or entry.friction or entry.note,
        }

    earlier: dict[tuple[Any, str], list[Any]] = {}
    for entry in old.walkthrough:
        earlier.setdefault(key(entry), []).append(entry)
    unmatched: list[Any] = []
    for index, entry in enumerate(new.walkthrough):
        same = earlier.get(key(entry), [])
        if entry in same:
            same.remove(entry)
        else:
            unmatched.append((index, entry))
    for index, entry in unmatched:
        same = earlier.get(key(entry), [])
        if same:
            was = same.pop(0)
            yield _change(
                "walkthrough_edited",
                f"walkthrough.{index}",
                was.action or was.note,
                entry.action or entry.note,
                **words(entry),
            )
        else:
            yield _change(
                "walkthrough_added",
                f"walkthrough.{index}",
                None,
                entry.action or entry.note,
                **words(entry),
            )
    for left in earlier.values():
        for entry in left:
            yield _change(
                "walkthrough_removed",
                "walkthrough",
                entry.action or entry.note,
                None,
                **words(entry),
            )


def _action_changes(old: Project, new: Project) -> Iterator[Change]:
    return _status_changes(old.actions, new.actions, "action", "actions")


def _other_edits(old: Project, new: Project, found: list[Change]) -> Iterator[Change]:
    """A part of the project that differs but shows no change above: say where, field by field.

    "No changes" must never be said of two versions that differ.
    """
    from .history import MAX_PATHS, changed_paths

    before, after = old.model_dump(mode="json"), new.model_dump(mode="json")
    said = {c.path.split(".")[0] for c in found}
    for name in after:
        if name in said or before.get(name) == after.get(name):
            continue
        paths = changed_paths(before.get(name), after.get(name), name)
        fields = ", ".join(paths[:MAX_PATHS])
        if len(paths) > MAX_PATHS:
            fields += f" (+{len(paths) - MAX_PATHS})"
        yield _change(
            "section_edited",
            name,
            None,
            None,
            section_key=f"edits.section.{name}",
            fields=fields,
        )


def diff_projects(
    old: Project,
    new: Project,
    today: dt.date | None = None,
    old_label: str = "",
    new_label: str = "",
) -> ProjectDiff:
    """Every change from ``old`` to ``new`` that the map and the action plan care about."""
    changes: list[Change] = []
    changes += _objective_changes(old, new)
    changes += _added_removed(old.personas, new.personas, "persona", "name")
    changes += _added_removed(old.stages, new.stages, "stage", "name")
    changes += _added_removed(old.journeys, new.journeys, "journey", "name")
    changes += _touchpoint_changes(old, new)
    changes += _emotion_changes(old, new)
    changes += _pain_point_changes(old, new)
    changes += _opportunity_changes(old, new)
    changes += _kpi_changes(old, new)
    changes += _resource_changes(old, new)
    changes += _walkthrough_changes(old, new)
    changes += _action_changes(old, new)
    changes += _review_changes(old, new)
    changes += _other_edits(old, new, changes)
    changes.sort(key=lambda c: list(GROUPS).index(c.group))  # stable: order within a group is kept
    return ProjectDiff(
        changes, review_status(new, today), old_label or old.name, new_label or new.name
    )


# --- the result --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewStatus:
    """When the map is due for review.

    ``days`` counts from today to the review date: negative once it has passed.
    """

    next_review: dt.date | None
    today: dt.date
    cadence: str = "quarterly"

    @property
    def days(self) -> int | None:
        return None if self.next_review is None else (self.next_review - self.today).days

    @property
    def overdue(self) -> bool:
        return self.days is not None and self.days < 0

    @property
    def days_overdue(self) -> int:
        return max(0, -(self.days or 0))

    @property
    def state(self) -> str:
        if self.days is None:
            return "unset"
        if self.days < 0:
            return "overdue"
        if self.days == 0:
            return "today"
        return "soon" if self.days <= SOON_DAYS else "scheduled"

    def message(self, lang: str = "en") -> str:
        when = format_date(self.next_review, lang) if self.next_review else ""
        return t(
            f"diff.review.{self.state}",
            lang,
            date=when,
            days=abs(self.days or 0),
            cadence=t(f"diff.cadence.{self.cadence}", lang),
        )

    def __str__(self) -> str:
        return self.message()

    def _repr_html_(self) -> str:
        colour = {"overdue": "#c5221f", "today": "#e8710a", "soon": "#e8710a"}.get(
            self.state, "#5f6368"
        )
        return (
            f'<p class="cjm-review cjm-review-{self.state}" style="color:{colour};font-weight:600">'
            f"{html.escape(self.message())}</p>"
        )


def review_status(project: Project, today: dt.date | None = None) -> ReviewStatus:
    """Is the project's review (objectives.next_review) still ahead, due soon, or overdue?"""
    return ReviewStatus(
        project.objectives.next_review, today or dt.date.today(), project.objectives.review_cadence
    )


@dataclass
class ProjectDiff:
    """The changes between two versions, and the review status of the newer one."""

    changes: list[Change]
    review: ReviewStatus
    old_label: str = "old"
    new_label: str = "new"
    lang: str = "en"
    has_previous: bool = True
    """False when :func:`diff_with_previous` found no earlier version to compare with."""

    def __bool__(self) -> bool:
        return bool(self.changes)

    def __len__(self) -> int:
        return len(self.changes)

    def of_kind(self, *kinds: str) -> list[Change]:
        return [c for c in self.changes if c.kind in kinds]

    def counts(self) -> dict[str, int]:
        """How many changes of each group, for groups that have any."""
        out: dict[str, int] = {}
        for change in self.changes:
            out[change.group] = out.get(change.group, 0) + 1
        return out

    def heading(self, lang: str = "en") -> str:
        if not self.has_previous:
            return t("diff.cli.no_previous", lang, path=self.new_label)
        if not self.changes:
            return t("diff.none", lang, old=self.old_label, new=self.new_label)
        return t(
            "diff.heading", lang, count=len(self.changes), old=self.old_label, new=self.new_label
        )

    def to_text(self, lang: str | None = None) -> str:
        """Changes grouped under headings, one per line, then the review status."""
        lang = check_language(lang or self.lang)
        lines = [self.heading(lang)]
        for group in GROUPS:
            rows = [c for c in self.changes if c.group == group]
            if not rows:
                continue
            lines += ["", f"{group_title(group, lang)} ({len(rows)})"]
            lines += [f"  {_SIGN.get(c.kind, '~')} {c.text(lang)}" for c in rows]
        lines += ["", f"{t('diff.group.review', lang)}: {self.review.message(lang)}"]
        return (
            "\n".join(terminal_line(line) for line in lines) + "\n"
        )  # no escape code reaches the screen

    def __str__(self) -> str:
        return self.to_text()

    def to_frame(self, lang: str | None = None) -> pd.DataFrame:
        """One row per change: group, kind, path, before, after and the change in words."""
        lang = check_language(lang or self.lang)
        rows = [
            {
                "group": group_title(c.group, lang),
                "kind": c.kind,
                "path": c.path,
                "before": _cell(c.before),
                "after": _cell(c.after),
                "message": c.text(lang),
            }
            for c in self.changes
        ]
        return pd.DataFrame(rows, columns=["group", "kind", "path", "before", "after", "message"])

    def to_html(self, lang: str | None = None, standalone: bool = False) -> str:
        """The changes as an HTML table (every value escaped) with the review status above."""
        lang = check_language(lang or self.lang)
        esc = html.escape
        if self.changes:
            columns = [t(f"diff.column.{k}", lang) for k in ("group", "change", "before", "after")]
            frame = pd.DataFrame(
                [
                    [
                        group_title(c.group, lang),
                        c.text(lang),
                        shown_value(c.before, c.path, lang),
                        shown_value(c.after, c.path, lang),
                    ]
                    for c in self.changes
                ],
                columns=columns,
            )
            table = table_html(frame, lang, max_rows=None)
        else:
            table = f"<p>{esc(t('diff.nothing', lang))}</p>"
        review_colour = "#c5221f" if self.review.overdue else "#5f6368"
        fragment = (
            f'<div class="cjmdiff" lang="{esc(lang)}"><style>{_CSS}{TABLE_CSS}</style>'
            f"<h3>{esc(self.heading(lang))}</h3>"
            f'<p class="cjmdiff-review cjmdiff-review-{self.review.state}" style="color:{review_colour}">'
            f"{esc(t('diff.group.review', lang))}: {esc(self.review.message(lang))}</p>"
            f"{table}</div>"
        )
        if not standalone:
            return fragment
        return (
            f'<!DOCTYPE html>\n<html lang="{esc(lang)}"><head><meta charset="utf-8">'
            f"<title>{esc(self.heading(lang))}</title></head><body>{fragment}</body></html>\n"
        )

    def _repr_html_(self) -> str:
        return self.to_html()


_SIGN = {
    "persona_added": "+",
    "stage_added": "+",
    "journey_added": "+",
    "touchpoint_added": "+",
    "journey_touchpoint_added": "+",
    "pain_point_added": "+",
    "opportunity_added": "+",
    "kpi_added": "+",
    "persona_removed": "-",
    "stage_removed": "-",
    "journey_removed": "-",
    "touchpoint_removed": "-",
    "journey_touchpoint_removed": "-",
    "opportunity_removed": "-",
    "kpi_removed": "-",
    "pain_point_resolved": "✓",
}
_CSS = (
    '.cjmdiff{font-family:system-ui,"DejaVu Sans",sans-serif;font-size:13px;}'
    ".cjmdiff .cjmdiff-review-overdue{font-weight:600;}"
)


_LAST_FIELD = re.compile(r"([a-z_]+)(?:\[[^\]]*\])?$")


def shown_value(value: Any, path: str, lang: str) -> str:
    """A value before or after a change as a person reads it: a status in words, numbers and dates formatted."""
    if value is None or value == "":
        return ""
    field_match = _LAST_FIELD.search(path.rsplit(".", 1)[-1])
    field = field_match.group(1) if field_match else ""
    if isinstance(value, str):
        return word(value, field, lang)
    return cell_text(value, field, lang)[0]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# --- versions on disk ------------------------------------------------------------------


def diff_with_previous(
    path: str | os.PathLike[str], today: dt.date | None = None, lang: str = "en"
) -> ProjectDiff:
    """Compare a project file with the last saved version that differs from it.

    With no earlier version (a new file, or history switched off) the result is
    empty and its ``has_previous`` is False, so a notebook shows "no changes".
    """
    from .store import list_versions, load_project, project_to_data

    path = Path(path)
    current = load_project(path)
    now = project_to_data(current)
    label = f"{current.name} ({path.name})"  # where the learner saves, never a folder path
    for version in reversed(list_versions(path)):
        try:
            earlier = version.load()
        except CJMError:  # an old version that no longer reads or validates is skipped
            continue
        if project_to_data(earlier) != now:
            stamp = version.saved_at.strftime("%Y-%m-%d %H:%M UTC")
            result = diff_projects(earlier, current, today, old_label=stamp, new_label=label)
            result.lang = lang
            return result
    result = ProjectDiff([], review_status(current, today), "", label, lang, has_previous=False)
    return result
