"""The journey map as HTML: a swimlane grid with an SVG emotion curve.

The output needs no network and no JavaScript: styles are inline and scoped
under the ``cjmmap`` class so they never restyle the notebook around them, and
every piece of user text passes through :func:`cjm_helpers.text.esc`. The same markup
shows inline in Jupyter, in a standalone file, and on paper (print CSS).
"""

from __future__ import annotations

__all__ = [
    "BACKSTAGE",
    "CHIP_LANES",
    "CSS",
    "EMOTION_COLOURS",
    "EMOTION_HEIGHT",
    "EVIDENCE_MARK",
    "LANE_COLOURS",
    "PAGE_CSS",
    "ROOT_CLASS",
    "compare_html",
    "compare_lane_order",
    "curve_path",
    "emotion_svg",
    "label_above",
    "layout_html",
    "render_map_html",
    "resolve_pair",
    "score_text",
    "wrap_document",
]

from collections.abc import Sequence

from ..i18n import t
from ..model import BACKSTAGE_LANES, EVIDENCE_LEVELS, Project
from ..text import esc, html_page
from .labels import change_label, evidence_label, lane_label, map_type_label, phase_label
from .layout import (
    CardView,
    EmotionPoint,
    LaneView,
    MapLayout,
    PhaseRun,
    StageView,
    build_layout,
    compare_headings,
)
from .timeline import timeline_shares

ROOT_CLASS = "cjmmap"
EMOTION_HEIGHT = 132
_EMOTION_PAD = 22
EVIDENCE_MARK = {"observed": "●", "reported": "◐", "assumed": "○", "planned": "◇"}
EMOTION_COLOURS = {-2: "#c5221f", -1: "#e8710a", 0: "#80868b", 1: "#34a853", 2: "#137333"}
CHANGE_COLOURS = {"new": "#188038", "changed": "#e37400", "retired": "#5f6368"}
PHASE_COLOURS = {"before": "#e8f0fe", "during": "#d2e3fc", "after": "#c6dafc"}
CHIP_LANES = frozenset({"touchpoints", "channels"})
BACKSTAGE = frozenset(BACKSTAGE_LANES)

_LANE_COLOUR_TABLE = """
actions               #1a73e8  #e8f0fe
touchpoints           #00897b  #e0f2f1
channels              #5f6368  #f1f3f4
thoughts              #f9ab00  #fef7e0
emotions              #9334e6  #fafafa
pain_points           #d93025  #fce8e6
opportunities         #188038  #e6f4ea
internal_actors       #7b1fa2  #f3e5f5
internal_tools        #5e35b1  #ede7f6
internal_process      #3949ab  #e8eaf6
internal_pain_points  #ad1457  #fce4ec
activities            #795548  #efebe9
context               #546e7a  #eceff1
"""


def _colour_table(text: str) -> dict[str, tuple[str, str]]:
    """Rows of ``lane accent tint`` as ``{lane: (accent, tint)}``."""
    rows = (line.split() for line in text.strip().splitlines())
    return {lane: (accent, tint) for lane, accent, tint in rows}


LANE_COLOURS = _colour_table(_LANE_COLOUR_TABLE)
"""Each lane's accent (card border, label stripe) and tint (card face), in the HTML and the figure."""

