"""The journey project: one validated object that holds everything a map needs.

This module is the spine of the package. It imports nothing else of ours except
the error types, so every other module can depend on it. Structure is checked
by pydantic; the cross-references between parts (a touchpoint's stage exists, a
journey's persona exists, ...) are checked in :mod:`cjm_helpers.references`.
"""

from __future__ import annotations

__all__ = [
    "BACKSTAGE_LANES",
    "CARD_LANES",
    "DATA_SOURCE_KINDS",
    "DATE_FORMATS",
    "DEFAULT_LANES",
    "DEFAULT_STAGES",
    "EVIDENCE_LEVELS",
    "GOAL_TYPES",
    "KPI",
    "LANES",
    "MAP_TYPES",
    "NOTE_LANES",
    "OPPORTUNITY_STATUSES",
    "PAIN_LANES",
    "PHASES",
    "RESOURCE_KINDS",
    "RESOURCE_STATUSES",
    "REVIEW_CADENCES",
    "SCHEMA_VERSION",
    "TOUCHPOINT_STATUSES",
    "VISIBILITIES",
    "Action",
    "ActionNote",
    "Card",
    "DataFiles",
    "DataSource",
    "DataSourceKind",
    "Demographics",
    "EmotionScore",
    "EmpathyMap",
    "EvidenceLevel",
    "GoalType",
    "Id",
    "Journey",
    "Lane",
    "MapType",
    "Note",
    "Objectives",
    "Opportunity",
    "OpportunityStatus",
    "PainPoint",
    "Part",
    "Persona",
    "Phase",
    "Project",
    "Resource",
    "ResourceKind",
    "ResourceStatus",
    "ReviewCadence",
    "Score",
    "Share",
    "Stage",
    "StageCell",
    "TargetPersona",
    "TeamMember",
    "Touchpoint",
    "TouchpointChange",
    "TouchpointStatus",
    "Visibility",
    "WalkthroughEntry",
]

import datetime as dt
import re
from typing import Annotated, Final, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    field_validator,
)
from pydantic_core import PydanticCustomError

from .errors import CJMError
from .i18n import t
from .text import ID_PATTERN

SCHEMA_VERSION: Final = 2

Id = Annotated[
    str,
    StringConstraints(pattern=ID_PATTERN.pattern),
]
"""Identifier of a part: lower-case letters, digits, '-' and '_', at most 64."""

EvidenceLevel = Literal["observed", "reported", "assumed", "planned"]
"""How a card is known: seen in data or the walkthrough, told by someone, guessed, or
only planned (a future-state design that does not exist yet)."""

EVIDENCE_LEVELS: tuple[str, ...] = get_args(EvidenceLevel)


def _whole_stays_whole(value: float) -> float:
    """1.0 is kept as 1, so a file that said ``emotion: 1`` is saved as it was."""
    return int(value) if value == int(value) else value


EmotionScore = Annotated[
    float,
    Field(multiple_of=0.5),
    AfterValidator(_whole_stays_whole),
    PlainSerializer(_whole_stays_whole, return_type=int | float),
]
"""Feeling at a moment of the journey in steps of a half, from -2 (very negative) to +2
(very positive), or -3 to +3 when the project's ``emotion_scale`` is 3 (the range is
checked against the project's scale with the other cross-part checks)."""

EmotionScale = Literal[2, 3]
"""The largest emotion a project uses: 2 for a -2..+2 scale, 3 for -3..+3."""

Phase = Literal["before", "during", "after"]
"""Where a stage sits around the service: before it, during it, or after it."""
PHASES: tuple[str, ...] = get_args(Phase)

TouchpointStatus = Literal["new", "changed", "retired"]
"""What a future-state journey does to a touchpoint: adds it, changes it, or retires it."""
TOUCHPOINT_STATUSES: tuple[str, ...] = get_args(TouchpointStatus)

_CLOCK = r"^([01]\d|2[0-3]):[0-5]\d$"

Score = Annotated[int, Field(ge=1, le=5)]
"""A 1-5 rating used for impact, effort and persona fit."""

