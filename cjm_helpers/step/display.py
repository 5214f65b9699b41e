"""How a step's results show in a notebook: HTML blocks, tables with notes, figures, one plot theme."""

from __future__ import annotations

import io
import os
from typing import Any

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, Image, display

from ..kernel import kernel_shell
from ..plot_theme import apply_theme
from ..text import esc

__all__ = ["as_html", "dates_only", "setup_plots", "show_figure", "table_with_notes"]


def setup_plots() -> None:
    """One look for every figure: the whitegrid theme, readable sizes, PNG output inline."""
    if os.environ.get("MPLBACKEND", "").lower() == "agg" and kernel_shell() is not None:
        # Agg in the environment makes inline figures vanish from executed notebooks.
        matplotlib.use("module://matplotlib_inline.backend_inline")
    apply_theme()  # seaborn's theme without importing seaborn (seconds per chapter)
    matplotlib.rcParams.update(
        {
            "figure.dpi": 100,
            "figure.figsize": (9, 4.5),
            "svg.hashsalt": "cjm",
            "text.parse_math": False,
        }
    )  # user text with '$' is never read as mathtext


def as_html(markup: str) -> HTML:
    """Markup a cell displays as HTML (in the notebook, nbval and the exported pages alike)."""
    return HTML(markup)


def show_figure(fig: Any) -> Any:
    """Display a figure once, wherever it was made, so a cell can end with ``plt.show()``.

    Figures built with :class:`matplotlib.figure.Figure` (as the package does)
    are not known to pyplot, so ``plt.show()`` alone would not draw them; figures
    made through pyplot are shown here and closed so they do not appear twice.
    """
    if fig is None or kernel_shell() is None:
        return fig
    if getattr(fig.canvas, "manager", None) is not None:
        display(fig)
        plt.close(fig)
        return fig
    buffer = io.BytesIO()  # a figure pyplot never saw has no inline formatter: send its PNG
    fig.savefig(buffer, format="png", dpi=fig.dpi, bbox_inches="tight")
    display(Image(data=buffer.getvalue(), format="png"))
    return fig


def table_with_notes(frame: Any, notes: list[str]) -> HTML:
    """A table followed by boxed notes, as one display (the notes say what the table means)."""
    table = (
        frame.to_html(index=False, escape=True) if isinstance(frame, pd.DataFrame) else esc(frame)
    )
    return as_html(table + "".join(notes))


def dates_only(frame: Any) -> Any:
    """Timestamps shown as dates: a quote's day is what matters, and the table stays short."""
    if "timestamp" in getattr(frame, "columns", ()):
        frame = frame.assign(timestamp=frame["timestamp"].dt.strftime("%Y-%m-%d"))
    return frame