CSS = """
.cjmmap{--ink:#202124;--muted:#5f6368;--line:#dadce0;--paper:#fff;
 box-sizing:border-box;color:var(--ink);background:var(--paper);
 font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",Arial,sans-serif;
 font-size:13px;line-height:1.35;max-width:100%;padding:12px 0;}
.cjmmap *,.cjmmap *::before,.cjmmap *::after{box-sizing:border-box;}
.cjmmap .cjmmap-head{margin:0 0 10px 0;}
.cjmmap .cjmmap-kicker{color:var(--muted);font-size:11px;text-transform:uppercase;letter-spacing:.06em;}
.cjmmap .cjmmap-title{font-size:20px;font-weight:650;margin:2px 0 4px 0;line-height:1.2;
 overflow-wrap:anywhere;}
.cjmmap .cjmmap-persona{margin:0;color:var(--ink);overflow-wrap:anywhere;}
.cjmmap .cjmmap-persona q{color:var(--muted);font-style:italic;margin-left:.4em;}
.cjmmap .cjmmap-label{color:var(--muted);font-size:11px;text-transform:uppercase;letter-spacing:.05em;
 margin-right:.4em;}
.cjmmap .cjmmap-scroll{overflow-x:auto;max-width:100%;}
.cjmmap .cjmmap-grid{display:grid;gap:4px;
 grid-template-columns:minmax(7.5rem,9rem) repeat(var(--cols),minmax(var(--colmin,8.5rem),1fr));
 min-width:calc(7.5rem + var(--cols) * (var(--colmin,8.5rem) + 4px));}
.cjmmap .cjmmap-grid.cjmmap-timeline{grid-template-columns:minmax(7.5rem,9rem) var(--tracks);
 min-width:calc(7.5rem + var(--cols) * 4px + var(--spread) * var(--colmin,8.5rem));}
.cjmmap .cjmmap-grid>*{min-width:0;}
.cjmmap .cjmmap-corner{color:var(--muted);font-size:11px;align-self:end;padding:4px;}
.cjmmap .cjmmap-stage{background:#174ea6;color:#fff;border-radius:6px;padding:6px 8px;
 overflow-wrap:anywhere;}
.cjmmap .cjmmap-stage strong{display:block;font-size:13px;}
.cjmmap .cjmmap-stage small{display:block;opacity:.85;font-size:11px;margin-top:2px;}
.cjmmap .cjmmap-stage-no{float:right;opacity:.7;font-size:11px;margin-left:4px;}
.cjmmap .cjmmap-sub{background:#e8eaed;color:var(--ink);border-radius:4px;padding:2px 6px;
 font-size:11px;font-weight:600;text-align:center;}
.cjmmap .cjmmap-sub.cjmmap-future{background:#ceead6;}
.cjmmap .cjmmap-lane-label{font-weight:600;font-size:12px;padding:6px 6px 6px 8px;border-radius:6px;
 background:#f1f3f4;border-left:4px solid var(--accent,#5f6368);overflow-wrap:anywhere;}
.cjmmap .cjmmap-cell{display:flex;flex-direction:column;gap:4px;padding:4px;border-radius:6px;
 background:#fafafa;min-height:2.2rem;}
.cjmmap .cjmmap-cell.cjmmap-chips{flex-direction:row;flex-wrap:wrap;align-content:flex-start;}
.cjmmap .cjmmap-empty{color:#bdc1c6;text-align:center;font-size:12px;}
.cjmmap .cjmmap-card{background:var(--tint,#fff);border:1.5px solid var(--accent,#5f6368);
 border-radius:6px;padding:5px 7px;white-space:pre-line;overflow-wrap:anywhere;word-break:break-word;
 hyphens:auto;break-inside:avoid;page-break-inside:avoid;}
.cjmmap .cjmmap-chips .cjmmap-card{border-radius:12px;padding:2px 8px;max-width:100%;}
.cjmmap .cjmmap-ev-observed{border-style:solid;}
.cjmmap .cjmmap-ev-reported{border-style:dashed;}
.cjmmap .cjmmap-ev-assumed{border-style:dotted;}
.cjmmap .cjmmap-ev-planned{border-style:double;border-width:3px;}
.cjmmap .cjmmap-change{display:inline-block;font-size:10px;color:#fff;border-radius:3px;padding:0 4px;
 margin-right:.35em;text-transform:uppercase;letter-spacing:.04em;text-decoration:none;}
.cjmmap .cjmmap-change-retired .cjmmap-text{text-decoration:line-through;color:var(--muted);}
.cjmmap .cjmmap-change-retired{opacity:.8;}
.cjmmap .cjmmap-feel{display:inline-block;font-size:10px;font-weight:600;margin-left:.35em;}
.cjmmap .cjmmap-phase{border-radius:6px;padding:2px 8px;font-size:11px;font-weight:650;
 text-transform:uppercase;letter-spacing:.06em;color:#174ea6;text-align:center;}
.cjmmap .cjmmap-clock{position:relative;border-top:3px solid #174ea6;margin-top:10px;padding:4px 0 0 0;
 font-weight:650;font-variant-numeric:tabular-nums;color:#174ea6;}
.cjmmap .cjmmap-clock::before{content:"";position:absolute;left:0;top:-8px;width:13px;height:13px;
 border-radius:50%;background:#fff;border:3px solid #174ea6;}
.cjmmap .cjmmap-clock span{display:block;margin-left:0;}
.cjmmap .cjmmap-stage .cjmmap-span{display:block;font-size:11px;opacity:.9;margin-top:2px;font-style:italic;}
.cjmmap .cjmmap-badge{display:inline-block;font-size:10px;color:var(--muted);white-space:nowrap;
 margin-left:.35em;letter-spacing:.02em;}
.cjmmap .cjmmap-detail{display:block;font-size:11px;color:var(--muted);}
.cjmmap .cjmmap-tag{display:inline-block;font-size:10px;background:#5f6368;color:#fff;border-radius:3px;
 padding:0 4px;margin-left:.35em;}
.cjmmap .cjmmap-emotion{background:#fafafa;border-radius:6px;}
.cjmmap .cjmmap-emotion svg{display:block;width:100%;}
.cjmmap .cjmmap-lov{grid-column:1/-1;border-top:2px dashed #5f6368;margin:6px 0 2px 0;padding-top:2px;
 color:var(--muted);font-size:11px;text-transform:uppercase;letter-spacing:.06em;}
.cjmmap .cjmmap-lov em{text-transform:none;letter-spacing:0;margin-left:.6em;}
.cjmmap .cjmmap-legend{margin-top:10px;color:var(--muted);font-size:11px;display:flex;flex-wrap:wrap;
 gap:6px 18px;align-items:center;}
.cjmmap .cjmmap-legend .cjmmap-card{display:inline-block;padding:1px 8px;color:var(--ink);
 --accent:#5f6368;}
/*lanes*/
.cjmmap .cjmmap-lane-thoughts .cjmmap-card{font-style:italic;}
.cjmmap svg text{font-family:inherit;}
@media print{
 .cjmmap{font-size:9pt;padding:0;-webkit-print-color-adjust:exact;print-color-adjust:exact;}
 .cjmmap .cjmmap-scroll{overflow:visible;}
 .cjmmap .cjmmap-grid{min-width:0;
  grid-template-columns:minmax(4.5rem,6rem) repeat(var(--cols),minmax(0,1fr));}
 .cjmmap .cjmmap-grid.cjmmap-timeline{min-width:0;
  grid-template-columns:minmax(4.5rem,6rem) var(--tracks);}
 .cjmmap .cjmmap-card,.cjmmap .cjmmap-stage,.cjmmap .cjmmap-emotion{break-inside:avoid;
  page-break-inside:avoid;}
 .cjmmap .cjmmap-head{break-after:avoid;}
}
""".replace(
    "/*lanes*/\n",
    "".join(
        f".cjmmap .cjmmap-lane-{lane}{{--accent:{accent};--tint:{tint};}}\n"
        for lane, (accent, tint) in LANE_COLOURS.items()
    ),
)

