"""The journey map as a static matplotlib figure, for PNG, SVG and PDF.

The figure is drawn on one axes whose units are inches (y grows downwards), so
every card is placed exactly and the page grows with the content: long texts
wrap, many cards make a lane taller, and the layout never overlaps. Text uses
DejaVu Sans (it covers Indonesian and Polish letters) and is never parsed as
mathtext, so a ``$`` in user text stays a dollar sign.
"""

from __future__ import annotations

__all__ = [
    "EMOTION_H",
    "FIT_MARGIN",
    "FONT_FAMILY",
    "FONT_PT",
    "GAP",
    "INK",
    "LABEL_W",
    "LANE_COLOURS",
    "LEGEND_ROW",
    "LINESTYLE",
    "LINE_IN",
    "MAX_CARD_LINES",
    "MUTED",
    "PAD",
    "SAVE_RC",
    "STAGE_BLUE",
    "STAGE_PT",
    "TEXT",
    "clip",
    "compare_figure",
    "map_figure",
    "save_figure",
    "text_width",
    "wrap",
]

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font

try:  # matplotlib 3.10 and later
    from matplotlib.ft2font import LoadFlags

    NO_HINTING = LoadFlags.NO_HINTING
except ImportError:  # matplotlib 3.8 and 3.9
    from matplotlib.ft2font import LOAD_NO_HINTING as NO_HINTING  # type: ignore[attr-defined,no-redef]
from matplotlib.patches import FancyBboxPatch, Rectangle

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

from ..i18n import t
from ..model import BACKSTAGE_LANES, EVIDENCE_LEVELS, TOUCHPOINT_STATUSES, Project
from .html import (
    CHANGE_COLOURS,
    EVIDENCE_MARK,
    LANE_COLOURS,
    PHASE_COLOURS,
    compare_lane_order,
    emotion_colour,
    label_above,
    resolve_pair,
    score_text,
)
from .labels import change_label, evidence_label, lane_label, map_type_label, phase_label
from .layout import CardView, EmotionPoint, MapLayout, build_layout, compare_headings
from .timeline import timeline_shares

FONT_FAMILY = "DejaVu Sans"
FONT_PT = 7.5
LINE_IN = FONT_PT * 1.32 / 72
STAGE_PT = FONT_PT + 0.5
FIT_MARGIN = 0.95
"""Wrap a little short of the measured width: rendering at a given dpi rounds glyphs wider."""
MAX_CARD_LINES = 14
"""A card longer than this is cut with an ellipsis in the figure (the HTML shows it all)."""

LABEL_W = 1.45
GAP = 0.05
PAD = 0.06
EMOTION_H = 1.25
LINESTYLE = {
    "observed": "solid",
    "reported": (0, (4, 2)),
    "assumed": (0, (1, 1.5)),
    "planned": (0, (6, 2, 1, 2)),
}
PHASE_H = 0.26
TAG_W = 0.62
"""Width in inches of the tag on a changed touchpoint (new, changed, retired)."""
CLOCK_H = 0.42
INK, MUTED, STAGE_BLUE = "#202124", "#5f6368", "#174ea6"
TEXT = {"parse_math": False, "family": FONT_FAMILY}


@dataclass(frozen=True)
class _Column:
    """One column of cards: a stage of one layout (two per stage in the as-is/to-be view)."""

    layout: MapLayout
    stage: int
    sub: str = ""


@dataclass(frozen=True)
class _Series:
    name: str
    points: Sequence[EmotionPoint]
    colour: str | None
    dashed: bool


@lru_cache(maxsize=2)
def _font(bold: bool) -> FT2Font:
    weight = "bold" if bold else "normal"
    font = FT2Font(
        font_manager.findfont(font_manager.FontProperties(family=FONT_FAMILY, weight=weight))
    )
    font.set_size(100, 72)
    return font


@lru_cache(maxsize=8192)
def _advance(ch: str, bold: bool) -> float:
    """Width of one character in ems of DejaVu Sans (its real advance, not a guess)."""
    font = _font(bold)
    try:
        glyph = font.load_char(ord(ch), flags=NO_HINTING)
    except (RuntimeError, ValueError, OverflowError):
        return 0.6
    return glyph.linearHoriAdvance / 65536 / 100


def text_width(text: str, size: float = FONT_PT, bold: bool = False) -> float:
    """Width of one line of text in inches, as the figure draws it."""
    return sum(_advance(ch, bold) for ch in text) * size / 72


def _fit(word: str, width_in: float, size: float, bold: bool) -> list[str]:
    """A word too long for the line, cut into pieces that fit."""
    pieces, piece = [], ""
    for ch in word:
        if piece and text_width(piece + ch, size, bold) > width_in:
            pieces.append(piece)
            piece = ""
        piece += ch
    return pieces + [piece]