Share = Annotated[float, Field(ge=0.0, le=1.0)]
"""A fraction between 0 and 1."""

MapType = Literal["current_state", "day_in_the_life", "future_state", "service_blueprint"]
MAP_TYPES: tuple[str, ...] = get_args(MapType)

Lane = Literal[
    "actions",
    "touchpoints",
    "channels",
    "thoughts",
    "emotions",
    "pain_points",
    "opportunities",
    "internal_actors",
    "internal_tools",
    "internal_process",
    "internal_pain_points",
    "activities",
    "context",
]
LANES: tuple[str, ...] = get_args(Lane)
BACKSTAGE_LANES: tuple[str, ...] = (
    "internal_actors",
    "internal_tools",
    "internal_process",
    "internal_pain_points",
)
"""Lanes drawn below the line of visibility in a service blueprint."""
PAIN_LANES: tuple[str, ...] = ("pain_points", "internal_pain_points")
"""Lanes whose cards are pain points, each with an id that actions and opportunities refer to."""
CARD_LANES: tuple[str, ...] = tuple(
    lane for lane in LANES if lane not in ("touchpoints", "channels", "emotions")
)
"""Lanes whose cards are notes or pain points stored in the journey's stage cells."""
NOTE_LANES: tuple[str, ...] = tuple(lane for lane in CARD_LANES if lane not in PAIN_LANES)
"""Lanes whose cards are plain notes."""

DEFAULT_LANES: dict[str, tuple[str, ...]] = {
    "current_state": (
        "actions",
        "touchpoints",
        "channels",
        "thoughts",
        "emotions",
        "pain_points",
        "opportunities",
    ),
    "day_in_the_life": (
        "activities",
        "context",
        "actions",
        "touchpoints",
        "thoughts",
        "emotions",
        "pain_points",
    ),
    "future_state": ("actions", "touchpoints", "channels", "emotions", "opportunities"),
    "service_blueprint": (
        "actions",
        "touchpoints",
        "channels",
        "emotions",
        "pain_points",
        *BACKSTAGE_LANES,
    ),
}

DEFAULT_STAGES: tuple[tuple[str, str], ...] = (
    ("awareness", "Awareness"),
    ("consideration", "Consideration"),
    ("purchase", "Purchase"),
    ("retention", "Retention"),
    ("advocacy", "Advocacy"),
)

ResourceKind = Literal["people", "tools", "budget", "data"]
ResourceStatus = Literal["have", "need"]
DataSourceKind = Literal["internal", "external", "new"]
Visibility = Literal["frontstage", "backstage"]
OpportunityStatus = Literal["idea", "planned", "in_progress", "done", "dropped"]
GoalType = Literal["optimise_service", "find_growth", "new_product", "onboarding", "other"]
ReviewCadence = Literal["monthly", "quarterly", "half_yearly", "yearly"]

# Each vocabulary is written once, as the Literal the model checks; the tuples that forms,
# tables and the CLI offer as choices are read from it.
RESOURCE_KINDS: tuple[str, ...] = get_args(ResourceKind)
RESOURCE_STATUSES: tuple[str, ...] = get_args(ResourceStatus)
DATA_SOURCE_KINDS: tuple[str, ...] = get_args(DataSourceKind)
VISIBILITIES: tuple[str, ...] = get_args(Visibility)
GOAL_TYPES: tuple[str, ...] = get_args(GoalType)
REVIEW_CADENCES: tuple[str, ...] = get_args(ReviewCadence)
OPPORTUNITY_STATUSES: tuple[str, ...] = get_args(OpportunityStatus)