PAGE_CSS = """
@page{size:landscape;margin:10mm;}
html,body{margin:0;padding:0;background:#fff;}
body{padding:16px;}
@media print{body{padding:0;}}
"""


def score_text(score: float) -> str:
    """+2, +1.5, 0, −0.5, −2 (with a real minus sign; whole numbers without a decimal)."""
    shown = f"{abs(score):g}"
    if score > 0:
        return f"+{shown}"
    if score < 0:
        return f"\u2212{shown}"
    return "0"


def feeling_step(score: float, scale: int = 2) -> int:
    """The score brought to the -2..+2 steps that name a feeling and pick its colour."""
    return max(-2, min(2, round(score * 2 / scale)))


def emotion_colour(score: float, scale: int = 2) -> str:
    return EMOTION_COLOURS[feeling_step(score, scale)]


# --- cards and lanes ---------------------------------------------------------------


def _card_html(card: CardView, lang: str, scale: int = 2) -> str:
    badge = (
        f'<span class="cjmmap-badge" title="{esc(evidence_label(card.evidence, lang))}">'
        f"{EVIDENCE_MARK.get(card.evidence, '○')}&#8239;{esc(evidence_label(card.evidence, lang))}</span>"
    )
    tag = (
        f'<span class="cjmmap-tag">{esc(t("map.html.backstage", lang))}</span>'
        if card.backstage
        else ""
    )
    detail = f'<span class="cjmmap-detail">{esc(card.detail)}</span>' if card.detail.strip() else ""
    ref = f' data-ref="{esc(card.ref)}"' if card.ref else ""
    change, extra = "", ""
    if card.change:
        change = (
            f'<span class="cjmmap-change" style="background:{CHANGE_COLOURS[card.change]}">'
            f"{esc(change_label(card.change, lang))}</span>"
        )
        extra = f" cjmmap-change-{esc(card.change)}"
    feel = ""
    if card.emotion is not None:
        feel = (
            f'<span class="cjmmap-feel" style="color:{emotion_colour(card.emotion, scale)}">'
            f"{esc(t('mapmeaning.action_emotion', lang, score=score_text(card.emotion)))}</span>"
        )
    return (
        f'<div class="cjmmap-card cjmmap-ev-{esc(card.evidence)}{extra}"{ref}>'
        f'{change}<span class="cjmmap-text">{esc(card.text)}</span>{tag}{feel}{badge}{detail}</div>'
    )


