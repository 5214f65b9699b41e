"""Figures for every overlay analysis: each takes the analysis's DataFrame, returns a Figure.

The package never calls ``plt.show()``; notebooks do. Titles and axis labels come
from the ``feedback`` message catalogue, so figures follow the run's language. Drawn with
matplotlib alone (:mod:`..plot_parts`): seaborn would bring SciPy into every kernel.
"""

from __future__ import annotations

__all__ = [
    "MAX_HEATMAP",
    "MAX_LABEL",
    "PALETTE",
    "plot_attribution",
    "plot_emotion_curve",
    "plot_funnel",
    "plot_gaps",
    "plot_kpis",
    "plot_segments",
    "plot_tickets",
    "plot_time_between_stages",
    "plot_transitions",
]

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.container import BarContainer
from matplotlib.figure import Figure

from ..i18n import format_percent, t
from ..plot_parts import category_bars, heatmap
from ..plot_theme import CYCLE

plt.rcParams["text.parse_math"] = (
    False  # a '$' in an event, channel or segment name is drawn as typed
)

PALETTE = {
    "open": "#9ec5e8",
    "closed": "#1f5f99",
    "switch": "#c0392b",
    "no_switch": "#7f8c8d",
    "survey": "#1f5f99",
    "stated": "#e67e22",
    "disagree": "#c0392b",
}
MAX_LABEL = 28
MAX_HEATMAP = 14


def _label(text: object, width: int = MAX_LABEL) -> str:
    """A label wrapped to at most two lines, the rest cut with an ellipsis, so no name can crowd out a plot."""
    return "\n".join(textwrap.wrap(str(text), width, max_lines=2, placeholder="…")) or "—"


