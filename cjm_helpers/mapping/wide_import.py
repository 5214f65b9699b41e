"""Read the wide map layout (one column per stage, one row per lane) into a journey.

This is the layout design tools and spreadsheets use, so a learner can start a
map in a spreadsheet and continue in the notebooks. Every problem names the
file, the row and the column (as a spreadsheet shows them: row 1 is the header,
column A the lane names) and says what to do. Our own wide export
(:func:`cjm_helpers.mapping.tabular.journey_wide_table`) reads back unchanged:
evidence marks like ``[observed]``, the apostrophe that guards formulas, and the
real minus sign of emotion scores are all understood.
"""

from __future__ import annotations

__all__ = [
    "MAX_BYTES",
    "NOTE_LANES",
    "PAIN_LANES",
    "WideMap",
    "cards_in",
    "column_letter",
    "decode",
    "import_wide_csv",
    "import_wide_rows",
    "parse_emotion",
    "parse_wide",
    "read_rows",
    "split_card",
    "unguard",
]

import csv
import io
import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import DataError, ProjectInvalid
from ..files import NotUtf8, decode_utf8
from ..i18n import LANGUAGES, check_language, t
from ..model import (
    DEFAULT_LANES,
    EVIDENCE_LEVELS,
    LANES,
    NOTE_LANES,
    PAIN_LANES,
    Journey,
    Note,
    PainPoint,
    Persona,
    Project,
    Stage,
    StageCell,
    Touchpoint,
)
from ..store import project_to_data
from ..text import ID_PATTERN, fold, slug, unique_id
from ..validation import validate_project
from .labels import evidence_label, lane_label
from .layout import stage_label
from .tabular import restore

MAX_BYTES = 5_000_000
_EVIDENCE_MARK = re.compile(r"\s*\[([^\[\]]{1,40})\]\s*$")
_EMOTION = re.compile(r"^[+]?(-?\d+(?:[.,]\d+)?)$")  # "2", "+1", "-1.5", "2,0" from spreadsheets