def _cell_html(lane: str, cards: Sequence[CardView], lang: str, scale: int = 2) -> str:
    chips = " cjmmap-chips" if lane in CHIP_LANES else ""
    if not cards:
        body = f'<span class="cjmmap-empty">{esc(t("map.html.empty_cell", lang))}</span>'
    else:
        body = "".join(_card_html(card, lang, scale) for card in cards)
    return f'<div class="cjmmap-cell cjmmap-lane-{lane}{chips}">{body}</div>'


def _lane_label_html(lane: str, lang: str, extra: str = "") -> str:
    return f'<div class="cjmmap-lane-label cjmmap-lane-{lane}">{esc(lane_label(lane, lang))}{extra}</div>'


def _line_of_visibility(lang: str) -> str:
    return (
        f'<div class="cjmmap-lov" role="separator">{esc(t("map.html.line_of_visibility", lang))}'
        f"<em>{esc(t('map.html.line_of_visibility_hint', lang))}</em></div>"
    )


# --- the emotion curve ---------------------------------------------------------------


def _starts(shares: Sequence[float]) -> list[float]:
    """Where each column starts, in average-column units: the running total of the shares."""
    starts, at = [], 0.0
    for share in shares:
        starts.append(at)
        at += share
    return starts


def _y(score: float, scale: int = 2) -> float:
    inner = EMOTION_HEIGHT - 2 * _EMOTION_PAD
    return _EMOTION_PAD + (scale - score) / (2 * scale) * inner


def _runs(points: Sequence[EmotionPoint]) -> list[list[tuple[int, float]]]:
    """Consecutive stretches of recorded emotions, as (stage index, score); None breaks a run."""
    runs: list[list[tuple[int, float]]] = []
    current: list[tuple[int, float]] = []
    for i, point in enumerate(points):
        if point.score is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append((i, point.score))
    if current:
        runs.append(current)
    return runs


def curve_path(
    run: Sequence[tuple[int, float]],
    unit: float = 100.0,
    scale: int = 2,
    centres: Sequence[float] = (),
) -> str:
    """A smooth SVG path through the run's points, without overshoot between stages.

    ``centres`` gives each stage's middle in column units (a timeline's columns differ
    in width); by default stage ``i`` sits at ``i + 0.5``.
    """
    xy = [((centres[i] if centres else i + 0.5) * unit, _y(score, scale)) for i, score in run]
    d = f"M{xy[0][0]:.1f},{xy[0][1]:.1f}"
    for (x0, y0), (x1, y1) in zip(xy, xy[1:]):
        mid = (x0 + x1) / 2
        d += f" C{mid:.1f},{y0:.1f} {mid:.1f},{y1:.1f} {x1:.1f},{y1:.1f}"
    return d


def _curve_layer(
    points: Sequence[EmotionPoint],
    colour: str,
    dashed: bool,
    n: int,
    scale: int = 2,
    centres: Sequence[float] = (),
) -> str:
    dash = ' stroke-dasharray="7 5"' if dashed else ""
    paths = "".join(
        f'<path d="{curve_path(run, scale=scale, centres=centres)}" fill="none" stroke="{colour}" stroke-width="2.5"'
        f' vector-effect="non-scaling-stroke"{dash}/>'
        for run in _runs(points)
        if len(run) > 1
    )
    return (
        f'<svg x="0" y="0" width="100%" height="{EMOTION_HEIGHT}" viewBox="0 0 {n * 100} {EMOTION_HEIGHT}"'
        f' preserveAspectRatio="none" aria-hidden="true">{paths}</svg>'
    )


def label_above(point: EmotionPoint, other: EmotionPoint | None, first: bool) -> bool:
    """Put a score label on the side away from the other curve's point at the same stage."""
    if other is None or other.score is None or point.score is None or other.score == point.score:
        return first
    return point.score > other.score