def wrap(
    text: str,
    width_in: float,
    max_lines: int = MAX_CARD_LINES,
    size: float = FONT_PT,
    bold: bool = False,
) -> list[str]:
    """Wrap text to a width in inches by measured glyph widths, keeping the writer's line breaks.

    Text longer than ``max_lines`` ends with an ellipsis on the last line.
    """
    width_in = max(width_in, 0.3) * FIT_MARGIN
    lines: list[str] = []
    for paragraph in str(text).splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if text_width(candidate, size, bold) <= width_in:
                line = candidate
                continue
            if line:
                lines.append(line)
            pieces = _fit(word, width_in, size, bold)
            lines += pieces[:-1]
            line = pieces[-1]
        lines.append(line)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and text_width(last + " …", size, bold) > width_in:
            last = last[:-1]
        lines = lines[: max_lines - 1] + [last.rstrip() + "…"]
    return lines


def clip(text: str, width_in: float, size: float = FONT_PT, bold: bool = False) -> str:
    """One line cut with an ellipsis to fit the width.

    One pass over the text (each glyph measured once), so a 100 KB quote costs no more
    than reading it: the longest prefix that fits with "…" is found as the widths add up.
    """
    text = " ".join(str(text).split())
    width_in *= FIT_MARGIN
    ellipsis = _advance("…", bold)
    used, cut = 0.0, None
    for i, ch in enumerate(text):
        used += _advance(ch, bold)
        if cut is None and (used + ellipsis) * size / 72 > width_in:
            cut = i  # text[:i] + "…" is the longest prefix that still fits
        if used * size / 72 > width_in:
            return text[:cut].rstrip() + "…"
    return text


def _card_lines(card: CardView, width_in: float) -> list[str]:
    """The card's lines; a changed touchpoint keeps its first line for the tag (new, changed, retired)."""
    return ([""] if card.change else []) + wrap(card.text, width_in)


def _card_height(lines: list[str]) -> float:
    return (len(lines) + 1) * LINE_IN + 2 * PAD


def _cell_height(cards: Sequence[CardView], col_w: float) -> float:
    """Height of a cell whose cards are drawn ``col_w - 2 * GAP`` wide, as :meth:`_Canvas.card` does."""
    if not cards:
        return 0.3
    card_w = col_w - 2 * GAP
    return sum(_card_height(_card_lines(c, card_w - 2 * PAD)) + GAP for c in cards) + GAP


def _cards(column: _Column, lane: str) -> Sequence[CardView]:
    if lane not in column.layout.lane_order:
        return ()
    return column.layout.lane(lane).cells[column.stage]


class _Canvas:
    """An axes in inches with y growing downwards, and the drawing helpers the map needs."""

    def __init__(self, width: float, height: float, dpi: int) -> None:
        self.fig = Figure(figsize=(width, height), dpi=dpi, facecolor="white")
        self.ax = self.fig.add_axes((0, 0, 1, 1))
        self.ax.set_xlim(0, width)
        self.ax.set_ylim(height, 0)
        self.ax.set_axis_off()

    def text(self, x: float, y: float, s: str, **kw: object) -> None:
        opts: dict[str, Any] = {
            "fontsize": FONT_PT,
            "color": INK,
            "va": "top",
            "ha": "left",
            **TEXT,
            **kw,
        }
        self.ax.text(x, y, s, **opts)

    def box(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        face: str,
        edge: str = "none",
        style: object = "solid",
        lw: float = 1.0,
        radius: float = 0.05,
    ) -> None:
        self.ax.add_patch(
            FancyBboxPatch(
                (x, y),
                w,
                h,
                boxstyle=f"round,pad=0,rounding_size={radius}",
                facecolor=face,
                edgecolor=edge,
                linestyle=style,
                linewidth=lw,
                mutation_aspect=1,
            )
        )

    def card(self, x: float, y: float, w: float, card: CardView, lane: str, lang: str) -> float:
        edge, tint = LANE_COLOURS.get(lane, (MUTED, "#ffffff"))
        lines = _card_lines(card, w - 2 * PAD)
        h = _card_height(lines)
        if card.change == "retired":
            tint = "#f1f3f4"
        self.box(x, y, w, h, tint, edge, LINESTYLE.get(card.evidence, "solid"), 1.1)
        self.text(
            x + PAD,
            y + PAD,
            "\n".join(lines),
            linespacing=1.22,
            fontstyle="italic" if lane == "thoughts" else "normal",
            color=MUTED if card.change == "retired" else INK,
        )
        if card.change:
            self.change_tag(x + PAD, y + PAD, card.change, lang)
        if card.change == "retired":  # struck through, line by line
            for k, line in enumerate(lines):
                ly = y + PAD + (k + 0.42) * LINE_IN
                if not line:
                    continue
                start = x + PAD
                end = x + PAD + text_width(line)
                self.ax.plot([start, end], [ly, ly], color=MUTED, lw=0.8)
        foot_y = y + PAD + len(lines) * LINE_IN
        badge = f"{EVIDENCE_MARK.get(card.evidence, '○')} {evidence_label(card.evidence, lang)}"
        self.text(x + w - PAD, foot_y, badge, ha="right", fontsize=FONT_PT - 1.5, color=MUTED)
        detail = card.detail.strip()
        if card.emotion is not None:
            feel = t("mapmeaning.action_emotion", lang, score=score_text(card.emotion))
            detail = f"{feel} · {detail}" if detail else feel
        if card.backstage:
            detail = (
                f"{detail} · {t('map.html.backstage', lang)}"
                if detail
                else t("map.html.backstage", lang)
            )
        if detail:
            room = w - 2 * PAD - text_width(badge, FONT_PT - 1.5) - 0.08
            self.text(
                x + PAD,
                foot_y,
                clip(detail, room, FONT_PT - 1.5),
                fontsize=FONT_PT - 1.5,
                color=MUTED,
            )
        return h

    def change_tag(self, x: float, y: float, change: str, lang: str) -> None:
        """The coloured NEW / CHANGED / RETIRED tag, on a card and in the legend alike."""
        label = clip(change_label(change, lang).upper(), TAG_W - 0.04, FONT_PT - 2)
        self.box(x - 0.01, y - 0.005, TAG_W, LINE_IN, CHANGE_COLOURS[change], radius=0.03)
        self.text(
            x + 0.02, y + 0.015, label, fontsize=FONT_PT - 2, color="white", fontweight="bold"
        )