def _fit_ticks(fig: Figure) -> Figure:
    """Shorten category tick labels longer than a label may be (user names of events, steps, channels)."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            labels = axis.get_ticklabels()
            if any(len(label.get_text()) > MAX_LABEL for label in labels):
                axis.set_ticks(axis.get_ticklocs(), [_label(label.get_text()) for label in labels])
    return fig


def _empty(title: str, lang: str) -> Figure:
    fig, ax = plt.subplots(figsize=(8, 2.5), layout="constrained")
    ax.axis("off")
    ax.set_title(title)
    ax.text(0.5, 0.5, t("feedback.plot.no_data", lang), ha="center", va="center", color="#666")
    return fig


def _tr(key: str, lang: str, **values: object) -> str:
    return t(f"feedback.plot.{key}", lang, **values)


def plot_funnel(frame: pd.DataFrame, lang: str = "en") -> Figure:
    """Open and closed funnel side by side per step, with the conversion of the closed one."""
    title = _tr("funnel.title", lang)
    if frame.empty:
        return _empty(title, lang)
    long = frame.melt(
        id_vars="step",
        value_vars=["users_open", "users_closed"],
        var_name="kind",
        value_name="users",
    )
    long["kind"] = long["kind"].map(
        {"users_open": _tr("funnel.open", lang), "users_closed": _tr("funnel.closed", lang)}
    )
    fig, ax = plt.subplots(figsize=(9, 0.55 * len(frame) + 1.8), layout="constrained")
    category_bars(ax, long, "step", "users", "kind", [PALETTE["open"], PALETTE["closed"]])
    for i, row in frame.reset_index(drop=True).iterrows():
        ax.text(
            row["users_closed"],
            i + 0.2,
            f"  {format_percent(row['conversion'], lang)}",
            va="center",
            fontsize=9,
            color=PALETTE["closed"],
        )
    ax.set(title=title, xlabel=_tr("funnel.users", lang), ylabel=_tr("funnel.step", lang))
    ax.legend(title=None, loc="lower right")
    return _fit_ticks(fig)


def plot_transitions(frame: pd.DataFrame, lang: str = "en") -> Figure:
    """A heatmap of users moving from one step to the next, busiest steps only."""
    title = _tr("transitions.title", lang)
    if frame.empty:
        return _empty(title, lang)
    busiest = (
        pd.concat([frame.groupby("from")["users"].sum(), frame.groupby("to")["users"].sum()])
        .groupby(level=0)
        .sum()
        .sort_values(ascending=False)
    )
    keep = list(busiest.index[:MAX_HEATMAP])
    shown = frame[frame["from"].isin(keep) & frame["to"].isin(keep)]
    matrix = shown.pivot_table(
        index="from", columns="to", values="users", aggfunc="sum", fill_value=0
    )
    matrix = matrix.reindex(
        index=[k for k in keep if k in matrix.index],
        columns=[k for k in keep if k in matrix.columns],
        fill_value=0,
    )
    matrix.index = [_label(name) for name in matrix.index]  # before drawing: laid out as drawn
    matrix.columns = [_label(name) for name in matrix.columns]
    label_width = max(
        (len(line) for name in matrix.index for line in str(name).split("\n")), default=0
    )
    fig, ax = plt.subplots(
        figsize=(
            max(6.0, 2.4 + 0.62 * len(matrix.columns) + 0.08 * label_width),
            max(3.5, 2.2 + 0.5 * len(matrix.index)),
        ),
        layout="constrained",
    )
    heatmap(ax, matrix, "Blues", colourbar=_tr("transitions.colour", lang), font_size=8)
    subtitle = (
        _tr("transitions.more", lang, shown=len(keep), total=len(busiest))
        if len(busiest) > len(keep)
        else ""
    )
    ax.set(
        title=title + (f"\n{subtitle}" if subtitle else ""),
        xlabel=_tr("transitions.to", lang),
        ylabel=_tr("transitions.from", lang),
    )
    return _fit_ticks(fig)


def plot_time_between_stages(frame: pd.DataFrame, lang: str = "en") -> Figure:
    """Median hours between consecutive stages, with the quartiles as error bars."""
    title = _tr("time.title", lang)
    data = frame.dropna(subset=["median_hours"])
    if data.empty:
        return _empty(title, lang)
    pairs = [f"{a} → {b}" for a, b in zip(data["from_stage"], data["to_stage"])]
    fig, ax = plt.subplots(figsize=(9, 0.6 * len(data) + 1.6), layout="constrained")
    y = np.arange(len(data))
    ax.barh(y, data["median_hours"], color=PALETTE["closed"])
    ax.errorbar(
        data["median_hours"],
        y,
        xerr=[data["median_hours"] - data["q1_hours"], data["q3_hours"] - data["median_hours"]],
        fmt="none",
        ecolor="#333",
        capsize=4,
    )
    ax.set_yticks(y, pairs)
    ax.invert_yaxis()
    ax.set(title=title, xlabel=_tr("time.hours", lang), ylabel=_tr("time.pair", lang))
    return _fit_ticks(fig)


def plot_gaps(frame: pd.DataFrame, lang: str = "en") -> Figure:
    """Drop-off right after a switch of device, channel or department, against no switch."""
    title = _tr("gaps.title", lang)
    data = frame.dropna(subset=["drop_off"])
    if data.empty:
        return _empty(title, lang)
    data = data.assign(
        kind=data["kind"].map(lambda k: _tr(f"gaps.{k}", lang)),
        switch=data["switched"].map(
            {True: _tr("gaps.with_switch", lang), False: _tr("gaps.without_switch", lang)}
        ),
    )
    fig, ax = plt.subplots(figsize=(8, 4), layout="constrained")
    category_bars(
        ax,
        data,
        "kind",
        "drop_off",
        "switch",
        [PALETTE["switch"], PALETTE["no_switch"]],
        horizontal=False,
        hue_order=[_tr("gaps.with_switch", lang), _tr("gaps.without_switch", lang)],
    )
    for container in ax.containers:
        if not isinstance(container, BarContainer):
            continue
        ax.bar_label(
            container,
            labels=[format_percent(v, lang) for v in np.asarray(container.datavalues)],
            fontsize=9,
        )
    ax.yaxis.set_major_formatter(lambda v, _: format_percent(v, lang, 0))
    ax.set(title=title, xlabel=_tr("gaps.kind", lang), ylabel=_tr("gaps.drop_off", lang))
    ax.set_ylim(0, float(data["drop_off"].max()) * 1.3)
    ax.legend(title=None, loc="upper center", ncols=2, bbox_to_anchor=(0.5, -0.15), frameon=False)
    return _fit_ticks(fig)


def plot_kpis(frame: pd.DataFrame, lang: str = "en") -> Figure:
    """Each KPI as a labelled bar: shares in percent, per-customer counts as numbers."""
    title = _tr("kpis.title", lang)
    if frame.empty:
        return _empty(title, lang)
    names = [
        t(f"overlay.kpi.{k}", lang) if _has(f"overlay.kpi.{k}") else k.replace("_", " ")
        for k in frame["kpi"]
    ]
    fig, ax = plt.subplots(figsize=(9, 0.5 * len(frame) + 1.5), layout="constrained")
    colours = [PALETTE["closed"] if u == "share" else PALETTE["stated"] for u in frame["unit"]]
    ax.barh(range(len(frame)), frame["value"], color=colours)
    for i, (value, unit) in enumerate(zip(frame["value"], frame["unit"])):
        text = format_percent(value, lang) if unit == "share" else f"{value:.2f}"
        ax.text(value, i, f"  {text}", va="center", fontsize=9)
    ax.set_yticks(range(len(frame)), [_label(n) for n in names])
    ax.invert_yaxis()
    ax.set_xlim(0, max(1.0, float(frame["value"].max()) * 1.25))
    ax.set(title=title, xlabel=_tr("kpis.value", lang))
    return _fit_ticks(fig)


def _has(key: str) -> bool:
    from ..i18n import catalogue

    return key in catalogue("en")


def plot_attribution(frame: pd.DataFrame, lang: str = "en", by: str = "touchpoint") -> Figure:
    """First-touch, last-touch and Markov removal shares per touchpoint (or channel)."""
    title = _tr("attribution.title", lang, by=_tr(f"attribution.{by}", lang))
    if frame.empty:
        return _empty(title, lang)
    models = ["first_touch", "last_touch", "markov_removal"]
    long = frame.melt(id_vars="label", value_vars=models, var_name="model", value_name="share")
    long["model"] = long["model"].map(lambda m: _tr(f"attribution.{m}", lang))
    long["label"] = long["label"].map(_label)
    fig, ax = plt.subplots(figsize=(9, 0.55 * len(frame) + 1.8), layout="constrained")
    category_bars(ax, long, "label", "share", "model", CYCLE)
    ax.xaxis.set_major_formatter(lambda v, _: format_percent(v, lang, 0))
    ax.set(title=title, xlabel=_tr("attribution.share", lang), ylabel="")
    ax.legend(title=None, loc="lower right")
    return _fit_ticks(fig)


def plot_emotion_curve(frame: pd.DataFrame, lang: str = "en") -> Figure:
    """The survey's mean emotion per stage with its confidence band, against the stated curve."""
    title = _tr("emotion.title", lang)
    if frame.empty:
        return _empty(title, lang)
    x = np.arange(len(frame))
    fig, ax = plt.subplots(figsize=(9, 4.5), layout="constrained")
    ax.axhline(0, color="#bbb", lw=1)
    ax.fill_between(
        x,
        frame["ci_low"].astype(float),
        frame["ci_high"].astype(float),
        color=PALETTE["survey"],
        alpha=0.18,
        label=_tr("emotion.ci", lang, level="95%"),
    )
    ax.plot(
        x,
        frame["mean"].astype(float),
        "-o",
        color=PALETTE["survey"],
        lw=2.2,
        label=_tr("emotion.survey", lang),
    )
    stated = frame["stated"].astype(float)
    ax.plot(x, stated, "--s", color=PALETTE["stated"], lw=1.8, label=_tr("emotion.stated", lang))
    flagged = frame["disagree"].fillna(False).astype(bool).to_numpy()
    if flagged.any():
        ax.scatter(
            x[flagged],
            frame["mean"].astype(float)[flagged],
            s=260,
            facecolors="none",
            edgecolors=PALETTE["disagree"],
            linewidths=2,
            label=_tr("emotion.disagree", lang),
            zorder=5,
        )
    for i, n in enumerate(frame["n"]):
        ax.text(i, -2.35, f"n={int(n)}", ha="center", fontsize=8, color="#555")
    ax.set_xticks(x, [_label(s, 14) for s in frame["stage_name"]])
    ax.set_ylim(-2.5, 2.5)
    ax.set(title=title, ylabel=_tr("emotion.score", lang), xlabel=_tr("emotion.stage", lang))
    ax.legend(loc="upper left", fontsize=8, ncols=2)
    return _fit_ticks(fig)