def _markers(
    points: Sequence[EmotionPoint],
    stage_names: Sequence[str],
    n: int,
    lang: str,
    series: str = "",
    first: bool = True,
    other: Sequence[EmotionPoint] = (),
    scale: int = 2,
    shares: Sequence[float] = (),
) -> str:
    out = []
    shares = shares or [1.0] * n
    for i, (point, stage_name, start, share) in enumerate(
        zip(points, stage_names, _starts(shares), shares)
    ):
        x = f"{(start + share * 0.5) / n * 100:.3f}%"
        if not series:  # each action's own feeling, as small dots across the stage
            k = len(point.actions)
            for a, felt in enumerate(point.actions):
                ax = f"{(start + share * (0.2 + 0.6 * (a + 0.5) / k)) / n * 100:.3f}%"
                out.append(
                    f'<circle class="cjmmap-action-pt" cx="{ax}" cy="{_y(felt, scale):.1f}" r="3"'
                    f' fill="{emotion_colour(felt, scale)}" opacity=".55"/>'
                )
        if point.score is None:
            if not series:
                out.append(
                    f'<text x="{x}" y="{_y(0, scale) + 4:.1f}" text-anchor="middle" font-size="11"'
                    f' fill="#9aa0a6">{esc(t("map.html.no_emotion", lang))}</text>'
                )
            continue
        colour = emotion_colour(point.score, scale)
        fill = {"observed": colour, "reported": "#fff", "assumed": "#fff"}.get(
            point.evidence, "#fff"
        )
        dash = ' stroke-dasharray="2.5 2"' if point.evidence == "assumed" else ""
        what = t(
            "map.html.emotion_point",
            lang,
            stage=stage_name,
            score=score_text(point.score),
            feeling=t(f"map.feeling.{feeling_step(point.score, scale)}", lang),
            evidence=evidence_label(point.evidence, lang),
        )
        if series:
            what = f"{series}, {what}"
        y = _y(point.score, scale)
        label_dy = -11 if label_above(point, other[i] if i < len(other) else None, first) else 21
        out.append(
            f'<g class="cjmmap-pt cjmmap-ev-{esc(point.evidence)}"><title>{esc(what)}</title>'
            f'<circle cx="{x}" cy="{y:.1f}" r="7" fill="{fill}" stroke="{colour}" stroke-width="2.5"{dash}/>'
            f'<text x="{x}" y="{y + label_dy:.1f}" text-anchor="middle" font-size="11" font-weight="600"'
            f' fill="{colour}">{esc(score_text(point.score))}</text></g>'
        )
    return "".join(out)


def _emotion_frame(n: int, scale: int = 2, shares: Sequence[float] = ()) -> str:
    lines = []
    for score in (scale, 0, -scale):
        y = _y(score, scale)
        dash = "" if score == 0 else ' stroke-dasharray="2 4"'
        lines.append(
            f'<line x1="0" x2="100%" y1="{y:.1f}" y2="{y:.1f}" stroke="#bdc1c6" stroke-width="1"{dash}/>'
            f'<text x="4" y="{y - 3:.1f}" font-size="10" fill="#9aa0a6">{score_text(score)}</text>'
        )
    for start in _starts(shares or [1.0] * n)[1:]:
        x = f"{start / n * 100:.3f}%"
        lines.append(f'<line x1="{x}" x2="{x}" y1="4" y2="{EMOTION_HEIGHT - 4}" stroke="#e8eaed"/>')
    return "".join(lines)


def emotion_svg(
    series: Sequence[tuple[str, Sequence[EmotionPoint], str, bool]],
    stage_names: Sequence[str],
    lang: str,
    label: str,
    scale: int = 2,
    shares: Sequence[float] = (),
) -> str:
    """An SVG of one or more emotion curves over the same stages.

    ``series`` holds (name, points, colour, dashed); one series draws markers in
    emotion colours (and small dots for each action's own feeling), several draw each
    curve in its own colour. ``scale`` is the largest score: 2 or 3. ``shares`` are the
    stages' column widths on a timeline (see :func:`timeline_shares`); equal by default.
    """
    n = max(len(stage_names), 1)
    centres = [start + share / 2 for start, share in zip(_starts(shares), shares)]
    body = [_emotion_frame(n, scale, shares)]
    several = len(series) > 1
    for _name, points, colour, dashed in series:
        body.append(_curve_layer(points, colour, dashed, n, scale, centres))
    for k, (name, points, _colour, _dashed) in enumerate(series):
        body.append(
            _markers(
                points,
                stage_names,
                n,
                lang,
                series=name if several else "",
                first=k == 0,
                other=series[1 - k][1] if len(series) == 2 else (),
                scale=scale,
                shares=shares,
            )
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="{EMOTION_HEIGHT}"'
        f' role="img" aria-label="{esc(label)}">{"".join(body)}</svg>'
    )


