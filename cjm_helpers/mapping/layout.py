"""The map as plain data: stages as columns, lanes as rows, cards in cells.

Every renderer (HTML, figure, tables, Mermaid) draws from a :class:`MapLayout`
built here, so they all agree on what a journey shows: the lane order, which
lanes sit below the line of visibility, the channels derived from touchpoints,
and the emotion of each stage (``None`` where nobody recorded one).
"""

from __future__ import annotations

__all__ = [
    "BACKSTAGE_TOOLS",
    "CARD_LANES",
    "TIMELINE_MIN_SHARE",
    "CardView",
    "EmotionPoint",
    "LaneView",
    "MapLayout",
    "StageView",
    "build_layout",
    "clock_minutes",
    "compare_headings",
    "evidence_label",
    "lane_label",
    "map_type_label",
    "ordered_lanes",
    "stage_label",
    "timeline_shares",
]

from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import CJMError
from ..i18n import check_language, t
from ..model import (
    BACKSTAGE_LANES,
    CARD_LANES,
    DEFAULT_STAGES,
    EVIDENCE_LEVELS,
    Journey,
    Project,
    Stage,
    StageCell,
    Touchpoint,
    TouchpointChange,
)

_DEFAULT_STAGE_NAMES = dict(DEFAULT_STAGES)


@dataclass(frozen=True)
class CardView:
    """One card on the map: the text a reader sees and how that claim is known."""

    text: str
    evidence: str
    ref: str = ""
    """The id of the part behind the card (a touchpoint or pain point), when it has one."""
    detail: str = ""
    """A short second line, e.g. a touchpoint's channel."""
    backstage: bool = False
    """A touchpoint the customer does not see (visibility: backstage)."""
    change: str = ""
    """For a touchpoint this journey changes: "new", "changed" or "retired"; empty otherwise."""
    emotion: float | None = None
    """An action's own emotion, when it has one."""


@dataclass(frozen=True)
class StageView:
    id: str
    name: str
    description: str
    phase: str | None = None
    time_span: str = ""
    clock: str = ""


@dataclass(frozen=True)
class LaneView:
    """One row of the map: a lane and its cards per stage, in stage order."""

    lane: str
    backstage: bool
    cells: tuple[tuple[CardView, ...], ...]

    @property
    def is_empty(self) -> bool:
        return not any(self.cells)


@dataclass(frozen=True)
class EmotionPoint:
    """The feeling at one stage (in halves, on the project's scale), or None when not recorded."""

    stage_id: str
    score: float | None
    evidence: str
    actions: tuple[float, ...] = ()
    """The emotions of the stage's actions, when they have their own."""


@dataclass(frozen=True)
class PhaseRun:
    """Consecutive stages of one phase (before, during, after): the band above their headers."""

    phase: str
    first: int
    last: int


@dataclass(frozen=True)
class MapLayout:
    """Everything a renderer needs to draw one journey, independent of the medium."""

    project_name: str
    journey_id: str
    journey_name: str
    map_type: str
    persona_id: str
    persona_name: str
    persona_quote: str
    stages: tuple[StageView, ...]
    lanes: tuple[LaneView, ...]
    """Card lanes in the chosen order; the emotions lane is in :attr:`emotions`."""
    lane_order: tuple[str, ...]
    """All chosen lanes, including "emotions", frontstage first then backstage."""
    emotions: tuple[EmotionPoint, ...]
    emotion_scale: int = 2
    """The largest emotion drawn: 2 (-2..+2) or 3 (-3..+3)."""

    @property
    def is_timeline(self) -> bool:
        """A day in the life, or any map whose stages carry times of the day, reads as a timeline."""
        return self.map_type == "day_in_the_life" or any(s.clock for s in self.stages)

    @property
    def phases(self) -> tuple[PhaseRun, ...]:
        """Runs of stages by phase; empty when no stage has a phase."""
        return phase_runs(self.stages)

    @property
    def shows_emotions(self) -> bool:
        return "emotions" in self.lane_order

    @property
    def has_backstage(self) -> bool:
        return any(lane in BACKSTAGE_LANES for lane in self.lane_order)

    def lane(self, name: str) -> LaneView:
        for lane in self.lanes:
            if lane.lane == name:
                return lane
        raise KeyError(name)

    def card_count(self) -> int:
        return sum(len(cell) for lane in self.lanes for cell in lane.cells)


TIMELINE_MIN_SHARE = 0.65
"""The narrowest a timeline column gets, as a share of an average column, so its cards stay readable."""
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