class Part(BaseModel):
    """Base of every part: unknown fields are refused so typos surface at once.

    Validators are built when a model is first used (a project builds every part's at once),
    not as each class is defined: a command starts sooner, one that reads no project most.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True, defer_build=True)


class Card(Part):
    """A part that makes a claim about customers, so it says how that claim is known."""

    evidence: EvidenceLevel = "assumed"


class Note(Card):
    """One sticky note on the map: a short text and how it is known."""

    text: Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class PainPoint(Note):
    """A pain point, with an id so opportunities can say which ones they address."""

    id: Id


# --- step 1: objectives ------------------------------------------------------


class TeamMember(Part):
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    role: str = ""
    department: str = ""


class Stakeholder(Part):
    """Someone whose support the map needs, placed on the influence x interest grid (step 1).

    Influence is how much they can help or block the changes; interest is how much
    the journey matters to them. Both are 1-5; 4 and 5 count as high.
    """

    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    role: str = ""
    department: str = ""
    influence: Score = 3
    interest: Score = 3
    concerns: str = ""
    """What they care about, so the brief answers it."""


class DataSource(Part):
    """Where evidence comes from: internal records, external studies, or new research."""

    kind: DataSourceKind
    name: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    description: str = ""


class Objectives(Part):
    """Why the map exists and how the team will know it helped (step 1)."""

    business_question: str = ""
    goal_type: GoalType = "optimise_service"
    scope: str = ""
    experience: str = ""
    success_metrics: list[str] = Field(default_factory=list)
    team: list[TeamMember] = Field(default_factory=list)
    stakeholders: list[Stakeholder] = Field(default_factory=list)
    data_sources: list[DataSource] = Field(default_factory=list)
    review_cadence: ReviewCadence = "quarterly"
    next_review: dt.date | None = None


# --- step 2: personas --------------------------------------------------------


class Demographics(Part):
    age_band: str = ""
    income_band: str = ""
    family_status: str = ""
    location: str = ""
    occupation: str = ""


class EmpathyMap(Part):
    says: list[str] = Field(default_factory=list)
    thinks: list[str] = Field(default_factory=list)
    does: list[str] = Field(default_factory=list)
    feels: list[str] = Field(default_factory=list)


class Persona(Card):
    """A customer archetype drawn from research (step 2)."""

    id: Id
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    quote: str = ""
    demographics: Demographics = Field(default_factory=Demographics)
    goals: list[str] = Field(default_factory=list)
    needs: list[str] = Field(default_factory=list)
    pains: list[str] = Field(default_factory=list)
    preferred_channels: list[str] = Field(default_factory=list)
    hears_about_products_via: list[str] = Field(default_factory=list)
    searches_in: list[str] = Field(default_factory=list)
    content_formats: list[str] = Field(default_factory=list)
    jobs_to_be_done: list[str] = Field(default_factory=list)
    empathy_map: EmpathyMap = Field(default_factory=EmpathyMap)
    share_of_customers: Share | None = None
    value: Annotated[float, Field(ge=0)] | None = None
    """Typical yearly revenue from one customer of this persona, in the project currency."""
    segment: Annotated[str, StringConstraints(max_length=200)] = ""
    """The survey segment (a value of its ``segment`` column) this persona stands for; empty: none.

    A report for one persona uses only that segment's answers and users; without
    the link it shows no data rather than everyone's."""


# --- step 3: target personas -------------------------------------------------


class TargetPersona(Part):
    """A persona chosen to map, with the scores that chose it (step 3)."""

    persona: Id
    share_score: Score = 3
    value_score: Score = 3
    strategic_fit: Score = 3
    primary: bool = False

    @property
    def total(self) -> int:
        return self.share_score + self.value_score + self.strategic_fit


# --- step 4: stages and touchpoints ------------------------------------------


class Stage(Part):
    id: Id
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    description: str = ""
    phase: Phase | None = None
    """Before, during or after the service; the map groups stages by it. None: not grouped."""
    time_span: Annotated[str, StringConstraints(max_length=100)] = ""
    """How long or when the stage lasts, in the project's words: "first 2 weeks", "day 1"."""
    clock: str = ""
    """For a day in the life: the time of day the stage starts, as HH:MM ("07:30")."""

    @field_validator("clock", mode="before")
    @classmethod
    def _clock_from_minutes(cls, value: object) -> object:
        # YAML 1.1 reads an unquoted 12:30 as 750 (minutes in base 60): turn it back.
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
            return f"{value // 60:02d}:{value % 60:02d}"
        if isinstance(value, str) and (value == "" or re.match(_CLOCK, value)):
            return value
        raise PydanticCustomError(
            "clock",
            "is {shown}; write a time of day as HH:MM, such as '07:30', or leave it empty",
            {"shown": repr(value)[:80]},
        )