# --- whole documents -------------------------------------------------------------------


def _header(kicker: str, title: str, persona: str, quote: str, lang: str) -> str:
    quote_html = f"<q>{esc(quote)}</q>" if quote.strip() else ""
    return (
        '<header class="cjmmap-head">'
        f'<div class="cjmmap-kicker">{esc(kicker)}</div>'
        f'<h2 class="cjmmap-title">{esc(title)}</h2>'
        f'<p class="cjmmap-persona"><span class="cjmmap-label">{esc(t("map.html.persona", lang))}</span>'
        f"{esc(persona)}{quote_html}</p></header>"
    )


def _legend(lang: str, scale: int = 2, timeline: bool = False, changes: bool = False) -> str:
    items = [f"<strong>{esc(t('map.html.legend', lang))}</strong>"]
    for level in EVIDENCE_LEVELS:
        items.append(
            f'<span><span class="cjmmap-card cjmmap-ev-{level}">{EVIDENCE_MARK[level]}&#8239;'
            f"{esc(evidence_label(level, lang))}</span> {esc(t(f'map.html.evidence_hint.{level}', lang))}</span>"
        )
    scale_text = (
        t("map.html.emotion_scale", lang)
        if scale == 2
        else t("mapmeaning.emotion_scale", lang, top=scale)
    )
    items.append(f"<span>{esc(lane_label('emotions', lang))}: {esc(scale_text)}</span>")
    if timeline:
        items.append(f"<span>{esc(t('mapmeaning.timeline.legend', lang))}</span>")
    if changes:
        items.append(f"<span>{esc(t('mapmeaning.change.legend', lang))}</span>")
    return f'<footer class="cjmmap-legend">{"".join(items)}</footer>'


def _phase_band(runs: Sequence[PhaseRun], n: int, lang: str, span: int = 1) -> str:
    """A row above the stage headers naming each run of stages' phase (before, during, after)."""
    if not runs:
        return ""
    cells = [f'<div class="cjmmap-corner">{esc(t("mapmeaning.phases_label", lang))}</div>']
    at = 0
    for run in runs:
        if run.first > at:
            cells.append(f'<div style="grid-column:span {(run.first - at) * span}"></div>')
        cells.append(
            f'<div class="cjmmap-phase" data-phase="{esc(run.phase)}"'
            f' style="grid-column:span {(run.last - run.first + 1) * span};'
            f'background:{PHASE_COLOURS.get(run.phase, "#e8f0fe")}">'
            f"{esc(phase_label(run.phase, lang))}</div>"
        )
        at = run.last + 1
    if at < n:
        cells.append(f'<div style="grid-column:span {(n - at) * span}"></div>')
    return "".join(cells)


def _clock_row(stages: Sequence[StageView], lang: str) -> str:
    """The day as a time axis: a line through every column, each starting at its time."""
    cells = [f'<div class="cjmmap-corner">{esc(t("mapmeaning.timeline.label", lang))}</div>']
    for stage in stages:
        cells.append(
            f'<div class="cjmmap-clock" data-clock="{esc(stage.clock)}">'
            f"<span>{esc(stage.clock) or '&nbsp;'}</span></div>"
        )
    return "".join(cells)


def _stage_extra(stage: StageView) -> str:
    span = f'<span class="cjmmap-span">{esc(stage.time_span)}</span>' if stage.time_span else ""
    desc = f"<small>{esc(stage.description)}</small>" if stage.description.strip() else ""
    return span + desc


def _stage_headers(layout: MapLayout, lang: str) -> str:
    cells = [_phase_band(layout.phases, len(layout.stages), lang)]
    if layout.is_timeline:
        cells.append(_clock_row(layout.stages, lang))
    cells.append(f'<div class="cjmmap-corner">{esc(t("map.html.stage", lang))}</div>')
    for i, stage in enumerate(layout.stages, start=1):
        cells.append(
            f'<div class="cjmmap-stage" data-stage="{esc(stage.id)}"><span class="cjmmap-stage-no">{i}</span>'
            f"<strong>{esc(stage.name)}</strong>{_stage_extra(stage)}</div>"
        )
    return "".join(cells)