def _emotion_y(score: float, top: float, height: float, scale: int = 2) -> float:
    pad = 0.22
    return top + pad + (scale - score) / (2 * scale) * (height - 2 * pad)


def _smooth(
    xs: Sequence[float], ys: Sequence[float], steps: int = 24
) -> tuple[np.ndarray, np.ndarray]:
    """The same horizontal-tangent Bézier curve the HTML map draws, sampled as points."""
    px, py = [xs[0]], [ys[0]]
    s = np.linspace(0, 1, steps)[1:]
    for x0, y0, x1, y1 in zip(xs, ys, xs[1:], ys[1:]):
        mid = (x0 + x1) / 2
        bx = (1 - s) ** 3 * x0 + 3 * (1 - s) ** 2 * s * mid + 3 * (1 - s) * s**2 * mid + s**3 * x1
        by = (1 - s) ** 3 * y0 + 3 * (1 - s) ** 2 * s * y0 + 3 * (1 - s) * s**2 * y1 + s**3 * y1
        px += list(bx)
        py += list(by)
    return np.array(px), np.array(py)


def _emotion_frame(cv: _Canvas, left: float, right: float, top: float, scale: int) -> None:
    """The emotion lane's background with its top, zero and bottom score lines."""
    cv.box(left, top, right - left, EMOTION_H, "#fafafa", radius=0.04)
    for score in (scale, 0, -scale):
        y = _emotion_y(score, top, EMOTION_H, scale)
        cv.ax.plot(
            [left, right], [y, y], color="#bdc1c6", lw=0.6, ls="solid" if score == 0 else ":"
        )
        cv.text(
            left + 0.04,
            y - 0.02,
            score_text(score),
            va="bottom",
            fontsize=FONT_PT - 1.5,
            color="#9aa0a6",
        )


def _curve_runs(
    cv: _Canvas, s: _Series, centres: Sequence[float], top: float, lang: str, scale: int, note: bool
) -> list[tuple[list[float], list[float]]]:
    """Stretches of recorded scores as (xs, ys); a stage without a score breaks the curve.

    With ``note``, such a stage says so in the lane.
    """
    runs: list[tuple[list[float], list[float]]] = []
    run_x: list[float] = []
    run_y: list[float] = []
    for x, p in zip(centres, s.points):
        if p.score is None:
            if run_x:
                runs.append((run_x, run_y))
            run_x, run_y = [], []
            if note:
                cv.text(
                    x,
                    _emotion_y(0, top, EMOTION_H, scale),
                    t("map.html.no_emotion", lang),
                    ha="center",
                    va="center",
                    fontsize=FONT_PT - 1,
                    color="#9aa0a6",
                )
            continue
        run_x.append(x)
        run_y.append(_emotion_y(p.score, top, EMOTION_H, scale))
    if run_x:
        runs.append((run_x, run_y))
    return runs


def _draw_curve(cv: _Canvas, s: _Series, runs: Sequence[tuple[list[float], list[float]]]) -> None:
    for xs, ys in runs:
        if len(xs) > 1:
            sx, sy = _smooth(xs, ys)
            cv.ax.plot(
                sx,
                sy,
                color=s.colour or MUTED,
                lw=2.0,
                ls="--" if s.dashed else "-",
                solid_capstyle="round",
                zorder=3,
            )


def _draw_action_dots(
    cv: _Canvas,
    s: _Series,
    centres: Sequence[float],
    widths: Sequence[float],
    top: float,
    scale: int,
) -> None:
    """Each action's own feeling as a small dot, spread across the middle of its stage."""
    for x, w, p in zip(centres, widths, s.points):
        k = len(p.actions)
        for a, felt in enumerate(p.actions):
            cv.ax.plot(
                [x - 0.3 * w + 0.6 * w * (a + 0.5) / k],
                [_emotion_y(felt, top, EMOTION_H, scale)],
                marker="o",
                ms=3.5,
                color=emotion_colour(felt, scale),
                alpha=0.55,
                zorder=2,
                ls="none",
            )


