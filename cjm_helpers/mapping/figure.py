"""The journey map as a static matplotlib figure, for PNG, SVG and PDF.

The figure is drawn on one axes whose units are inches (y grows downwards), so
every card is placed exactly and the page grows with the content: long texts
wrap, many cards make a lane taller, and the layout never overlaps. Text uses
DejaVu Sans (it covers Indonesian and Polish letters) and is never parsed as
mathtext, so a ``$`` in user text stays a dollar sign.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Rectangle

from ..i18n import t
from ..model import BACKSTAGE_LANES, EVIDENCE_LEVELS, Project
from .html import EMOTION_COLOURS, EVIDENCE_MARK, compare_lane_order, resolve_pair, score_text
from .layout import CardView, EmotionPoint, MapLayout, build_layout, evidence_label, lane_label, map_type_label

FONT_FAMILY = "DejaVu Sans"
FONT_PT = 7.5
LINE_IN = FONT_PT * 1.32 / 72
CHAR_IN = FONT_PT * 0.55 / 72
MAX_CARD_LINES = 14
"""A card longer than this is cut with an ellipsis in the figure (the HTML shows it all)."""

LABEL_W = 1.45
GAP = 0.05
PAD = 0.06
EMOTION_H = 1.25
LANE_COLOURS = {
    "actions": ("#1a73e8", "#e8f0fe"),
    "touchpoints": ("#00897b", "#e0f2f1"),
    "channels": ("#5f6368", "#f1f3f4"),
    "thoughts": ("#f9ab00", "#fef7e0"),
    "emotions": ("#9334e6", "#fafafa"),
    "pain_points": ("#d93025", "#fce8e6"),
    "opportunities": ("#188038", "#e6f4ea"),
    "internal_actors": ("#7b1fa2", "#f3e5f5"),
    "internal_tools": ("#5e35b1", "#ede7f6"),
    "internal_process": ("#3949ab", "#e8eaf6"),
    "internal_pain_points": ("#ad1457", "#fce4ec"),
}
LINESTYLE = {"observed": "solid", "reported": (0, (4, 2)), "assumed": (0, (1, 1.5))}
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


def wrap(text: str, width_in: float, max_lines: int = MAX_CARD_LINES) -> list[str]:
    """Wrap text to a column width in inches, keeping the writer's own line breaks."""
    chars = max(int(width_in / CHAR_IN), 8)
    lines: list[str] = []
    for paragraph in str(text).splitlines() or [""]:
        lines += textwrap.wrap(paragraph, chars, break_long_words=True, break_on_hyphens=True) or [""]
    if len(lines) > max_lines:
        lines = lines[: max_lines - 1] + [lines[max_lines - 1][: max(chars - 1, 1)] + "…"]
    return lines


def _card_lines(card: CardView, width_in: float) -> list[str]:
    return wrap(card.text, width_in)


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
        opts = {"fontsize": FONT_PT, "color": INK, "va": "top", "ha": "left", **TEXT, **kw}
        self.ax.text(x, y, s, **opts)

    def box(self, x: float, y: float, w: float, h: float, face: str, edge: str = "none",
            style: object = "solid", lw: float = 1.0, radius: float = 0.05) -> None:
        self.ax.add_patch(FancyBboxPatch(
            (x, y), w, h, boxstyle=f"round,pad=0,rounding_size={radius}",
            facecolor=face, edgecolor=edge, linestyle=style, linewidth=lw, mutation_aspect=1,
        ))

    def card(self, x: float, y: float, w: float, card: CardView, lane: str, lang: str) -> float:
        edge, tint = LANE_COLOURS.get(lane, (MUTED, "#ffffff"))
        lines = _card_lines(card, w - 2 * PAD)
        h = _card_height(lines)
        self.box(x, y, w, h, tint, edge, LINESTYLE.get(card.evidence, "solid"), 1.1)
        self.text(x + PAD, y + PAD, "\n".join(lines), linespacing=1.22,
                  fontstyle="italic" if lane == "thoughts" else "normal")
        foot_y = y + PAD + len(lines) * LINE_IN
        badge = f"{EVIDENCE_MARK.get(card.evidence, '○')} {evidence_label(card.evidence, lang)}"
        self.text(x + w - PAD, foot_y, badge, ha="right", fontsize=FONT_PT - 1.5, color=MUTED)
        detail = card.detail.strip()
        if card.backstage:
            detail = f"{detail} · {t('map.html.backstage', lang)}" if detail else t("map.html.backstage", lang)
        if detail:
            room = max(int((w - 2 * PAD) / CHAR_IN * 0.55), 6)
            short = detail if len(detail) <= room else detail[: room - 1] + "…"
            self.text(x + PAD, foot_y, short, fontsize=FONT_PT - 1.5, color=MUTED)
        return h