def _lane_rows(layout: MapLayout, lang: str, shares: Sequence[float] = ()) -> str:
    rows = []
    lanes = {lane.lane: lane for lane in layout.lanes}
    stage_names = [s.name for s in layout.stages]
    drew_line = False
    for name in layout.lane_order:
        if layout.has_backstage and not drew_line and name in BACKSTAGE:
            rows.append(_line_of_visibility(lang))
            drew_line = True
        if name == "emotions":
            svg = emotion_svg(
                [("", layout.emotions, "#5f6368", False)],
                stage_names,
                lang,
                lane_label("emotions", lang),
                layout.emotion_scale,
                shares,
            )
            rows.append(_lane_label_html("emotions", lang))
            rows.append(f'<div class="cjmmap-emotion" style="grid-column:2/-1">{svg}</div>')
            continue
        lane: LaneView = lanes[name]
        rows.append(_lane_label_html(name, lang))
        rows.extend(_cell_html(name, cards, lang, layout.emotion_scale) for cards in lane.cells)
    return "".join(rows)


def wrap_document(fragment: str, title: str, lang: str) -> str:
    """A complete HTML page around a map fragment; it loads nothing from anywhere."""
    return html_page(title, fragment, lang, PAGE_CSS)


def _grid_open(layout: MapLayout) -> tuple[str, list[float]]:
    """The grid's opening tag and the column shares: equal, or on a timeline by the hours.

    A timeline's columns are ``fr`` tracks in proportion to the hours (so the emotion
    points, placed by the same shares, sit in their middle on screen and on paper); the
    grid is kept wide enough that its narrowest column still gets the usual minimum width.
    """
    n = len(layout.stages)
    if not layout.is_timeline:
        return f'<div class="cjmmap-grid" style="--cols:{n}">', []
    shares = timeline_shares([s.clock for s in layout.stages])
    tracks = " ".join(f"minmax(0,{share:.4f}fr)" for share in shares)
    spread = sum(shares) / min(shares)
    style = f"--cols:{n};--tracks:{tracks};--spread:{spread:.3f}"
    return f'<div class="cjmmap-grid cjmmap-timeline" style="{style}">', shares


def layout_html(layout: MapLayout, lang: str = "en") -> str:
    """The map fragment (styles included) for an already built layout."""
    kicker = f"{map_type_label(layout.map_type, lang)} · {layout.project_name}"
    grid_open, shares = _grid_open(layout)
    grid = (
        f'<div class="cjmmap-scroll">{grid_open}'
        f"{_stage_headers(layout, lang)}{_lane_rows(layout, lang, shares)}</div></div>"
    )
    return (
        f'<div class="{ROOT_CLASS}" lang="{esc(lang)}" data-journey="{esc(layout.journey_id)}">'
        f"<style>{CSS}</style>"
        f"{_header(kicker, layout.journey_name, layout.persona_name, layout.persona_quote, lang)}"
        f"{grid}{_legend(lang, layout.emotion_scale, layout.is_timeline, _has_changes(layout))}</div>"
    )


def _has_changes(*layouts: MapLayout) -> bool:
    return any(
        card.change for lo in layouts for lane in lo.lanes for cell in lane.cells for card in cell
    )


def render_map_html(
    project: Project, journey_id: str | None = None, lang: str = "en", standalone: bool = False
) -> str:
    """One journey as an HTML swimlane map; ``standalone`` gives a whole page for a file."""
    layout = build_layout(project, journey_id, lang)
    fragment = layout_html(layout, lang)
    if not standalone:
        return fragment
    return wrap_document(
        fragment, t("map.html.document_title", lang, journey=layout.journey_name), lang
    )


# --- as-is and to-be --------------------------------------------------------------------


def resolve_pair(
    project: Project, current_id: str | None, future_id: str | None
) -> tuple[str, str]:
    """Fill in a missing id from the journeys' ``compares_to`` links."""
    from ..errors import CJMError

    if future_id is None:
        candidates = [
            j
            for j in project.journeys
            if j.compares_to is not None and (current_id is None or j.compares_to == current_id)
        ]
        if not candidates:
            if current_id:
                raise CJMError(
                    t(
                        "errors.map.no_future_for",
                        project=repr(project.name),
                        journey=repr(current_id),
                    )
                )
            raise CJMError(t("errors.map.no_future", project=repr(project.name)))
        future_id = candidates[0].id
    if current_id is None:
        current_id = project.journey(future_id).compares_to
        if current_id is None:
            raise CJMError(t("errors.map.no_compares_to", journey=repr(future_id)))
    project.journey(current_id)
    project.journey(future_id)
    return current_id, future_id