def phase_runs(stages: tuple[StageView, ...] | list[StageView]) -> tuple[PhaseRun, ...]:
    """Consecutive stages that share a phase, in order; a stage without a phase ends a run."""
    if not any(s.phase for s in stages):
        return ()
    runs: list[PhaseRun] = []
    for i, stage in enumerate(stages):
        if stage.phase and runs and runs[-1].phase == stage.phase and runs[-1].last == i - 1:
            runs[-1] = PhaseRun(stage.phase, runs[-1].first, i)
        elif stage.phase:
            runs.append(PhaseRun(stage.phase, i, i))
    return tuple(runs)


def phase_label(phase: str, lang: str = "en") -> str:
    return t(f"mapmeaning.phase.{phase}", lang)


def change_label(change: str, lang: str = "en") -> str:
    return t(f"mapmeaning.change.{change}", lang)


def journey_stages(project: Project, journey: Journey) -> list[Stage]:
    """The stages a journey's map draws: its ``stages_shown`` in that order, else all of them."""
    if not journey.stages_shown:
        return list(project.stages)
    known = {s.id: s for s in project.stages}
    return [known[i] for i in journey.stages_shown if i in known]


def stage_label(stage: Stage, lang: str = "en") -> str:
    """The stage's own name, translated only when it is still the untouched default."""
    if _DEFAULT_STAGE_NAMES.get(stage.id) == stage.name:
        return t(f"common.stage.{stage.id}", lang)
    return stage.name


def lane_label(lane: str, lang: str = "en") -> str:
    return t(f"map.lane.{lane}", lang)


def evidence_label(level: str, lang: str = "en") -> str:
    return t(f"common.evidence.{level}", lang)


BACKSTAGE_TOOLS = "internal_tools"
"""The lane below the line of visibility where backstage touchpoints are drawn."""


def map_type_label(map_type: str, lang: str = "en") -> str:
    return t(f"common.map_type.{map_type}", lang)


def compare_headings(now: MapLayout, later: MapLayout, lang: str) -> tuple[str, str, str]:
    """Kicker, title and persona line over a current-state map beside its future state."""
    title = t("map.html.compare_title", lang, current=now.journey_name, future=later.journey_name)
    persona = (
        now.persona_name
        if now.persona_id == later.persona_id
        else f"{now.persona_name} → {later.persona_name}"
    )
    kinds = f"{map_type_label(now.map_type, lang)} → {map_type_label(later.map_type, lang)}"
    return f"{kinds} · {now.project_name}", title, persona


def ordered_lanes(journey: Journey) -> tuple[str, ...]:
    """The journey's chosen lanes, without repeats, frontstage lanes before backstage ones."""
    seen: list[str] = []
    for lane in journey.chosen_lanes():
        if lane not in seen:
            seen.append(lane)
    front = [lane for lane in seen if lane not in BACKSTAGE_LANES]
    back = [lane for lane in seen if lane in BACKSTAGE_LANES]
    return tuple(front + back)


def _strongest(levels: list[str]) -> str:
    """The best evidence among several cards: observed beats reported beats assumed."""
    for level in EVIDENCE_LEVELS:
        if level in levels:
            return level
    return "assumed"


def _changed_card(base: Touchpoint | None, change: TouchpointChange) -> CardView:
    """A touchpoint as the journey changes it: its own name, channel and evidence ("planned")."""
    visibility = change.visibility or (base.visibility if base else "frontstage")
    return CardView(
        text=change.name or (base.name if base else change.id),
        evidence=change.evidence,
        ref=change.id,
        detail=change.channel or (base.channel if base else ""),
        backstage=visibility == "backstage",
        change=change.status,
    )


def _touchpoint_cards(
    project: Project, ids: list[str], changes: dict[str, TouchpointChange] | None = None
) -> tuple[CardView, ...]:
    known = {tp.id: tp for tp in project.touchpoints}
    changes = changes or {}
    cards = []
    for tp_id in ids:
        tp = known.get(tp_id)
        if tp_id in changes:
            cards.append(_changed_card(tp, changes[tp_id]))
            continue
        if tp is None:  # a dangling id: show it rather than hide it
            cards.append(CardView(text=tp_id, evidence="assumed", ref=tp_id))
            continue
        cards.append(
            CardView(
                text=tp.name,
                evidence=tp.evidence,
                ref=tp.id,
                detail=tp.channel,
                backstage=tp.visibility == "backstage",
            )
        )
    return tuple(cards)


def touchpoint_ids_by_stage(
    project: Project, journey: Journey, stages: list[Stage]
) -> list[list[str]]:
    """Each stage's touchpoint ids for this journey: the cell's, plus every change not listed.

    A journey's change always shows on its map: where a cell lists it, else in its stage
    (the change's own, or the inventory's), so a retired touchpoint is drawn as gone.
    """
    listed = [list(journey.cell(stage.id).touchpoints) for stage in stages]
    placed = {tp_id for ids in listed for tp_id in ids}
    home = {tp.id: tp.stage for tp in project.touchpoints}
    index = {stage.id: i for i, stage in enumerate(stages)}
    for change in journey.touchpoint_changes:
        if change.id in placed:
            continue
        stage_id = change.stage or home.get(change.id)
        if stage_id in index:
            listed[index[stage_id]].append(change.id)
    return listed


