"""The journey map: lay it out once, draw it as HTML or a figure, export it, compare versions."""

from .html import compare_html, render_map_html
from .layout import MapLayout, build_layout

__all__ = ["MapLayout", "build_layout", "compare_html", "render_map_html"]