def _draw_points(
    cv: _Canvas,
    series: Sequence[_Series],
    k: int,
    centres: Sequence[float],
    top: float,
    scale: int,
    above: bool = True,
) -> None:
    """Series ``k``'s stage scores as rings (filled when observed) with the score beside them.

    A lone curve puts its scores above the rings, or below them (``above`` False) when
    action dots crowd the space; two curves put each score on the side away from the other.
    """
    s = series[k]
    for i, (x, p) in enumerate(zip(centres, s.points)):
        if p.score is None:
            continue
        colour = s.colour or emotion_colour(p.score, scale)
        y = _emotion_y(p.score, top, EMOTION_H, scale)
        face = colour if p.evidence == "observed" else "white"
        cv.ax.plot([x], [y], marker="o", ms=8, mfc=face, mec=colour, mew=1.8, zorder=4, ls="none")
        other = series[1 - k].points[i] if len(series) == 2 else None
        dy = -0.1 if label_above(p, other, k == 0 and above) else 0.1
        cv.text(
            x,
            y + dy,
            score_text(p.score),
            ha="center",
            va="bottom" if dy < 0 else "top",
            fontsize=FONT_PT,
            fontweight="bold",
            color=colour,
        )


def _draw_series_key(cv: _Canvas, series: Sequence[_Series], right: float, top: float) -> None:
    """Names of the curves (as-is, to-be) at the lane's bottom right."""
    y = top + EMOTION_H - 0.06
    x = right - 0.1
    for s in reversed(series):
        cv.text(
            x,
            y,
            f"{'- -' if s.dashed else '—'} {s.name}",
            ha="right",
            va="bottom",
            fontsize=FONT_PT,
            color=s.colour or MUTED,
        )
        x -= text_width(f"- - {s.name}") + 0.3


def _draw_emotions(
    cv: _Canvas,
    series: Sequence[_Series],
    centres: Sequence[float],
    left: float,
    right: float,
    top: float,
    lang: str,
    scale: int = 2,
    widths: Sequence[float] = (),
) -> None:
    """The emotion lane: one curve per series; ``widths`` are the stages' columns, for the action dots."""
    _emotion_frame(cv, left, right, top, scale)
    several = len(series) > 1
    for k, s in enumerate(series):
        _draw_curve(cv, s, _curve_runs(cv, s, centres, top, lang, scale, note=not several))
        dots = not several and any(p.actions for p in s.points)
        if dots:
            _draw_action_dots(cv, s, centres, widths, top, scale)
        _draw_points(cv, series, k, centres, top, scale, above=not dots)
    if several:
        _draw_series_key(cv, series, right, top)


def _line_h(size: float, spacing: float) -> float:
    """Height in inches of one line of text at ``size`` points and a line spacing."""
    return size * spacing * 1.08 / 72


def _stage_runs(columns: Sequence[_Column]) -> list[tuple[int, int]]:
    """(first, last) column of each stage: two columns per stage in the as-is/to-be view."""
    runs, start = [], 0
    while start < len(columns):
        end = start
        while end + 1 < len(columns) and columns[end + 1].stage == columns[start].stage:
            end += 1
        runs.append((start, end))
        start = end + 1
    return runs


@dataclass(frozen=True)
class _Frame:
    """Where the columns go across the page, in inches: each column's left edge and width."""

    x: tuple[float, ...]
    w: tuple[float, ...]
    runs: tuple[tuple[int, int], ...]
    width: float
    """The page width: labels, columns with their gaps, and the margins."""
    x0: float = 0.15

    @property
    def right(self) -> float:
        return self.x[-1] + self.w[-1]

    def span(self, first: int, last: int) -> float:
        """Width from the left of column ``first`` to the right of column ``last``."""
        return self.x[last] + self.w[last] - self.x[first]

    def centres(self) -> list[float]:
        """The middle of each stage (of its run of columns), where its emotion point goes."""
        return [(self.x[start] + self.x[end] + self.w[end]) / 2 for start, end in self.runs]


def _frame(columns: Sequence[_Column], timeline: bool) -> _Frame:
    """Equal columns, or on a timeline columns as wide as the hours each stage lasts.

    Column ``i`` starts where it would among equal columns, moved by how much wider
    the columns before it are, so equal shares place everything exactly as before.
    """
    n = len(columns)
    col_w = 2.25 if n <= 6 else 1.9 if n <= 10 else 1.7
    shares = [1.0] * n
    if timeline:
        shares = timeline_shares([c.layout.stages[c.stage].clock for c in columns])
    x0 = 0.15
    xs, before = [], 0.0
    for i, share in enumerate(shares):
        xs.append(x0 + LABEL_W + i * (col_w + GAP) + col_w * (before - i))
        before += share
    width = LABEL_W + n * (col_w + GAP) + col_w * (before - n) + 0.3
    widths = tuple(col_w * share for share in shares)
    return _Frame(tuple(xs), widths, tuple(_stage_runs(columns)), width, x0)