def _emotion_y(score: float, top: float, height: float) -> float:
    pad = 0.22
    return top + pad + (2 - score) / 4 * (height - 2 * pad)


def _smooth(xs: Sequence[float], ys: Sequence[float], steps: int = 24) -> tuple[np.ndarray, np.ndarray]:
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


def _draw_emotions(cv: _Canvas, series: Sequence[_Series], centres: Sequence[float], left: float,
                   right: float, top: float, lang: str) -> None:
    h = EMOTION_H
    cv.box(left, top, right - left, h, "#fafafa", radius=0.04)
    for score in (2, 0, -2):
        y = _emotion_y(score, top, h)
        cv.ax.plot([left, right], [y, y], color="#bdc1c6", lw=0.6, ls="solid" if score == 0 else ":")
        cv.text(left + 0.04, y - 0.02, score_text(score), va="bottom", fontsize=FONT_PT - 1.5, color="#9aa0a6")
    several = len(series) > 1
    for k, s in enumerate(series):
        run_x: list[float] = []
        run_y: list[float] = []
        runs = []
        for x, p in zip(centres, s.points):
            if p.score is None:
                if run_x:
                    runs.append((run_x, run_y))
                run_x, run_y = [], []
                if not several:
                    cv.text(x, _emotion_y(0, top, h), t("map.html.no_emotion", lang), ha="center",
                            va="center", fontsize=FONT_PT - 1, color="#9aa0a6")
                continue
            run_x.append(x)
            run_y.append(_emotion_y(p.score, top, h))
        if run_x:
            runs.append((run_x, run_y))
        line_colour = s.colour or MUTED
        for xs, ys in runs:
            if len(xs) > 1:
                sx, sy = _smooth(xs, ys)
                cv.ax.plot(sx, sy, color=line_colour, lw=2.0, ls="--" if s.dashed else "-",
                           solid_capstyle="round", zorder=3)
        for x, p in zip(centres, s.points):
            if p.score is None:
                continue
            colour = s.colour or EMOTION_COLOURS[p.score]
            y = _emotion_y(p.score, top, h)
            face = colour if p.evidence == "observed" else "white"
            cv.ax.plot([x], [y], marker="o", ms=8, mfc=face, mec=colour, mew=1.8, zorder=4,
                       ls="none")
            dy = -0.1 if k % 2 == 0 else 0.2
            cv.text(x, y + dy, score_text(p.score), ha="center", va="bottom" if dy < 0 else "top",
                    fontsize=FONT_PT, fontweight="bold", color=colour)
    if several:
        y = top + h - 0.06
        x = right - 0.1
        for s in reversed(series):
            cv.text(x, y, f"{'- -' if s.dashed else '—'} {s.name}", ha="right", va="bottom",
                    fontsize=FONT_PT, color=s.colour or MUTED)
            x -= 0.25 + len(s.name) * CHAR_IN * 1.1 + 0.3