def _channel_cards(touchpoints: tuple[CardView, ...]) -> tuple[CardView, ...]:
    """One card per distinct channel of the stage's touchpoints, in first-seen order."""
    levels: dict[str, list[str]] = {}
    for card in touchpoints:
        if card.detail.strip() and card.change != "retired":  # a retired one's channel is gone
            levels.setdefault(card.detail.strip(), []).append(card.evidence)
    return tuple(CardView(text=name, evidence=_strongest(lv)) for name, lv in levels.items())


def _note_cards(notes: list) -> tuple[CardView, ...]:
    return tuple(
        CardView(
            text=n.text,
            evidence=n.evidence,
            ref=getattr(n, "id", ""),
            emotion=getattr(n, "emotion", None),
        )
        for n in notes
    )


def _emotion_point(stage: Stage, cell: StageCell, drawn: bool = True) -> EmotionPoint:
    """The stage's feeling; drawn, a stage without one shows its actions' mean (tables keep the cell's)."""
    felt = tuple(float(a.emotion) for a in cell.actions if a.emotion is not None)
    if not drawn:
        return EmotionPoint(stage.id, cell.emotion, cell.emotion_evidence, felt)
    evidence: str = cell.emotion_evidence
    if cell.emotion is None and felt:  # the stage's feeling is its actions' mean
        evidence = _strongest([a.evidence for a in cell.actions if a.emotion is not None])
    return EmotionPoint(stage.id, cell.stage_emotion(), evidence, felt)


def build_layout(
    project: Project, journey_id: str | None = None, lang: str = "en", drawn: bool = True
) -> MapLayout:
    """Lay out one journey of the project (the first one when no id is given).

    ``drawn`` lays it out as the map draws it, backstage touchpoints below the line of
    visibility; ``drawn=False`` keeps every touchpoint in its lane, as the project stores it
    (for tables that must read back unchanged).

    ``lang`` only translates stage names that are still the untouched defaults.
    """
    check_language(lang)
    journey = project.journey(journey_id)
    if not project.stages:
        raise CJMError(t("errors.map.no_stages", lang, project=repr(project.name)))
    try:
        persona = project.persona(journey.persona)
        persona_name, persona_quote = persona.name, persona.quote
    except CJMError:
        persona_name, persona_quote = journey.persona, ""

    lane_order = ordered_lanes(journey)
    stages = journey_stages(project, journey)
    if not stages:
        raise CJMError(t("errors.map.no_stages", lang, project=repr(project.name)))
    cells = [journey.cell(stage.id) for stage in stages]
    changes = {c.id: c for c in journey.touchpoint_changes}
    if drawn:
        ids = touchpoint_ids_by_stage(project, journey, stages)
    else:
        ids = [list(cell.touchpoints) for cell in cells]
    touchpoints = [_touchpoint_cards(project, tp_ids, changes if drawn else None) for tp_ids in ids]
    # The customer sees only frontstage touchpoints; backstage ones (a barista's queue
    # screen) are drawn below the line of visibility, with the internal tools.
    seen = [tuple(c for c in tps if not (drawn and c.backstage)) for tps in touchpoints]
    unseen = [tuple(c for c in tps if drawn and c.backstage) for tps in touchpoints]
    if "touchpoints" in lane_order and any(unseen) and BACKSTAGE_TOOLS not in lane_order:
        lane_order = (*lane_order, BACKSTAGE_TOOLS)

    lanes = []
    for lane in lane_order:
        if lane == "emotions":
            continue
        if lane == "touchpoints":
            row = tuple(seen)
        elif lane == "channels":
            row = tuple(_channel_cards(tps) for tps in seen)
        else:
            row = tuple(_note_cards(getattr(cell, lane)) for cell in cells)
        if lane == BACKSTAGE_TOOLS and "touchpoints" in lane_order:
            row = tuple(back + notes for back, notes in zip(unseen, row))
        lanes.append(LaneView(lane=lane, backstage=lane in BACKSTAGE_LANES, cells=row))

    emotions = tuple(_emotion_point(stage, cell, drawn) for stage, cell in zip(stages, cells))
    return MapLayout(
        project_name=project.name,
        journey_id=journey.id,
        journey_name=journey.name,
        map_type=journey.map_type,
        persona_id=journey.persona,
        persona_name=persona_name,
        persona_quote=persona_quote,
        stages=tuple(
            StageView(s.id, stage_label(s, lang), s.description, s.phase, s.time_span, s.clock)
            for s in stages
        ),
        lanes=tuple(lanes),
        lane_order=lane_order,
        emotions=emotions,
        emotion_scale=project.top_emotion,
    )