class Touchpoint(Card):
    """A place where the customer meets the business (step 4)."""

    id: Id
    name: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    stage: Id
    channel: str = ""
    device: str = ""
    owner_department: str = ""
    visibility: Visibility = "frontstage"
    events: list[str] = Field(default_factory=list)
    """Event names in analytics logs that mean this touchpoint happened."""


# --- step 5: journeys and the map ---------------------------------------------


class ActionNote(Note):
    """One thing the persona does in a stage, with how it felt (a stage may hold several)."""

    emotion: EmotionScore | None = None


class TouchpointChange(Card):
    """A touchpoint one (future-state) journey adds, changes or retires for itself.

    The project's inventory stays as it is today; the journey says what will differ, and
    its cards carry their own evidence ("planned") instead of the live inventory's.
    """

    evidence: EvidenceLevel = "planned"
    id: Id
    """The touchpoint changed or retired (an id of the inventory), or the new touchpoint's id."""
    status: TouchpointStatus
    name: Annotated[str, StringConstraints(max_length=300)] = ""
    """The name on the map; empty keeps the inventory's name (required for a new touchpoint)."""
    stage: Id | None = None
    """The stage it belongs to; None keeps the inventory's stage."""
    channel: str = ""
    visibility: Visibility | None = None
    note: Annotated[str, StringConstraints(max_length=1000)] = ""
    """What changes and why, in a sentence."""


class StageCell(Part):
    """What one journey shows for one stage, lane by lane."""

    actions: list[ActionNote] = Field(default_factory=list)
    touchpoints: list[Id] = Field(default_factory=list)
    thoughts: list[Note] = Field(default_factory=list)
    emotion: EmotionScore | None = None
    emotion_evidence: EvidenceLevel = "assumed"
    pain_points: list[PainPoint] = Field(default_factory=list)
    opportunities: list[Note] = Field(default_factory=list)
    internal_actors: list[Note] = Field(default_factory=list)
    internal_tools: list[Note] = Field(default_factory=list)
    internal_process: list[Note] = Field(default_factory=list)
    internal_pain_points: list[PainPoint] = Field(default_factory=list)
    activities: list[Note] = Field(default_factory=list)
    """What the persona does at this time, with or without our product (day in the life)."""
    context: list[Note] = Field(default_factory=list)
    """Where they are, who is around, what is at hand (day in the life)."""

    @field_validator("actions", mode="before")
    @classmethod
    def _plain_notes_as_actions(cls, value: object) -> object:
        # A plain Note (what every other lane holds) is an action without its own emotion.
        if isinstance(value, list):
            return [
                n.model_dump() if isinstance(n, Note) and not isinstance(n, ActionNote) else n
                for n in value
            ]
        return value

    def stage_emotion(self) -> float | None:
        """The stage's emotion: the one stated, else the mean of its actions' (to a half), else None."""
        if self.emotion is not None:
            return self.emotion
        felt = [a.emotion for a in self.actions if a.emotion is not None]
        if not felt:
            return None
        return round(2 * sum(felt) / len(felt)) / 2


class Journey(Part):
    """One path of one persona through the stages, drawn as one map."""

    id: Id
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    persona: Id
    map_type: MapType = "current_state"
    lanes: list[Lane] = Field(default_factory=list)
    """Lanes to draw, in order; empty means the map type's defaults."""
    compares_to: Id | None = None
    """For a future-state map: the current-state journey it improves on."""
    stages: dict[Id, StageCell] = Field(default_factory=dict)
    stages_shown: list[Id] = Field(default_factory=list)
    """The stages this map draws, in order (a day in the life: times of the day); empty: all."""
    touchpoint_changes: list[TouchpointChange] = Field(default_factory=list)
    """Touchpoints this journey adds, changes or retires for itself (future state)."""

    def chosen_lanes(self) -> tuple[str, ...]:
        return tuple(self.lanes) or DEFAULT_LANES[self.map_type]

    def cell(self, stage_id: str) -> StageCell:
        return self.stages.get(stage_id) or StageCell()