def _draw_map(columns: Sequence[_Column], lanes: Sequence[str], series: Sequence[_Series],
              kicker: str, title: str, persona: str, quote: str, lang: str, dpi: int = 150) -> Figure:
    n = len(columns)
    col_w = 2.25 if n <= 6 else 1.9 if n <= 10 else 1.7
    width = LABEL_W + n * (col_w + GAP) + 0.3
    has_sub = any(c.sub for c in columns)
    head_h = 0.95
    stage_h = 0.5 + (0.22 if has_sub else 0)
    lane_heights = []
    for lane in lanes:
        if lane == "emotions":
            lane_heights.append(EMOTION_H)
        else:
            lane_heights.append(max(0.35, max(_cell_height(_cards(c, lane), col_w) for c in columns)))
    has_back = any(lane in BACKSTAGE_LANES for lane in lanes)
    legend_h = 0.45
    height = head_h + stage_h + sum(h + GAP for h in lane_heights) + (0.35 if has_back else 0) + legend_h + 0.2

    cv = _Canvas(width, height, dpi)
    x0 = 0.15
    cv.text(x0, 0.12, kicker, fontsize=FONT_PT - 0.5, color=MUTED)
    title_lines = wrap(title, width - 0.3, max_lines=2)
    cv.text(x0, 0.28, "\n".join(title_lines), fontsize=13, fontweight="bold", linespacing=1.1)
    persona_line = f"{t('map.html.persona', lang)}: {persona}" + (f"  “{quote}”" if quote.strip() else "")
    cv.text(x0, 0.28 + 0.23 * len(title_lines) + 0.04, wrap(persona_line, (width - 0.3) / 1.1, 1)[0],
            fontsize=FONT_PT + 1, color=MUTED)

    col_x = [x0 + LABEL_W + i * (col_w + GAP) for i in range(n)]
    right = col_x[-1] + col_w
    y = head_h
    # stage headers: one box per run of columns that share a stage
    start = 0
    while start < n:
        end = start
        while end + 1 < n and columns[end + 1].stage == columns[start].stage:
            end += 1
        stage = columns[start].layout.stages[columns[start].stage]
        w = col_x[end] + col_w - col_x[start]
        cv.box(col_x[start], y, w, 0.46, STAGE_BLUE)
        name = wrap(stage.name, w - 0.3, max_lines=2)
        cv.text(col_x[start] + 0.07, y + 0.05, "\n".join(name), color="white", fontweight="bold",
                fontsize=FONT_PT + 0.5, linespacing=1.1)
        cv.text(col_x[start] + w - 0.07, y + 0.05, str(columns[start].stage + 1), color="#c6dafc",
                ha="right", fontsize=FONT_PT - 1)
        start = end + 1
    if has_sub:
        for i, (c, x) in enumerate(zip(columns, col_x)):
            face = "#ceead6" if i % 2 else "#e8eaed"
            cv.box(x, y + 0.5, col_w, 0.18, face, radius=0.03)
            cv.text(x + col_w / 2, y + 0.52, c.sub, ha="center", fontsize=FONT_PT - 0.5, fontweight="bold")
    y += stage_h

    centres = []
    start = 0
    while start < n:
        end = start
        while end + 1 < n and columns[end + 1].stage == columns[start].stage:
            end += 1
        centres.append((col_x[start] + col_x[end] + col_w) / 2)
        start = end + 1

    drew_line = False
    for lane, lane_h in zip(lanes, lane_heights):
        if lane in BACKSTAGE_LANES and not drew_line:
            cv.ax.plot([x0, right], [y + 0.1, y + 0.1], color=MUTED, lw=1.2, ls="--")
            cv.text(x0, y + 0.14, f"{t('map.html.line_of_visibility', lang).upper()}  ·  "
                    f"{t('map.html.line_of_visibility_hint', lang)}", fontsize=FONT_PT - 1, color=MUTED)
            y += 0.35
            drew_line = True
        accent, _ = LANE_COLOURS.get(lane, (MUTED, "#fff"))
        cv.box(x0, y, LABEL_W - GAP, lane_h, "#f1f3f4", radius=0.04)
        cv.ax.add_patch(Rectangle((x0, y), 0.05, lane_h, facecolor=accent, edgecolor="none"))
        cv.text(x0 + 0.1, y + 0.07, "\n".join(wrap(lane_label(lane, lang), LABEL_W - 0.2, 3)),
                fontweight="bold", fontsize=FONT_PT + 0.5)
        if lane == "emotions":
            _draw_emotions(cv, series, centres, col_x[0], right, y, lang)
        else:
            for c, x in zip(columns, col_x):
                cv.box(x, y, col_w, lane_h, "#fafafa", radius=0.04)
                cards = _cards(c, lane)
                if not cards:
                    cv.text(x + col_w / 2, y + 0.08, t("map.html.empty_cell", lang), ha="center",
                            color="#bdc1c6")
                cy = y + GAP
                for card in cards:
                    cy += cv.card(x + GAP, cy, col_w - 2 * GAP, card, lane, lang) + GAP
        y += lane_h + GAP

    _draw_legend(cv, x0, y + 0.12, lang)
    return cv.fig