def compare_lane_order(current: MapLayout, future: MapLayout) -> tuple[str, ...]:
    """The union of both maps' lanes, frontstage first, in the order they first appear."""
    merged: list[str] = []
    for lane in current.lane_order + future.lane_order:
        if lane not in merged:
            merged.append(lane)
    return tuple([x for x in merged if x not in BACKSTAGE] + [x for x in merged if x in BACKSTAGE])


def _compare_heads(now: MapLayout, as_is: str, to_be: str, lang: str) -> list[str]:
    """Phase band, one stage header over each pair of columns, then the as-is / to-be tabs."""
    n = len(now.stages)
    head = [_phase_band(now.phases, n, lang, span=2)]
    head.append(f'<div class="cjmmap-corner">{esc(t("map.html.stage", lang))}</div>')
    for i, stage in enumerate(now.stages, start=1):
        head.append(
            f'<div class="cjmmap-stage" style="grid-column:span 2" data-stage="{esc(stage.id)}">'
            f'<span class="cjmmap-stage-no">{i}</span><strong>{esc(stage.name)}</strong>'
            f"{_stage_extra(stage)}</div>"
        )
    head.append('<div class="cjmmap-corner"></div>')
    for _ in now.stages:
        head.append(
            f'<div class="cjmmap-sub">{esc(as_is)}</div>'
            f'<div class="cjmmap-sub cjmmap-future">{esc(to_be)}</div>'
        )
    return head


def _compare_emotions(now: MapLayout, later: MapLayout, as_is: str, to_be: str, lang: str) -> str:
    """Both emotion curves on one axis, the as-is one dashed, with a key naming them."""
    svg = emotion_svg(
        [(as_is, now.emotions, "#80868b", True), (to_be, later.emotions, "#188038", False)],
        [s.name for s in now.stages],
        lang,
        t("map.html.emotion_curves", lang),
        max(now.emotion_scale, later.emotion_scale),
    )
    key = (
        f'<div class="cjmmap-legend" style="margin:2px 6px">'
        f'<span style="color:#80868b">- - {esc(as_is)}</span>'
        f'<span style="color:#188038">━ {esc(to_be)}</span></div>'
    )
    return f'<div class="cjmmap-emotion" style="grid-column:2/-1">{svg}{key}</div>'


def _compare_rows(now: MapLayout, later: MapLayout, as_is: str, to_be: str, lang: str) -> list[str]:
    """Every lane, each stage's as-is cell beside its to-be cell."""
    rows: list[str] = []
    drew_line = False
    for name in compare_lane_order(now, later):
        if name in BACKSTAGE and not drew_line:
            rows.append(_line_of_visibility(lang))
            drew_line = True
        rows.append(_lane_label_html(name, lang))
        if name == "emotions":
            rows.append(_compare_emotions(now, later, as_is, to_be, lang))
            continue
        for i in range(len(now.stages)):
            for side in (now, later):
                cards = side.lane(name).cells[i] if name in side.lane_order else ()
                rows.append(_cell_html(name, cards, lang, side.emotion_scale))
    return rows


def compare_html(
    project: Project,
    current_id: str | None = None,
    future_id: str | None = None,
    lang: str = "en",
    standalone: bool = False,
) -> str:
    """As-is and to-be side by side: each stage split in two, both emotion curves on one axis."""
    current_id, future_id = resolve_pair(project, current_id, future_id)
    now = build_layout(project, current_id, lang)
    later = build_layout(project, future_id, lang)
    as_is, to_be = t("map.html.as_is", lang), t("map.html.to_be", lang)
    head = _compare_heads(now, as_is, to_be, lang)
    rows = _compare_rows(now, later, as_is, to_be, lang)
    kicker, title, persona = compare_headings(now, later, lang)
    fragment = (
        f'<div class="{ROOT_CLASS}" lang="{esc(lang)}" data-journey="{esc(current_id)}"'
        f' data-compare="{esc(future_id)}"><style>{CSS}</style>'
        f"{_header(kicker, title, persona, now.persona_quote, lang)}"
        f'<div class="cjmmap-scroll"><div class="cjmmap-grid" style="--cols:{2 * len(now.stages)};--colmin:9rem">'
        f"{''.join(head)}{''.join(rows)}</div></div>"
        f"{_legend(lang, now.emotion_scale, changes=_has_changes(now, later))}</div>"
    )
    return wrap_document(fragment, title, lang) if standalone else fragment
