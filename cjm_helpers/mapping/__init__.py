"""The journey map: lay it out once, draw it as HTML or a figure, export it, compare versions."""

from .export import FORMATS, export_map, infer_format
from .figure import compare_figure, map_figure, save_figure
from .html import compare_html, render_map_html
from .journey_map import JourneyMap, MapComparison, compare_maps
from .layout import MapLayout, build_layout
from .wide_import import import_wide_csv

__all__ = [
    "FORMATS",
    "JourneyMap",
    "MapComparison",
    "MapLayout",
    "build_layout",
    "compare_figure",
    "compare_html",
    "compare_maps",
    "export_map",
    "import_wide_csv",
    "infer_format",
    "map_figure",
    "render_map_html",
    "save_figure",
]
