"""The objects notebooks and reports hold: one journey's map, and an as-is/to-be pair.

Displayed last in a cell, either shows the HTML map inline (``_repr_html_``);
``figure()`` gives the matplotlib figure, and ``save()`` writes any format.
"""

from __future__ import annotations

__all__ = ["JourneyMap", "MapComparison", "compare_maps"]

import os
from functools import cached_property
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from ..i18n import check_language, t
from ..model import Project
from . import export, figure, html, mermaid, tabular
from .layout import MapLayout, build_layout


class JourneyMap:
    """One journey of a project, ready to show or save.

    >>> JourneyMap(project, "rina-current", lang="pl")   # shows the map in a notebook
    """

    def __init__(self, project: Project, journey_id: str | None = None, lang: str = "en") -> None:
        self.project = project
        self.lang = check_language(lang)
        self.layout: MapLayout = build_layout(project, journey_id, lang)
        self.journey_id = self.layout.journey_id

    # showing ---------------------------------------------------------------------------

    def html(self) -> str:
        """The map as an HTML fragment with its own scoped styles."""
        return html.layout_html(self.layout, self.lang)

    def _repr_html_(self) -> str:
        return self.html()

    def html_document(self) -> str:
        """A complete page that opens offline: no scripts, fonts or styles from the network."""
        title = t("map.html.document_title", self.lang, journey=self.layout.journey_name)
        return html.wrap_document(self.html(), title, self.lang)

    def figure(self, dpi: int = 150) -> Figure:
        return figure.map_figure(self.project, self.journey_id, self.lang, dpi)

    def __repr__(self) -> str:
        stages = len(self.layout.stages)
        return (
            f"<JourneyMap {self.journey_id!r}: {self.layout.journey_name} — "
            f"{stages} stages, {len(self.layout.lane_order)} lanes, {self.layout.card_count()} cards>"
        )

    # as data ---------------------------------------------------------------------------

    def table(self) -> pd.DataFrame:
        """One row per stage × lane cell."""
        return tabular.layout_table(self.layout, self.lang)

    def wide_table(self) -> pd.DataFrame:
        """Lanes as rows, stages as columns: the layout spreadsheets use (and the import reads)."""
        return tabular.journey_wide_table(self.project, self.journey_id, self.lang)

    def data(self) -> dict:
        return tabular.journey_data(self.project, self.journey_id)

    def mermaid(self) -> str:
        return mermaid.journey_mermaid(self.project, self.journey_id, self.lang)

    # saving ----------------------------------------------------------------------------

    def to_bytes(self, fmt: str, dpi: int = 150) -> bytes:
        fmt = export.infer_format("", fmt, self.lang)
        if fmt == "html":
            return self.html_document().encode("utf-8")
        return export.map_bytes(self.project, self.journey_id, fmt, self.lang, dpi)

    def save(self, path: str | os.PathLike[str], fmt: str | None = None, dpi: int = 150) -> Path:
        """Write html, png, svg, pdf, csv, wide-csv, xlsx, json or mermaid (guessed from the name)."""
        chosen = export.infer_format(path, fmt, self.lang)
        return export.write_bytes(path, self.to_bytes(chosen, dpi))


class MapComparison:
    """As-is and to-be journeys of one persona side by side, both emotion curves on one axis."""

    def __init__(
        self,
        project: Project,
        current_id: str | None = None,
        future_id: str | None = None,
        lang: str = "en",
    ) -> None:
        self.project = project
        self.lang = check_language(lang)
        self.current_id, self.future_id = html.resolve_pair(project, current_id, future_id)

    @cached_property
    def _fragment(self) -> str:
        return html.compare_html(self.project, self.current_id, self.future_id, self.lang)

    def html(self) -> str:
        return self._fragment

    def _repr_html_(self) -> str:
        return self._fragment

    def html_document(self) -> str:
        title = t(
            "map.html.compare_title",
            self.lang,
            current=self.project.journey(self.current_id).name,
            future=self.project.journey(self.future_id).name,
        )
        return html.wrap_document(self._fragment, title, self.lang)

    def figure(self, dpi: int = 150) -> Figure:
        return figure.compare_figure(self.project, self.current_id, self.future_id, self.lang, dpi)

    def __repr__(self) -> str:
        return f"<MapComparison {self.current_id!r} → {self.future_id!r}>"

    def save(self, path: str | os.PathLike[str], fmt: str | None = None, dpi: int = 150) -> Path:
        """Write html, png, svg or pdf (guessed from the file name)."""
        chosen = export.infer_format(path, fmt, self.lang, allowed=("html", *export.IMAGE_FORMATS))
        if chosen == "html":
            data = self.html_document().encode("utf-8")
        else:
            data = export.figure_bytes(self.figure(dpi), chosen)
        return export.write_bytes(path, data)


def compare_maps(
    project: Project, current_id: str | None = None, future_id: str | None = None, lang: str = "en"
) -> MapComparison:
    """The as-is/to-be view; a missing id is found through the journeys' ``compares_to``."""
    return MapComparison(project, current_id, future_id, lang)
