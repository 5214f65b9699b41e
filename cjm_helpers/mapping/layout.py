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
    "CardView",
    "EmotionPoint",
    "LaneView",
    "MapLayout",
    "StageView",
    "build_layout",
    "compare_headings",
    "evidence_label",
    "lane_label",
    "map_type_label",
    "ordered_lanes",
    "stage_label",
]

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
from .labels import evidence_label, lane_label, map_type_label


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


_DEFAULT_STAGE_NAMES = dict(DEFAULT_STAGES)


def stage_label(stage: Stage, lang: str = "en") -> str:
    """The stage's own name, translated only when it is still the untouched default."""
    if _DEFAULT_STAGE_NAMES.get(stage.id) == stage.name:
        return t(f"common.stage.{stage.id}", lang)
    return stage.name


def journey_stages(project: Project, journey: Journey) -> list[Stage]:
    """The stages a journey's map draws: its ``stages_shown`` in that order, else all of them."""
    if not journey.stages_shown:
        return list(project.stages)
    known = {s.id: s for s in project.stages}
    return [known[i] for i in journey.stages_shown if i in known]


BACKSTAGE_TOOLS = "internal_tools"
"""The lane below the line of visibility where backstage touchpoints are drawn."""


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


def _persona_words(project: Project, journey: Journey) -> tuple[str, str]:
    """The persona's name and quote for the map's heading; the bare id when it is unknown."""
    try:
        persona = project.persona(journey.persona)
    except CJMError:
        return journey.persona, ""
    return persona.name, persona.quote


def _touchpoint_rows(
    project: Project, journey: Journey, stages: list[Stage], drawn: bool
) -> tuple[list[tuple[CardView, ...]], list[tuple[CardView, ...]]]:
    """Each stage's touchpoint cards, split into those the customer sees and backstage ones.

    The customer sees only frontstage touchpoints; drawn, backstage ones (a barista's
    queue screen) go below the line of visibility, with the internal tools.
    """
    if drawn:
        ids = touchpoint_ids_by_stage(project, journey, stages)
        changes = {c.id: c for c in journey.touchpoint_changes}
    else:
        ids = [list(journey.cell(stage.id).touchpoints) for stage in stages]
        changes = None
    touchpoints = [_touchpoint_cards(project, tp_ids, changes) for tp_ids in ids]
    seen = [tuple(c for c in tps if not (drawn and c.backstage)) for tps in touchpoints]
    unseen = [tuple(c for c in tps if drawn and c.backstage) for tps in touchpoints]
    return seen, unseen


def _lane_views(
    lane_order: tuple[str, ...],
    cells: list[StageCell],
    seen: list[tuple[CardView, ...]],
    unseen: list[tuple[CardView, ...]],
) -> tuple[LaneView, ...]:
    """One row per card lane, in order: touchpoints, their channels, or the cells' notes."""
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
    return tuple(lanes)


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
    stages = journey_stages(project, journey) if project.stages else []
    if not stages:
        raise CJMError(t("errors.map.no_stages", lang, project=repr(project.name)))
    cells = [journey.cell(stage.id) for stage in stages]
    seen, unseen = _touchpoint_rows(project, journey, stages, drawn)
    lane_order = ordered_lanes(journey)
    if "touchpoints" in lane_order and any(unseen) and BACKSTAGE_TOOLS not in lane_order:
        lane_order = (*lane_order, BACKSTAGE_TOOLS)
    # the heading's fields come first, in MapLayout's order: project, journey, map type, persona
    heading = (project.name, journey.id, journey.name, journey.map_type, journey.persona)
    return MapLayout(
        *heading,
        *_persona_words(project, journey),
        stages=tuple(
            StageView(s.id, stage_label(s, lang), s.description, s.phase, s.time_span, s.clock)
            for s in stages
        ),
        lanes=_lane_views(lane_order, cells, seen, unseen),
        lane_order=lane_order,
        emotions=tuple(_emotion_point(stage, cell, drawn) for stage, cell in zip(stages, cells)),
        emotion_scale=project.top_emotion,
    )