def column_letter(index: int) -> str:
    """0 -> 'A', 25 -> 'Z', 26 -> 'AA': columns named as a spreadsheet names them."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _key(text: str) -> str:
    """Text compared loosely: case, accents, spacing and punctuation do not matter."""
    return " ".join(re.sub(r"[^\w]+", " ", fold(text)).split())


def unguard(text: str) -> str:
    """Remove the apostrophe our exports put before text that a spreadsheet would run."""
    return restore(text)


@dataclass
class _Where:
    """Where a problem is: the file, and a row and column as a spreadsheet shows them."""

    source: str
    lang: str

    def fail(
        self, key: str, row: int | None = None, col: int | None = None, **values: object
    ) -> DataError:
        where = self.source
        if row is not None:
            where += ", " + t("map.import.row", self.lang, row=row)
        if col is not None:
            where += ", " + t("map.import.column", self.lang, column=column_letter(col))
        return DataError(f"{where}: {t(f'map.import.error.{key}', self.lang, **values)}")


@dataclass
class WideMap:
    """The wide file read into plain lists: stage names, and lane -> (row number, cells)."""

    stages: list[str]
    lanes: dict[str, tuple[int, list[str]]] = field(default_factory=dict)


def _lane_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for lane in LANES:
        names[_key(lane)] = lane
        names[_key(lane.replace("_", " "))] = lane
        for lang in LANGUAGES:
            names[_key(lane_label(lane, lang))] = lane
    return names


def _evidence_names() -> dict[str, str]:
    names = {}
    for level in EVIDENCE_LEVELS:
        names[_key(level)] = level
        for lang in LANGUAGES:
            names[_key(evidence_label(level, lang))] = level
    return names


def decode(raw: bytes, where: _Where) -> str:
    try:
        return decode_utf8(raw)
    except NotUtf8 as exc:
        raise where.fail("not_utf8", row=exc.line) from None


def read_rows(text: str, where: _Where) -> list[list[str]]:
    """CSV rows, with the delimiter (comma, semicolon or tab) guessed from the header line."""
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise where.fail("bad_csv", detail=str(exc)) from None


def parse_wide(rows: list[list[str]], where: _Where) -> WideMap:
    """Check the shape of the table and sort its rows into lanes."""
    rows = [[cell.strip("\ufeff") for cell in row] for row in rows]
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    if not rows:
        raise where.fail("empty")
    header = rows[0]
    while len(header) > 1 and not header[-1].strip():
        header = header[:-1]
    stages = [unguard(h.strip()) for h in header[1:]]
    if not stages:
        raise where.fail("no_stages", row=1)
    for col, name in enumerate(stages, start=1):
        if not name:
            raise where.fail("empty_stage", row=1, col=col)
    wide = WideMap(stages)
    known = _lane_names()
    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        extra = [i for i, c in enumerate(row) if i > len(stages) and c.strip()]
        if extra:
            raise where.fail("extra_cell", row=number, col=extra[0], stages=len(stages))
        name = unguard(row[0].strip()) if row else ""
        if not name:
            raise where.fail("no_lane", row=number, col=0)
        lane = known.get(_key(name))
        if lane is None:
            choices = ", ".join(lane_label(x, where.lang) for x in LANES)
            raise where.fail("unknown_lane", row=number, col=0, lane=name, lanes=choices)
        if lane in wide.lanes:
            raise where.fail(
                "repeated_lane", row=number, col=0, lane=name, first=wide.lanes[lane][0]
            )
        cells = [c for c in row[1:]] + [""] * (len(stages) - len(row) + 1)
        wide.lanes[lane] = (number, cells[: len(stages)])
    if not wide.lanes:
        raise where.fail("no_lanes", row=2)
    return wide


def split_card(line: str) -> tuple[str, str | None]:
    """'Pays at the counter [observed]' -> ('Pays at the counter', 'observed'); no mark: None."""
    match = _EVIDENCE_MARK.search(line)
    if match:
        level = _evidence_names().get(_key(match.group(1)))
        if level is not None:
            return line[: match.start()].strip(), level
    return line.strip(), None


def cards_in(cell: str) -> list[tuple[str, str]]:
    """The cards of one cell, one per line, each with its evidence (assumed when unmarked)."""
    out = []
    for line in cell.splitlines():
        text, level = split_card(unguard(line.strip()))
        if text:
            out.append((text, level or "assumed"))
    return out


def parse_emotion(
    cell: str, where: _Where, row: int, col: int, top: int = 2
) -> tuple[float | None, str]:
    """A score in halves from -top to +top (the project's scale); whole numbers stay whole."""
    text, level = split_card(unguard(cell.strip()))
    if not text:
        return None, "assumed"
    normal = text.replace("\u2212", "-").replace("\u2013", "-").replace(" ", "")
    match = _EMOTION.match(normal)
    value = float(match.group(1).replace(",", ".")) if match else math.nan
    if not (-top <= value <= top and (2 * value).is_integer()):
        raise where.fail("bad_emotion", row=row, col=col, value=text)
    return (int(value) if value.is_integer() else value), level or "assumed"


def _match_stages(project: Project, names: list[str], where: _Where) -> list[Stage]:
    """The project's stage for each column, adding a new stage for a name the project lacks.

    A column matches a stage by id, by name, or by a default name in any language;
    two stages that share a name match their columns in order ('Visit', 'Visit (2)').
    """
    known: dict[str, list[Stage]] = {}
    for stage in project.stages:
        keys = {_key(stage.id), _key(stage.name)} | {
            _key(stage_label(stage, lang)) for lang in LANGUAGES
        }
        for key in keys:
            known.setdefault(key, []).append(stage)
    taken = {s.id for s in project.stages}
    chosen: list[Stage] = []
    for col, name in enumerate(names, start=1):
        used = {s.id for s in chosen}
        options = known.get(_key(name)) or known.get(_key(re.sub(r"\s*\(\d+\)$", "", name))) or []
        free = [s for s in options if s.id not in used]
        if options and not free:
            raise where.fail("repeated_stage", row=1, col=col, stage=name)
        if free:
            stage = free[0]
        else:
            stage = Stage(id=unique_id(slug(name), taken), name=name[:200])
            taken.add(stage.id)
            known.setdefault(_key(name), []).append(stage)
        chosen.append(stage)
    return chosen


def _merged_stages(project: Project, chosen: list[Stage]) -> list[Stage]:
    """The project's stages with new ones inserted after the column before them."""
    stages = list(project.stages)
    ids = {s.id for s in stages}
    after: str | None = None
    for stage in chosen:
        if stage.id not in ids:
            pos = 0 if after is None else [s.id for s in stages].index(after) + 1
            stages.insert(pos, stage)
            ids.add(stage.id)
        after = stage.id
    return stages


@dataclass
class _Builder:
    """Turns the wide cells into a journey, creating the touchpoints the project lacks."""

    project: Project
    where: _Where
    replaced: Journey | None
    touchpoints: list[Touchpoint] = field(default_factory=list)
    pain_ids: set[str] = field(default_factory=set)
    reuse: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.touchpoints = list(self.project.touchpoints)
        for journey in self.project.journeys:
            if self.replaced is not None and journey.id == self.replaced.id:
                continue
            for cell in journey.stages.values():
                self.pain_ids |= {pp.id for pp in cell.pain_points + cell.internal_pain_points}
        if self.replaced is not None:
            for cell in self.replaced.stages.values():
                for pp in cell.pain_points + cell.internal_pain_points:
                    self.reuse.setdefault(_key(pp.text), pp.id)

    def touchpoint(self, name: str, stage: str, evidence: str) -> str:
        """The id of the touchpoint with this id or name, added to the project when new."""
        for tp in self.touchpoints:
            if name == tp.id or _key(name) == _key(tp.name):
                return tp.id
        new = Touchpoint(
            id=unique_id("tp-" + slug(name), {tp.id for tp in self.touchpoints}),
            name=name[:300],
            stage=stage,
            evidence=evidence,
        )
        self.touchpoints.append(new)
        return new.id

    def pain_id(self, text: str) -> str:
        wanted = self.reuse.pop(_key(text), None)
        if wanted is None or wanted in self.pain_ids:
            wanted = unique_id("pp-" + slug(text), self.pain_ids | set(self.reuse.values()))
        self.pain_ids.add(wanted)
        return wanted

    def cell(self, wide: WideMap, col: int, stage: Stage) -> StageCell:
        values: dict[str, Any] = {}
        for lane, (row, cells) in wide.lanes.items():
            raw = cells[col]
            try:
                if lane == "emotions":
                    score, level = parse_emotion(
                        raw, self.where, row, col + 1, self.project.top_emotion
                    )
                    values["emotion"], values["emotion_evidence"] = score, level
                elif lane == "touchpoints":
                    values["touchpoints"] = [
                        self.touchpoint(text, stage.id, level) for text, level in cards_in(raw)
                    ]
                elif lane in PAIN_LANES:
                    values[lane] = [
                        PainPoint(id=self.pain_id(text), text=text, evidence=level)
                        for text, level in cards_in(raw)
                    ]
                elif lane in NOTE_LANES:
                    values[lane] = [
                        Note(text=text, evidence=level) for text, level in cards_in(raw)
                    ]
            except ValidationError as exc:
                detail = "; ".join(e["msg"] for e in exc.errors())
                raise self.where.fail("bad_card", row=row, col=col + 1, detail=detail) from None
        cell = StageCell(**values)
        self._channels(wide, col, stage, cell)
        return cell

    def _channels(self, wide: WideMap, col: int, stage: Stage, cell: StageCell) -> None:
        """Channels named in the file go to the stage's new touchpoints that have none yet."""
        if "channels" not in wide.lanes:
            return
        channels = [text for text, _ in cards_in(wide.lanes["channels"][1][col])]
        new = [
            tp
            for tp in self.touchpoints
            if tp.id in cell.touchpoints and tp not in self.project.touchpoints and not tp.channel
        ]
        if not channels or not new:
            return
        if len(channels) == len(new):
            pairs: Iterable[tuple[Touchpoint, str]] = zip(new, channels)
        elif len(channels) == 1:
            pairs = ((tp, channels[0]) for tp in new)
        else:
            return
        for tp, channel in pairs:
            tp.channel = channel


def _journey_id(wanted: str | None, project: Project, stem: str, source: str, lang: str) -> str:
    """The id asked for, else one made from the file's name that no journey has yet."""
    journey_id = wanted or unique_id(slug(stem), {j.id for j in project.journeys})
    if not ID_PATTERN.match(journey_id):
        raise DataError(
            t("errors.map.bad_journey_id", lang, source=source, journey=repr(journey_id))
        )
    return journey_id


def _persona_id(
    result: Project, persona: str | None, replaced: Journey | None, where: _Where
) -> str:
    """The persona the journey belongs to: the one asked for, the replaced journey's, or the primary.

    A project without personas gets a default one (added to ``result``), so the map has an owner.
    """
    persona_id = persona or (replaced.persona if replaced else None)
    if persona_id is not None:
        if persona_id not in {p.id for p in result.personas}:
            known = ", ".join(p.id for p in result.personas) or "-"
            raise where.fail("unknown_persona", persona=persona_id, known=known)
        return persona_id
    primary = result.primary_persona()
    if primary is None:
        primary = Persona(id="customer", name=t("map.import.persona_default", where.lang))
        result.personas.append(primary)
    return primary.id


def _journey(
    wide: WideMap,
    cells: dict[str, StageCell],
    journey_id: str,
    persona_id: str,
    replaced: Journey | None,
    name: str | None,
    map_type: str | None,
    stem: str,
    lang: str,
) -> Journey:
    """The imported journey; unnamed details come from the journey it replaces, else defaults."""
    kind = map_type or (replaced.map_type if replaced else "current_state")
    default_name = replaced.name if replaced else t("map.import.journey_default", lang, file=stem)
    journey = Journey(
        id=journey_id,
        name=(name or default_name)[:200],
        persona=persona_id,
        map_type=kind,
        lanes=[],
        compares_to=replaced.compares_to if replaced else None,
        stages=cells,
        # the sheet holds neither of these: keep what the journey had
        stages_shown=replaced.stages_shown if replaced else [],
        touchpoint_changes=replaced.touchpoint_changes if replaced else [],
    )
    lanes = list(wide.lanes)
    if tuple(lanes) != DEFAULT_LANES[kind] or (replaced is not None and replaced.lanes):
        journey.lanes = lanes  # type: ignore[assignment]  # the file's lanes, unless just the defaults
    return journey


def _keep_action_emotions(cell: StageCell, before: StageCell) -> StageCell:
    """The sheet has no place for an action's own emotion: keep the one an action of that text had."""
    felt = {a.text: a.emotion for a in before.actions if a.emotion is not None}
    if felt:
        cell.actions = [a.model_copy(update={"emotion": felt.get(a.text)}) for a in cell.actions]
    return cell


def import_wide_rows(
    rows: list[list[str]],
    project: Project,
    journey_id: str | None = None,
    persona: str | None = None,
    name: str | None = None,
    map_type: str | None = None,
    source: str = "<table>",
    lang: str = "en",
) -> Project:
    """A copy of the project with the wide table as journey ``journey_id`` (replaced or added)."""
    check_language(lang)
    where = _Where(source, lang)
    wide = parse_wide(rows, where)
    stem = Path(source).name.split(".")[0] or "map"
    journey_id = _journey_id(journey_id, project, stem, source, lang)
    replaced = next((j for j in project.journeys if j.id == journey_id), None)
    result = project.model_copy(deep=True)
    persona_id = _persona_id(result, persona, replaced, where)

    chosen = _match_stages(result, wide.stages, where)
    builder = _Builder(result, where, replaced)
    cells = {stage.id: builder.cell(wide, i, stage) for i, stage in enumerate(chosen)}
    cells = {k: v for k, v in cells.items() if v != StageCell()}
    if replaced is not None:
        cells = {k: _keep_action_emotions(v, replaced.cell(k)) for k, v in cells.items()}
    journey = _journey(wide, cells, journey_id, persona_id, replaced, name, map_type, stem, lang)
    result.stages = _merged_stages(result, chosen)
    result.touchpoints = builder.touchpoints
    if replaced is not None:
        result.journeys = [journey if j.id == journey_id else j for j in result.journeys]
    else:
        result.journeys.append(journey)
    try:
        return validate_project(project_to_data(result), source)
    except ProjectInvalid as exc:
        raise where.fail("invalid", detail="; ".join(str(p) for p in exc.problems)) from None


def import_wide_csv(
    path: str | os.PathLike[str],
    project: Project,
    journey_id: str | None = None,
    persona: str | None = None,
    name: str | None = None,
    map_type: str | None = None,
    lang: str = "en",
) -> Project:
    """Read a wide CSV file (stages as columns, lanes as rows) into a journey of the project."""
    path = Path(path)
    where = _Where(str(path), check_language(lang))
    from ..files import read_bytes_bounded

    raw = read_bytes_bounded(
        path, MAX_BYTES, "sheet", DataError, where.lang
    )  # regular files only, bounded
    rows = read_rows(decode(raw, where), where)
    return import_wide_rows(rows, project, journey_id, persona, name, map_type, str(path), lang)
