"""Heatmaps and grouped bars drawn with matplotlib alone, in the look of the notebooks' theme.

The figures once drew these with seaborn, which imports SciPy: about a second in every
kernel that drew one. These helpers draw the same shapes (one bar per category and group,
dodged side by side; a grid of coloured cells with their numbers written in) from the
values given, with no statistics: a group with several rows shows their mean.
"""

from __future__ import annotations

__all__ = ["BAR_SATURATION", "BAR_WIDTH", "category_bars", "desaturate", "heatmap"]

import colorsys
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import QuadMesh
from matplotlib.colors import Colormap, to_rgb
from matplotlib.figure import Figure

BAR_WIDTH = 0.8
"""Share of a category's slot its bars fill together, the rest is the gap to the next."""

BAR_SATURATION = 0.75
"""Bars are drawn a little greyer than their palette colour, which reads calmer over large areas."""


def desaturate(colour: Any, share: float) -> tuple[float, float, float]:
    """``colour`` with its saturation scaled by ``share`` (hue and lightness kept)."""
    hue, lightness, saturation = colorsys.rgb_to_hls(*to_rgb(colour))
    return colorsys.hls_to_rgb(hue, lightness, saturation * share)


def _levels(values: pd.Series, order: Sequence[str] | None) -> list[Any]:
    """The distinct values in the order given, else in the order they first appear."""
    return list(order) if order is not None else list(pd.unique(values))


def category_bars(
    ax: Axes,
    data: pd.DataFrame,
    category: str,
    value: str,
    hue: str,
    palette: Sequence[Any],
    horizontal: bool = True,
    hue_order: Sequence[str] | None = None,
    dodge: bool = True,
) -> None:
    """One bar per ``category`` and ``hue`` level, levels side by side (or stacked in place).

    Categories keep the order they first appear in (the first on top when horizontal), one
    colour per hue level from ``palette`` in turn, and one labelled bar container per level,
    so ``ax.legend()`` and ``ax.bar_label`` see them as they would any bars.
    """
    categories = _levels(data[category], None)
    levels = _levels(data[hue], hue_order)
    means = data.groupby([category, hue], sort=False)[value].mean()
    each = BAR_WIDTH / len(levels) if dodge else BAR_WIDTH
    offsets = np.linspace(0, BAR_WIDTH - each, len(levels)) if dodge else np.zeros(len(levels))
    offsets = offsets - offsets.mean()
    slot = {name: n for n, name in enumerate(categories)}
    for n, level in enumerate(levels):
        shown = [(slot[c], v) for (c, h), v in means.items() if h == level]
        edges = [position + offsets[n] - each / 2 for position, _ in shown]
        heights = [v for _, v in shown]
        colour = desaturate(palette[n % len(palette)], BAR_SATURATION)
        draw = ax.barh if horizontal else ax.bar
        draw(edges, heights, each, align="edge", color=colour, label=str(level))
    ticks = range(len(categories))
    labels = [str(c) for c in categories]
    if horizontal:
        ax.set_yticks(ticks, labels)
        ax.yaxis.grid(False)
        ax.set_ylim(len(categories) - 0.5, -0.5)
    else:
        ax.set_xticks(ticks, labels)
        ax.xaxis.grid(False)
        ax.set_xlim(-0.5, len(categories) - 0.5)


def _luminance(rgba: Sequence[float]) -> float:
    """How light a colour looks (WCAG relative luminance, 0 black to 1 white)."""
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgba[:3]]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _write_values(ax: Axes, mesh: QuadMesh, values: np.ma.MaskedArray, fmt: str, size: Any) -> None:
    """Each cell's number in its centre, dark on light cells and white on dark ones.

    The numbers sit inside their cells, so the layout does not measure them (a heatmap of 14
    steps has 196).
    """
    colours = mesh.to_rgba(values.ravel())
    for n, (value, colour) in enumerate(zip(values.ravel(), colours)):
        if value is np.ma.masked:
            continue
        row, column = divmod(n, values.shape[1])
        ax.text(
            column + 0.5,
            row + 0.5,
            format(int(value) if fmt == "d" else float(value), fmt),
            ha="center",
            va="center",
            color=".15" if _luminance(colour) > 0.408 else "w",
            fontsize=size,
            in_layout=False,
        )


def _figure(ax: Axes) -> Figure:
    """The figure ``ax`` is drawn on."""
    figure = ax.get_figure(root=True)
    if figure is None:
        raise ValueError("the axes belong to no figure")
    return figure


def _turn_crowded_labels(ax: Axes) -> None:
    """Column names that would overlap once laid out are turned upright, as the theme's heatmaps do."""
    labels = ax.get_xticklabels()
    if len(labels) < 2:
        return
    _figure(ax).draw_without_rendering()  # lays the labels out; nothing is rasterised
    boxes = [label.get_window_extent() for label in labels]
    if any(a.overlaps(b) for a, b in zip(boxes, boxes[1:])):
        for label in labels:
            label.set_rotation(90)


def heatmap(
    ax: Axes,
    frame: pd.DataFrame,
    cmap: str | Colormap,
    fmt: str = "d",
    vmin: float | None = None,
    vmax: float | None = None,
    colourbar: str | None = None,
    line_width: float = 0.0,
    font_size: Any = None,
) -> QuadMesh:
    """``frame`` as a grid of coloured cells, its first row on top, each cell's number written in.

    Missing values stay blank. ``colourbar`` is the colour bar's label (no bar when None);
    ``line_width`` draws white lines of that width between the cells.
    """
    values = np.ma.masked_invalid(frame.to_numpy(dtype=float))
    mesh = ax.pcolormesh(
        values,
        cmap=cmap,
        vmin=vmin if vmin is not None else float(values.min()),
        vmax=vmax if vmax is not None else float(values.max()),
        linewidths=line_width,
        edgecolor="white",
    )
    ax.set(xlim=(0, frame.shape[1]), ylim=(frame.shape[0], 0))
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.grid(False)
    if colourbar is not None:
        bar = _figure(ax).colorbar(mesh, ax=ax, label=colourbar)
        bar.outline.set_linewidth(0)
    ax.set_xticks(np.arange(frame.shape[1]) + 0.5, [str(c) for c in frame.columns])
    ax.set_yticks(np.arange(frame.shape[0]) + 0.5, [str(i) for i in frame.index], va="center")
    ax.set(xlabel=frame.columns.name or "", ylabel=frame.index.name or "")
    _turn_crowded_labels(ax)  # before the numbers go in: fewer texts to lay out
    _write_values(ax, mesh, values, fmt, font_size)
    return mesh
