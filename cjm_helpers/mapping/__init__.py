"""The journey map: lay it out once, draw it as HTML or a figure, export it, compare versions."""

from .figure import compare_figure, map_figure, save_figure
from .html import compare_html, render_map_html
from .layout import MapLayout, build_layout

__all__ = [
    "MapLayout",
    "build_layout",
    "compare_figure",
    "compare_html",
    "map_figure",
    "render_map_html",
    "save_figure",
]