@dataclass(frozen=True)
class _Head:
    """A stage header box over a run of columns: its first column, width and wrapped text."""

    start: int
    width: float
    name: list[str]
    desc: list[str]


def _stage_heads(columns: Sequence[_Column], frame: _Frame) -> list[_Head]:
    heads = []
    for start, end in frame.runs:
        stage = columns[start].layout.stages[columns[start].stage]
        w = frame.span(start, end)
        name = wrap(stage.name, w - 0.3, 2, size=STAGE_PT, bold=True)
        said = " · ".join(x for x in (stage.time_span.strip(), stage.description.strip()) if x)
        # 0.22 in of margin: text measured here renders a little wider at low dpi (hinting)
        desc = wrap(said, w - 0.22, 3, size=FONT_PT - 1) if said else []
        heads.append(_Head(start, w, name, desc))
    return heads


@dataclass(frozen=True)
class _Plan:
    """Every measured piece of the page, so drawing places things without measuring again."""

    frame: _Frame
    title_lines: list[str]
    heads: list[_Head]
    box_h: float
    phases: list[tuple[str, int, int]]
    has_sub: bool
    label_lines: dict[str, list[str]]
    lane_heights: list[float]
    height: float

    @property
    def head_h(self) -> float:
        return 0.72 + 0.23 * len(self.title_lines)

    @property
    def stage_h(self) -> float:
        return self.box_h + 0.06 + (0.22 if self.has_sub else 0)


def _lane_heights(
    columns: Sequence[_Column],
    lanes: Sequence[str],
    frame: _Frame,
    label_lines: dict[str, list[str]],
) -> list[float]:
    """Each lane as tall as its label and its fullest cell."""
    heights = []
    for lane in lanes:
        label_h = 0.14 + _line_h(STAGE_PT, 1.1) * len(label_lines[lane])
        if lane == "emotions":
            heights.append(max(EMOTION_H, label_h))
        else:
            cells = max(_cell_height(_cards(c, lane), w) for c, w in zip(columns, frame.w))
            heights.append(max(0.35, label_h, cells))
    return heights


def _plan(
    columns: Sequence[_Column],
    lanes: Sequence[str],
    title: str,
    lang: str,
    timeline: bool,
    scale: int = 2,
) -> _Plan:
    """Measure the page: column widths, wrapped titles and labels, and every row's height."""
    frame = _frame(columns, timeline)
    width = frame.width
    heads = _stage_heads(columns, frame)
    box_h = max(
        0.12 + _line_h(STAGE_PT, 1.1) * len(h.name) + _line_h(FONT_PT - 1, 1.15) * len(h.desc)
        for h in heads
    )
    phases = _phase_columns(columns)
    label_lines = {
        lane: wrap(lane_label(lane, lang), LABEL_W - 0.2, 3, size=STAGE_PT, bold=True)
        for lane in lanes
    }
    lane_heights = _lane_heights(columns, lanes, frame, label_lines)
    legend_rows = 1 + max(
        row
        for _, row, _, _ in _legend_layout(
            lang, width - 0.3, _has_changes(columns), scale, timeline
        )
    )
    plan = _Plan(
        frame=frame,
        title_lines=wrap(title, width - 0.3, max_lines=2, size=13, bold=True),
        heads=heads,
        box_h=max(box_h, 0.34),
        phases=phases,
        has_sub=any(c.sub for c in columns),
        label_lines=label_lines,
        lane_heights=lane_heights,
        height=0.0,
    )
    band_h = (PHASE_H + 0.05 if phases else 0) + (CLOCK_H if timeline else 0)
    has_back = any(lane in BACKSTAGE_LANES for lane in lanes)
    height = (
        plan.head_h
        + band_h
        + plan.stage_h
        + sum(h + GAP for h in lane_heights)
        + (0.35 if has_back else 0)
        + (0.17 + LEGEND_ROW * legend_rows)
        + 0.2
    )
    return replace(plan, height=height)


def _draw_title(cv: _Canvas, plan: _Plan, kicker: str, persona: str, quote: str, lang: str) -> None:
    """Kicker, title and the persona line with their quote, at the top left."""
    x0, room = plan.frame.x0, plan.frame.width - 0.3
    cv.text(x0, 0.12, clip(kicker, room, FONT_PT - 0.5), fontsize=FONT_PT - 0.5, color=MUTED)
    cv.text(x0, 0.28, "\n".join(plan.title_lines), fontsize=13, fontweight="bold", linespacing=1.1)
    persona_line = f"{t('map.html.persona', lang)}: {persona}" + (
        f"  “{quote}”" if quote.strip() else ""
    )
    cv.text(
        x0,
        0.28 + 0.23 * len(plan.title_lines) + 0.04,
        clip(persona_line, room, FONT_PT + 1),
        fontsize=FONT_PT + 1,
        color=MUTED,
    )


