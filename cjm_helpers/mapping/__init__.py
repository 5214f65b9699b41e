"""The journey map: lay it out once, draw it as HTML or a figure, export it, compare versions.

The names below load on first use (PEP 562), so a command that needs one small module of the
package (the export formats, the formula guard) does not pay for matplotlib and pandas.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_HOMES = {
    "FORMATS": "export",
    "export_map": "export",
    "infer_format": "export",
    "compare_figure": "figure",
    "map_figure": "figure",
    "save_figure": "figure",
    "compare_html": "html",
    "render_map_html": "html",
    "JourneyMap": "journey_map",
    "MapComparison": "journey_map",
    "compare_maps": "journey_map",
    "MapLayout": "layout",
    "build_layout": "layout",
    "import_wide_csv": "wide_import",
}


def __getattr__(name: str) -> Any:
    """Import the module that holds ``name`` the first time it is asked for."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
