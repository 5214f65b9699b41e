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


@dataclass(frozen=True)
class StageView:
    id: str
    name: str
    description: str


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
    """The feeling at one stage: -2..+2, or None when it was not recorded."""

    stage_id: str
    score: int | None
    evidence: str


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


def _touchpoint_cards(project: Project, ids: list[str]) -> tuple[CardView, ...]:
    known = {tp.id: tp for tp in project.touchpoints}
    cards = []
    for tp_id in ids:
        tp = known.get(tp_id)
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


def _channel_cards(touchpoints: tuple[CardView, ...]) -> tuple[CardView, ...]:
    """One card per distinct channel of the stage's touchpoints, in first-seen order."""
    levels: dict[str, list[str]] = {}
    for card in touchpoints:
        if card.detail.strip():
            levels.setdefault(card.detail.strip(), []).append(card.evidence)
    return tuple(CardView(text=name, evidence=_strongest(lv)) for name, lv in levels.items())


def _note_cards(notes: list) -> tuple[CardView, ...]:
    return tuple(
        CardView(text=n.text, evidence=n.evidence, ref=getattr(n, "id", "")) for n in notes
    )


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
    cells = [journey.cell(stage.id) for stage in project.stages]
    touchpoints = [_touchpoint_cards(project, cell.touchpoints) for cell in cells]
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

    emotions = tuple(
        EmotionPoint(stage.id, cell.emotion, cell.emotion_evidence)
        for stage, cell in zip(project.stages, cells)
    )
    return MapLayout(
        project_name=project.name,
        journey_id=journey.id,
        journey_name=journey.name,
        map_type=journey.map_type,
        persona_id=journey.persona,
        persona_name=persona_name,
        persona_quote=persona_quote,
        stages=tuple(StageView(s.id, stage_label(s, lang), s.description) for s in project.stages),
        lanes=tuple(lanes),
        lane_order=lane_order,
        emotions=emotions,
    )
