"""The look of every figure in the notebooks, as plain matplotlib settings.

These are the values seaborn's ``set_theme(context="notebook", style="whitegrid",
palette="deep", font="DejaVu Sans")`` sets, kept here so a chapter can style its figures
without importing seaborn (and scipy with it, seconds per notebook). A test compares them
with seaborn's own, so they stay in step when seaborn changes. One setting is left out:
seaborn's default colour map, "rocket", exists only once seaborn is imported, and matplotlib
asks for the default map even when saving a plain RGB image; every figure of ours names its map.
The one seaborn map a figure of ours used, "crest", is rebuilt here from a few anchor colours.
"""

from __future__ import annotations

__all__ = ["COLOR_CODES", "CREST_ANCHORS", "CYCLE", "RC", "apply_theme", "crest"]

from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from matplotlib.colors import LinearSegmentedColormap

RC: dict[str, Any] = {
    "axes.axisbelow": True,
    "axes.edgecolor": ".8",
    "axes.facecolor": "white",
    "axes.grid": True,
    "axes.labelcolor": ".15",
    "axes.labelsize": 12,
    "axes.linewidth": 1.25,
    "axes.spines.bottom": True,
    "axes.spines.left": True,
    "axes.spines.right": True,
    "axes.spines.top": True,
    "axes.titlesize": 12,
    "figure.facecolor": "white",
    "font.family": "DejaVu Sans",
    "font.sans-serif": [
        "Arial",
        "DejaVu Sans",
        "Liberation Sans",
        "Bitstream Vera Sans",
        "sans-serif",
    ],
    "font.size": 12,
    "grid.color": ".8",
    "grid.linestyle": "-",
    "grid.linewidth": 1,
    "legend.fontsize": 11,
    "legend.title_fontsize": 12,
    "lines.linewidth": 1.5,
    "lines.markersize": 6,
    "lines.solid_capstyle": "round",
    "patch.edgecolor": "w",
    "patch.force_edgecolor": True,
    "patch.linewidth": 1,
    "text.color": ".15",
    "xtick.bottom": False,
    "xtick.color": ".15",
    "xtick.direction": "out",
    "xtick.labelsize": 11,
    "xtick.major.size": 6,
    "xtick.major.width": 1.25,
    "xtick.minor.size": 4,
    "xtick.minor.width": 1,
    "xtick.top": False,
    "ytick.color": ".15",
    "ytick.direction": "out",
    "ytick.labelsize": 11,
    "ytick.left": False,
    "ytick.major.size": 6,
    "ytick.major.width": 1.25,
    "ytick.minor.size": 4,
    "ytick.minor.width": 1,
    "ytick.right": False,
}
"""The rc parameters of the whitegrid style and the notebook context, font DejaVu Sans."""

CYCLE: list[tuple[float, float, float]] = [
    (0.2980392156862745, 0.4470588235294118, 0.6901960784313725),
    (0.8666666666666667, 0.5176470588235295, 0.3215686274509804),
    (0.3333333333333333, 0.6588235294117647, 0.40784313725490196),
    (0.7686274509803922, 0.3058823529411765, 0.3215686274509804),
    (0.5058823529411764, 0.4470588235294118, 0.7019607843137254),
    (0.5764705882352941, 0.47058823529411764, 0.3764705882352941),
    (0.8549019607843137, 0.5450980392156862, 0.7647058823529411),
    (0.5490196078431373, 0.5490196078431373, 0.5490196078431373),
    (0.8, 0.7254901960784313, 0.4549019607843137),
    (0.39215686274509803, 0.7098039215686275, 0.803921568627451),
]
"""The "deep" palette: the colours lines and bars take in turn."""

COLOR_CODES: dict[str, tuple[float, float, float]] = {
    "b": (0.2980392156862745, 0.4470588235294118, 0.6901960784313725),
    "c": (0.39215686274509803, 0.7098039215686275, 0.803921568627451),
    "g": (0.3333333333333333, 0.6588235294117647, 0.40784313725490196),
    "k": (0.1, 0.1, 0.1),
    "m": (0.5058823529411764, 0.4470588235294118, 0.7019607843137254),
    "r": (0.7686274509803922, 0.3058823529411765, 0.3215686274509804),
    "y": (0.8, 0.7254901960784313, 0.4549019607843137),
}
"""What the one-letter colours ("b", "g", ...) mean under the "deep" palette."""


CREST_ANCHORS: list[str] = [
    "#a5cd90",
    "#76b791",
    "#509e90",
    "#33858d",
    "#1d6c8a",
    "#234f81",
    "#2c3171",
]
"""Light sage green through teal to deep indigo, evenly spaced: the "crest" colour map's look."""


def crest() -> LinearSegmentedColormap:
    """The "crest" colour map (low scores light green, high ones deep blue) from its anchor colours."""
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list("cjm_crest", CREST_ANCHORS)


def apply_theme() -> None:
    """Set matplotlib's defaults to the theme, as seaborn's ``set_theme`` would."""
    import matplotlib as mpl
    from cycler import cycler

    cast(Any, mpl.rcParams).update(RC)  # its stubs take only literal key names
    mpl.rcParams["axes.prop_cycle"] = cycler("color", CYCLE)
    for code, rgb in COLOR_CODES.items():
        mpl.colors.colorConverter.colors[code] = rgb