# --- step 6: resources --------------------------------------------------------


class Resource(Card):
    """People, tools, budget or data a touchpoint or department has or needs (step 6)."""

    id: Id
    kind: ResourceKind
    description: Annotated[str, StringConstraints(min_length=1, max_length=1000)]
    status: ResourceStatus = "have"
    touchpoint: Id | None = None
    department: str = ""
    owner: str = ""


class Raci(Part):
    """Who does one action, who answers for it, who is asked and who is told (step 6)."""

    action: Id
    responsible: list[Annotated[str, StringConstraints(min_length=1, max_length=200)]] = Field(
        default_factory=list
    )
    accountable: Annotated[str, StringConstraints(max_length=200)] = ""
    """The one person who answers for the result."""
    consulted: list[Annotated[str, StringConstraints(min_length=1, max_length=200)]] = Field(
        default_factory=list
    )
    informed: list[Annotated[str, StringConstraints(min_length=1, max_length=200)]] = Field(
        default_factory=list
    )


# --- step 7: walking the journey ----------------------------------------------


class WalkthroughEntry(Card):
    """One step the team took while walking the journey as the persona (step 7)."""

    evidence: EvidenceLevel = "observed"
    when: dt.datetime
    stage: Id
    touchpoint: Id | None = None
    action: str = ""
    friction: str = ""
    minutes: Annotated[float, Field(ge=0, le=24 * 60)] = 0.0
    emotion: EmotionScore = 0
    note: str = ""


# --- step 8: changes -----------------------------------------------------------


class KPI(Card):
    """A measure of the experience, with where it stands and where it should go."""

    evidence: EvidenceLevel = "observed"
    id: Id
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    definition: str = ""
    stage: Id | None = None
    touchpoint: Id | None = None
    unit: str = ""
    baseline: float | None = None
    current: float | None = None
    target: float | None = None
    source: str = ""


class Opportunity(Card):
    """A change that would remove pain points, scored for prioritisation (step 8)."""

    id: Id
    title: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    description: str = ""
    pain_points: list[Id] = Field(default_factory=list)
    impact: Score = 3
    effort: Score = 3
    reach: Annotated[int, Field(ge=0)] = 0
    """How many customers a quarter it would touch."""
    confidence: Share = 0.5
    owner: str = ""
    status: OpportunityStatus = "idea"
    due: dt.date | None = None
    kpis: list[Id] = Field(default_factory=list)

    @property
    def rice(self) -> float:
        """RICE priority: reach x impact x confidence / effort."""
        return self.reach * self.impact * self.confidence / self.effort


class Action(Part):
    """A concrete task that delivers an opportunity."""

    id: Id
    opportunity: Id
    title: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    owner: str = ""
    status: OpportunityStatus = "planned"
    due: dt.date | None = None


# --- the project ----------------------------------------------------------------


DATE_FORMATS: tuple[str, ...] = ("day-first", "month-first")
"""Named date orders; any other date format is a strptime pattern such as ``%d.%m.%Y %H:%M``."""