def _draw_phases(cv: _Canvas, plan: _Plan, y: float, lang: str) -> None:
    """The band naming each run of stages' phase (before, during, after)."""
    frame = plan.frame
    label = clip(t("mapmeaning.phases_label", lang), LABEL_W - 0.2, FONT_PT - 0.5)
    cv.text(frame.x0 + 0.1, y + 0.05, label, fontsize=FONT_PT - 0.5, color=MUTED)
    for phase, first, last in plan.phases:
        x, w = frame.x[first], frame.span(first, last)
        cv.box(x, y, w, PHASE_H, PHASE_COLOURS.get(phase, "#e8f0fe"), radius=0.04)
        cv.text(
            x + w / 2,
            y + 0.05,
            clip(phase_label(phase, lang).upper(), w - 0.1, FONT_PT),
            ha="center",
            fontweight="bold",
            color=STAGE_BLUE,
        )


def _draw_stage_heads(cv: _Canvas, plan: _Plan, columns: Sequence[_Column], y: float) -> None:
    """One blue box per run of columns that share a stage: name, number, time span, description."""
    for head in plan.heads:
        x, w = plan.frame.x[head.start], head.width
        cv.box(x, y, w, plan.box_h, STAGE_BLUE)
        cv.text(
            x + 0.07,
            y + 0.06,
            "\n".join(head.name),
            color="white",
            fontweight="bold",
            fontsize=STAGE_PT,
            linespacing=1.1,
        )
        cv.text(
            x + w - 0.07,
            y + 0.06,
            str(columns[head.start].stage + 1),
            color="#c6dafc",
            ha="right",
            fontsize=FONT_PT - 1,
        )
        if head.desc:
            cv.text(
                x + 0.07,
                y + 0.08 + _line_h(STAGE_PT, 1.1) * len(head.name),
                "\n".join(head.desc),
                color="#dbe6fb",
                fontsize=FONT_PT - 1,
                linespacing=1.15,
            )


def _draw_subheads(cv: _Canvas, plan: _Plan, columns: Sequence[_Column], y: float) -> None:
    """The as-is / to-be tab under each stage header."""
    frame = plan.frame
    for i, (c, x, w) in enumerate(zip(columns, frame.x, frame.w)):
        face = "#ceead6" if i % 2 else "#e8eaed"
        cv.box(x, y + plan.box_h + 0.04, w, 0.18, face, radius=0.03)
        cv.text(
            x + w / 2,
            y + plan.box_h + 0.06,
            c.sub,
            ha="center",
            fontsize=FONT_PT - 0.5,
            fontweight="bold",
        )


def _draw_visibility_line(cv: _Canvas, frame: _Frame, y: float, lang: str) -> None:
    cv.ax.plot([frame.x0, frame.right], [y + 0.1, y + 0.1], color=MUTED, lw=1.2, ls="--")
    line = (
        f"{t('map.html.line_of_visibility', lang).upper()}  ·  "
        f"{t('map.html.line_of_visibility_hint', lang)}"
    )
    cv.text(
        frame.x0,
        y + 0.14,
        clip(line, frame.right - frame.x0, FONT_PT - 1),
        fontsize=FONT_PT - 1,
        color=MUTED,
    )


def _draw_lane_label(cv: _Canvas, plan: _Plan, lane: str, y: float, lane_h: float) -> None:
    x0 = plan.frame.x0
    accent, _ = LANE_COLOURS.get(lane, (MUTED, "#fff"))
    cv.box(x0, y, LABEL_W - GAP, lane_h, "#f1f3f4", radius=0.04)
    cv.ax.add_patch(Rectangle((x0, y), 0.05, lane_h, facecolor=accent, edgecolor="none"))
    cv.text(
        x0 + 0.1,
        y + 0.07,
        "\n".join(plan.label_lines[lane]),
        fontweight="bold",
        fontsize=STAGE_PT,
        linespacing=1.1,
    )


def _draw_cells(
    cv: _Canvas,
    frame: _Frame,
    columns: Sequence[_Column],
    lane: str,
    y: float,
    lane_h: float,
    lang: str,
) -> None:
    """One lane's cells, its cards stacked in each (or a faint dash when empty)."""
    for c, x, w in zip(columns, frame.x, frame.w):
        cv.box(x, y, w, lane_h, "#fafafa", radius=0.04)
        cards = _cards(c, lane)
        if not cards:
            cv.text(
                x + w / 2, y + 0.08, t("map.html.empty_cell", lang), ha="center", color="#bdc1c6"
            )
        cy = y + GAP
        for card in cards:
            cy += cv.card(x + GAP, cy, w - 2 * GAP, card, lane, lang) + GAP


def _draw_lanes(
    cv: _Canvas,
    plan: _Plan,
    columns: Sequence[_Column],
    lanes: Sequence[str],
    series: Sequence[_Series],
    y: float,
    lang: str,
    scale: int,
) -> float:
    """Every lane from ``y`` down, the line of visibility above the first backstage one; the y below."""
    frame = plan.frame
    drew_line = False
    for lane, lane_h in zip(lanes, plan.lane_heights):
        if lane in BACKSTAGE_LANES and not drew_line:
            _draw_visibility_line(cv, frame, y, lang)
            y += 0.35
            drew_line = True
        _draw_lane_label(cv, plan, lane, y, lane_h)
        if lane == "emotions":
            widths = [frame.w[start] for start, _ in frame.runs]
            centres = frame.centres()
            _draw_emotions(cv, series, centres, frame.x[0], frame.right, y, lang, scale, widths)
        else:
            _draw_cells(cv, frame, columns, lane, y, lane_h, lang)
        y += lane_h + GAP
    return y


