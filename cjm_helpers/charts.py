"""Small jobs the package's charts share: for now, the figure shown when there is nothing to draw.

A ground floor like :mod:`.text`: it imports nothing of ours, so the project views and the
overlay can both use it, and an empty chart looks the same wherever it appears.
"""

from __future__ import annotations

__all__ = ["message_figure"]

from matplotlib.figure import Figure


def message_figure(width: float, height: float, message: str) -> Figure:
    """A figure of ``width`` by ``height`` inches with one sentence in its middle and no axes."""
    fig = Figure(figsize=(width, height))
    ax = fig.subplots()
    ax.text(0.5, 0.5, message, ha="center", va="center")
    ax.set_axis_off()
    return fig