def _draw_legend(cv: _Canvas, x: float, y: float, lang: str) -> None:
    label = t("map.html.legend", lang)
    cv.text(x, y, label, fontweight="bold", color=MUTED)
    x += len(label) * CHAR_IN * 1.1 + 0.25
    for level in EVIDENCE_LEVELS:
        text = f"{EVIDENCE_MARK[level]} {evidence_label(level, lang)}"
        w = len(text) * CHAR_IN + 0.2
        cv.box(x, y - 0.03, w, 0.2, "white", MUTED, LINESTYLE[level], 1.0, radius=0.05)
        cv.text(x + 0.1, y, text)
        hint = t(f"map.html.evidence_hint.{level}", lang)
        cv.text(x + w + 0.06, y, hint, color=MUTED)
        x += w + 0.06 + len(hint) * CHAR_IN + 0.35


def map_figure(project: Project, journey_id: str | None = None, lang: str = "en", dpi: int = 150) -> Figure:
    """One journey as a static figure: stage columns, lane rows, emotion curve, evidence styles."""
    layout = build_layout(project, journey_id, lang)
    columns = [_Column(layout, i) for i in range(len(layout.stages))]
    series = [_Series("", layout.emotions, None, False)]
    kicker = f"{map_type_label(layout.map_type, lang)} · {layout.project_name}"
    return _draw_map(columns, layout.lane_order, series, kicker, layout.journey_name,
                     layout.persona_name, layout.persona_quote, lang, dpi)


def compare_figure(project: Project, current_id: str | None = None, future_id: str | None = None,
                   lang: str = "en", dpi: int = 150) -> Figure:
    """As-is and to-be side by side, stage by stage, with both emotion curves on one axis."""
    current_id, future_id = resolve_pair(project, current_id, future_id)
    now = build_layout(project, current_id, lang)
    later = build_layout(project, future_id, lang)
    as_is, to_be = t("map.html.as_is", lang), t("map.html.to_be", lang)
    columns = []
    for i in range(len(now.stages)):
        columns += [_Column(now, i, as_is), _Column(later, i, to_be)]
    series = [_Series(as_is, now.emotions, "#80868b", True), _Series(to_be, later.emotions, "#188038", False)]
    title = t("map.html.compare_title", lang, current=now.journey_name, future=later.journey_name)
    persona = now.persona_name if now.persona_id == later.persona_id else f"{now.persona_name} → {later.persona_name}"
    kicker = f"{map_type_label(now.map_type, lang)} → {map_type_label(later.map_type, lang)} · {now.project_name}"
    return _draw_map(columns, compare_lane_order(now, later), series, kicker, title, persona,
                     now.persona_quote, lang, dpi)


SAVE_RC = {"svg.fonttype": "none", "pdf.fonttype": 42, "font.family": FONT_FAMILY}
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