def _draw_map(
    columns: Sequence[_Column],
    lanes: Sequence[str],
    series: Sequence[_Series],
    kicker: str,
    title: str,
    persona: str,
    quote: str,
    lang: str,
    dpi: int = 150,
    timeline: bool = False,
    scale: int = 2,
) -> Figure:
    """The page from top to bottom: title, phase band, time axis, stage headers, lanes, legend."""
    plan = _plan(columns, lanes, title, lang, timeline, scale)
    frame = plan.frame
    cv = _Canvas(frame.width, plan.height, dpi)
    _draw_title(cv, plan, kicker, persona, quote, lang)
    y = plan.head_h
    if plan.phases:
        _draw_phases(cv, plan, y, lang)
        y += PHASE_H + 0.05
    if timeline:
        _draw_clock(cv, columns, frame, y, lang)
        y += CLOCK_H
    _draw_stage_heads(cv, plan, columns, y)
    if plan.has_sub:
        _draw_subheads(cv, plan, columns, y)
    y = _draw_lanes(cv, plan, columns, lanes, series, y + plan.stage_h, lang, scale)
    legend = (_has_changes(columns), scale, timeline)
    _draw_legend(cv, frame.x0, y + 0.12, lang, frame.width - 0.3, *legend)
    return cv.fig


def _phase_columns(columns: Sequence[_Column]) -> list[tuple[str, int, int]]:
    """(phase, first column, last column) for each run of columns whose stages share a phase."""
    out: list[tuple[str, int, int]] = []
    for i, c in enumerate(columns):
        phase = c.layout.stages[c.stage].phase
        if phase and out and out[-1][0] == phase and out[-1][2] == i - 1:
            out[-1] = (phase, out[-1][1], i)
        elif phase:
            out.append((phase, i, i))
    return out


def _draw_clock(
    cv: _Canvas, columns: Sequence[_Column], frame: _Frame, y: float, lang: str
) -> None:
    """The day as a time axis: one line through all columns, a tick and time where each starts."""
    line_y = y + 0.12
    label = clip(t("mapmeaning.timeline.label", lang), LABEL_W - 0.2, FONT_PT - 0.5)
    cv.text(frame.x0 + 0.1, y + 0.04, label, fontsize=FONT_PT - 0.5, color=MUTED)
    cv.ax.annotate(
        "",
        xy=(frame.right, line_y),
        xytext=(frame.x[0], line_y),
        arrowprops={"arrowstyle": "-|>", "color": STAGE_BLUE, "lw": 2.2},
    )
    for start, _end in frame.runs:
        stage = columns[start].layout.stages[columns[start].stage]
        x = frame.x[start] + 0.02
        cv.ax.plot([x], [line_y], marker="o", ms=7, mfc="white", mec=STAGE_BLUE, mew=2, zorder=4)
        if stage.clock:
            cv.text(x + 0.1, line_y + 0.06, stage.clock, fontweight="bold", color=STAGE_BLUE)


LEGEND_ROW = 0.28


NOTE = "note"
"""The legend kind of a plain explanatory line."""
CHANGES = TOUCHPOINT_STATUSES
"""The marks a to-be touchpoint can carry, in the order the legend explains them."""


def _legend_layout(
    lang: str, width: float, changes: bool = False, scale: int = 2, timeline: bool = False
) -> list[tuple[float, float, str, str | None]]:
    """Where each legend item goes: (x, row, text, kind), kind None for a heading.

    A kind is an evidence level, NOTE for a plain line (the emotion scale, how to read
    a day), or a change ("new", "changed", "retired") when the map marks to-be
    touchpoints: the same explanations as the HTML legend. Items flow left to right and
    start a new row when the page is too narrow; the change marks start a row of their own.
    """
    items: list[tuple[str, str | None, float]] = []
    label = t("map.html.legend", lang)
    items.append((label, None, text_width(label, bold=True) + 0.25))
    for level in EVIDENCE_LEVELS:
        text = f"{EVIDENCE_MARK[level]} {evidence_label(level, lang)}"
        hint = t(f"map.html.evidence_hint.{level}", lang)
        items.append((text, level, text_width(text) + 0.2 + 0.06 + text_width(hint) + 0.35))
    scale_text = (
        t("map.html.emotion_scale", lang)
        if scale == 2
        else t("mapmeaning.emotion_scale", lang, top=scale)
    )
    notes = [f"{lane_label('emotions', lang)}: {scale_text}"]
    if timeline:
        notes.append(t("mapmeaning.timeline.legend", lang))
    items += [(text, NOTE, text_width(text) + 0.35) for text in notes]
    placed = _flow(items, width)
    if changes:
        row = 1 + max(r for _, r, _, _ in placed)
        heading = t("maplegend.change.heading", lang)
        marks: list[tuple[str, str | None, float]] = [
            (heading, None, text_width(heading, bold=True) + 0.25)
        ]
        for change in CHANGES:
            hint = t(f"maplegend.change.{change}", lang)
            marks.append((hint, change, TAG_W + 0.06 + text_width(hint) + 0.35))
        placed += [(x, r + row, text, kind) for x, r, text, kind in _flow(marks, width)]
    return placed


