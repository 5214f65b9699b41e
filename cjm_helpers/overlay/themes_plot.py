"""One figure of the themes: how many comments each holds, whether it hurts or helps, where and how it moves.

Takes the rows of ``themes.csv`` (:func:`.themes.find_themes`) and returns a
Figure; titles and labels come from the ``themes`` catalogue.
"""

from __future__ import annotations

__all__ = ["COLOURS", "MAX_THEMES_SHOWN", "plot_themes"]

import textwrap

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..i18n import format_number, t

COLOURS = {"pain": "#d93025", "gain": "#188038", "mixed": "#80868b"}
MAX_THEMES_SHOWN = 15


def plot_themes(frame: pd.DataFrame, lang: str = "en") -> Figure:
    """Themes as bars (largest on top), red for pain, green for gain, each with its main stage and trend."""
    title = t("themes.title", lang)
    if frame.empty:
        fig, ax = plt.subplots(figsize=(8, 2.5))
        ax.axis("off")
        ax.set_title(title)
        ax.text(
            0.5,
            0.5,
            "\n".join(textwrap.wrap(t("themes.none", lang, needed=6), 70)),
            ha="center",
            va="center",
            color="#666",
        )
        return fig
    data = frame.head(MAX_THEMES_SHOWN).iloc[::-1].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(9, 0.5 * len(data) + 1.6))
    colours = [COLOURS.get(kind, COLOURS["mixed"]) for kind in data["polarity"]]
    labels = ["\n".join(textwrap.wrap(str(label), 30)) for label in data["label"]]
    ax.barh(range(len(data)), data["size"], color=colours)
    ax.set_yticks(range(len(data)), labels, fontsize=9)
    most = float(data["size"].max())
    for i, row in data.iterrows():
        where = row["stage_name"] or t("themes.no_stage", lang)
        trend = t(f"themes.trend.{row['trend'] or 'unknown'}", lang)
        ax.text(
            row["size"] + most * 0.01,
            i,
            f"{format_number(row['size'], lang, 0)} · {where} · {trend}",
            va="center",
            fontsize=8,
            color="#444",
        )
    ax.set_xlim(0, most * 1.6)
    ax.set(title=title, xlabel=t("themes.column.size", lang), ylabel=t("themes.column.theme", lang))
    ax.legend(
        handles=[Patch(color=COLOURS[k], label=t(f"themes.polarity.{k}", lang)) for k in COLOURS],
        loc="lower right",
        fontsize=8,
    )
    fig.tight_layout()
    return fig