def plot_segments(frame: pd.DataFrame, lang: str = "en") -> Figure:
    """Respondents per survey segment, with each segment's share."""
    title = _tr("segments.title", lang)
    if frame.empty:
        return _empty(title, lang)
    fig, ax = plt.subplots(figsize=(9, 0.55 * len(frame) + 1.5), layout="constrained")
    ax.barh(range(len(frame)), frame["respondents"], color=PALETTE["closed"])
    for i, (n, share) in enumerate(zip(frame["respondents"], frame["share"])):
        ax.text(n, i, f"  {int(n)} ({format_percent(share, lang)})", va="center", fontsize=9)
    ax.set_yticks(range(len(frame)), [_label(s) for s in frame["segment"]])
    ax.invert_yaxis()
    ax.set_xlim(0, float(frame["respondents"].max()) * 1.3)
    ax.set(
        title=title, xlabel=_tr("segments.respondents", lang), ylabel=_tr("segments.segment", lang)
    )
    return _fit_ticks(fig)


def plot_tickets(frame: pd.DataFrame, lang: str = "en") -> Figure:
    """Support tickets per touchpoint, coloured by stage."""
    title = _tr("tickets.title", lang)
    data = frame[frame["tickets"] > 0]
    if data.empty:
        return _empty(title, lang)
    label = data["touchpoint_name"].where(
        data["touchpoint_name"].astype(str).str.len() > 0, t("feedback.label.unmatched", lang)
    )
    data = data.assign(label=label.map(_label), stage_name=data["stage_name"].replace("", "—"))
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(data) + 1.6), layout="constrained")
    category_bars(ax, data, "label", "tickets", "stage_name", CYCLE, dodge=False)
    ax.set(title=title, xlabel=_tr("tickets.tickets", lang), ylabel=_tr("tickets.touchpoint", lang))
    ax.legend(title=_tr("tickets.stage", lang), fontsize=8)
    return _fit_ticks(fig)