def _flow(
    items: Sequence[tuple[str, str | None, float]], width: float
) -> list[tuple[float, float, str, str | None]]:
    """Place (text, kind, width) items left to right in rows no wider than ``width``."""
    placed: list[tuple[float, float, str, str | None]] = []
    x, row = 0.0, 0
    for text, kind, w in items:
        if x > 0 and x + w > width:
            x, row = 0.0, row + 1
        placed.append((x, row, text, kind))
        x += w
    return placed


def _draw_legend(
    cv: _Canvas,
    x0: float,
    y: float,
    lang: str,
    width: float,
    changes: bool = False,
    scale: int = 2,
    timeline: bool = False,
) -> None:
    for x, row, text, kind in _legend_layout(lang, width, changes, scale, timeline):
        top = y + row * LEGEND_ROW
        if kind is None:
            cv.text(x0 + x, top, text, fontweight="bold", color=MUTED)
        elif kind == NOTE:
            cv.text(x0 + x, top, text, color=MUTED)
        elif kind in CHANGE_COLOURS:
            cv.change_tag(x0 + x, top - 0.01, kind, lang)
            cv.text(x0 + x + TAG_W + 0.06, top, text, color=MUTED)
        else:
            w = text_width(text) + 0.2
            cv.box(x0 + x, top - 0.03, w, 0.2, "white", MUTED, LINESTYLE[kind], 1.0, radius=0.05)
            cv.text(x0 + x + 0.1, top, text)
            cv.text(x0 + x + w + 0.06, top, t(f"map.html.evidence_hint.{kind}", lang), color=MUTED)


def _has_changes(columns: Sequence[_Column]) -> bool:
    """Whether any touchpoint drawn is marked new, changed or retired (a to-be map)."""
    return any(
        card.change for c in columns for lane in c.layout.lanes for card in lane.cells[c.stage]
    )


def map_figure(
    project: Project, journey_id: str | None = None, lang: str = "en", dpi: int = 150
) -> Figure:
    """One journey as a static figure: stage columns, lane rows, emotion curve, evidence styles."""
    layout = build_layout(project, journey_id, lang)
    columns = [_Column(layout, i) for i in range(len(layout.stages))]
    series = [_Series("", layout.emotions, None, False)]
    kicker = f"{map_type_label(layout.map_type, lang)} · {layout.project_name}"
    return _draw_map(
        columns,
        layout.lane_order,
        series,
        kicker,
        layout.journey_name,
        layout.persona_name,
        layout.persona_quote,
        lang,
        dpi,
        timeline=layout.is_timeline,
        scale=layout.emotion_scale,
    )


def compare_figure(
    project: Project,
    current_id: str | None = None,
    future_id: str | None = None,
    lang: str = "en",
    dpi: int = 150,
) -> Figure:
    """As-is and to-be side by side, stage by stage, with both emotion curves on one axis."""
    current_id, future_id = resolve_pair(project, current_id, future_id)
    now = build_layout(project, current_id, lang)
    later = build_layout(project, future_id, lang)
    as_is, to_be = t("map.html.as_is", lang), t("map.html.to_be", lang)
    columns = []
    for i in range(len(now.stages)):
        columns += [_Column(now, i, as_is), _Column(later, i, to_be)]
    series = [
        _Series(as_is, now.emotions, "#80868b", True),
        _Series(to_be, later.emotions, "#188038", False),
    ]
    kicker, title, persona = compare_headings(now, later, lang)
    return _draw_map(
        columns,
        compare_lane_order(now, later),
        series,
        kicker,
        title,
        persona,
        now.persona_quote,
        lang,
        dpi,
        scale=max(now.emotion_scale, later.emotion_scale),
    )


SAVE_RC: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",
    "pdf.fonttype": 42,
    "font.family": FONT_FAMILY,
}
"""SVG keeps real (escaped) text; PDF embeds the TrueType font so every letter survives."""


def save_figure(fig: Figure, path: str, fmt: str) -> None:
    """Write a figure as png, svg or pdf with fonts that carry every character."""
    import matplotlib

    with matplotlib.rc_context(SAVE_RC):
        fig.savefig(path, format=fmt, facecolor="white", metadata=_metadata(fmt))


def _metadata(fmt: str) -> dict[str, str | None]:
    """Fixed metadata so the same map gives the same file (no creation dates)."""
    if fmt == "png":
        return {"Software": None}
    if fmt == "svg":
        return {"Date": None}
    if fmt == "pdf":
        return {"CreationDate": None}
    return {}