class DataFiles(Part):
    """Where the project's own data lives (relative to the project file) and how to read it.

    Everything that reads the data (the notebooks, ``cjm run``, ``cjm overlay``)
    takes these settings, so the same files give the same numbers everywhere.
    """

    events: str = ""
    survey: str = ""
    tickets: str = ""
    columns: Literal["ga4"] | dict[str, str] = Field(default_factory=dict)
    """The event log's column names: 'ga4' for a GA4 export, or {their name: user_id|timestamp|event|...}."""
    delimiter: Annotated[str, StringConstraints(max_length=1)] = ""
    """The cell separator of CSV event logs (one character, e.g. ';' or a tab); empty: a comma."""
    conversion_events: list[Annotated[str, StringConstraints(min_length=1, max_length=200)]] = (
        Field(default_factory=list)
    )
    """Event names that count as a conversion; empty: guessed from the names, and the guess reported."""
    date_format: str = ""
    """How dates are written when not YYYY-MM-DD: 'day-first', 'month-first' or a strptime pattern."""
    dedupe: bool | None = None
    """True: drop exact duplicate rows of the event log (they are counted and reported either way)."""
    periods: Annotated[
        list[Annotated[str, StringConstraints(min_length=1, max_length=200)]],
        Field(max_length=2),
    ] = Field(default_factory=list)
    """Two date ranges the report compares ('2026-09-01..2026-09-30', the earlier first); empty: none."""

    @field_validator("columns", mode="before")
    @classmethod
    def _columns_shape(cls, value: object) -> object:
        if value == "ga4" or (
            isinstance(value, dict)
            and all(isinstance(k, str) and isinstance(v, str) and k and v for k, v in value.items())
        ):
            return value
        raise PydanticCustomError(
            "columns_mapping",
            "is {shown}; write 'ga4' or lines like 'their_column: user_id' (one per column to rename)",
            {"shown": repr(value)[:80]},
        )

    @field_validator("date_format")
    @classmethod
    def _date_format_shape(cls, value: str) -> str:
        if value in ("", *DATE_FORMATS) or "%" in value:
            return value
        raise PydanticCustomError(
            "date_format",
            "is {shown}; use 'day-first', 'month-first' or a pattern such as '%d/%m/%Y %H:%M'",
            {"shown": repr(value)[:80]},
        )


def _default_stages() -> list[Stage]:
    return [Stage(id=i, name=n) for i, n in DEFAULT_STAGES]


class Project(Part):
    """Everything a journey map needs, as saved in one project file."""

    schema_version: Literal[2] = SCHEMA_VERSION
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    description: str = ""
    language: Literal["en", "id", "pl"] = "en"
    currency: str = "IDR"
    emotion_scale: EmotionScale | None = None
    """Emotions run from -2 to +2 (None or 2), or from -3 to +3 when this is 3."""
    data: DataFiles = Field(default_factory=DataFiles)
    objectives: Objectives = Field(default_factory=Objectives)
    personas: list[Persona] = Field(default_factory=list)
    target_personas: list[TargetPersona] = Field(default_factory=list)
    stages: list[Stage] = Field(default_factory=_default_stages)
    touchpoints: list[Touchpoint] = Field(default_factory=list)
    journeys: list[Journey] = Field(default_factory=list)
    resources: list[Resource] = Field(default_factory=list)
    raci: list[Raci] = Field(default_factory=list)
    """Responsible, accountable, consulted and informed per action."""
    walkthrough: list[WalkthroughEntry] = Field(default_factory=list)
    kpis: list[KPI] = Field(default_factory=list)
    opportunities: list[Opportunity] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)

    # lookups used by the map, the overlay and the checks ---------------------

    @property
    def top_emotion(self) -> int:
        """The largest emotion on this project's scale: 2, or 3 for a -3..+3 scale."""
        return self.emotion_scale or 2

    def stage_ids(self) -> list[str]:
        return [s.id for s in self.stages]

    def persona(self, persona_id: str) -> Persona:
        return _by_id(self.personas, persona_id, "persona")

    def journey(self, journey_id: str | None = None) -> Journey:
        """The journey with this id, or the first one when no id is given."""
        if journey_id is None:
            if not self.journeys:
                raise CJMError(t("errors.model.no_journeys", project=repr(self.name)))
            return self.journeys[0]
        return _by_id(self.journeys, journey_id, "journey")

    def touchpoint(self, touchpoint_id: str) -> Touchpoint:
        return _by_id(self.touchpoints, touchpoint_id, "touchpoint")

    def primary_persona(self) -> Persona | None:
        for target in self.target_personas:
            if target.primary:
                return self.persona(target.persona)
        return self.personas[0] if self.personas else None


def _by_id(items: list, wanted: str, kind: str):
    for item in items:
        if item.id == wanted:
            return item
    known = ", ".join(i.id for i in items) or t("errors.none_yet")
    raise CJMError(t(f"errors.model.no_{kind}", id=repr(wanted), known=known))
