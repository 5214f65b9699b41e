"""Every file format of the map, from one place: the bytes of each, and a safe write.

A format is named explicitly or guessed from the file name (``map.png``,
``map.wide.csv``). Files are written to a temporary name and renamed, so a
half-written map never replaces a good one.
"""

from __future__ import annotations

__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "IMAGE_FORMATS",
    "WRITE_FAILED",
    "export_map",
    "figure_bytes",
    "human_size",
    "infer_format",
    "map_bytes",
    "write_bytes",
]

import io
import os
from collections.abc import Callable
from pathlib import Path

from ..errors import CJMError
from ..files import WRITE_FAILED, write_bytes
from ..i18n import t
from ..model import Project

FORMATS: tuple[str, ...] = (
    "html",
    "png",
    "svg",
    "pdf",
    "csv",
    "wide-csv",
    "xlsx",
    "json",
    "mermaid",
)
IMAGE_FORMATS: tuple[str, ...] = ("png", "svg", "pdf")
EXTENSIONS: dict[str, str] = {
    ".wide.csv": "wide-csv",
    ".html": "html",
    ".htm": "html",
    ".png": "png",
    ".svg": "svg",
    ".pdf": "pdf",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".json": "json",
    ".mmd": "mermaid",
    ".mermaid": "mermaid",
}
"""File endings and the format each means; longer endings are tried first."""


def infer_format(
    path: str | os.PathLike[str],
    fmt: str | None = None,
    lang: str = "en",
    allowed: tuple[str, ...] = FORMATS,
) -> str:
    """The format asked for, or the one the file name's ending says."""
    shown = ", ".join(allowed)
    if fmt:
        wanted = fmt.lower().lstrip(".").replace("_", "-")
        wanted = {"htm": "html", "mmd": "mermaid", "wide": "wide-csv"}.get(wanted, wanted)
        if wanted not in allowed:
            raise CJMError(t("map.cli.unknown_format", lang, fmt=fmt, formats=shown))
        return wanted
    name = Path(path).name.lower()
    for ending, found in EXTENSIONS.items():
        if name.endswith(ending) and found in allowed:
            return found
    raise CJMError(t("map.cli.no_format", lang, path=str(path), formats=shown))


def figure_bytes(fig: object, fmt: str) -> bytes:
    """A matplotlib figure as PNG, SVG or PDF bytes (fonts that carry every letter)."""
    from .figure import save_figure

    buffer = io.BytesIO()
    save_figure(fig, buffer, fmt)  # type: ignore[arg-type]
    return buffer.getvalue()


def map_bytes(
    project: Project, journey_id: str | None, fmt: str, lang: str = "en", dpi: int = 150
) -> bytes:
    """One journey's map in a format, as the bytes of the file."""
    from . import html, mermaid, tabular
    from .figure import map_figure

    makers: dict[str, Callable[[], bytes]] = {
        "html": lambda: html.render_map_html(project, journey_id, lang, standalone=True).encode(
            "utf-8"
        ),
        "csv": lambda: tabular.table_csv(tabular.journey_table(project, journey_id, lang)),
        "wide-csv": lambda: tabular.table_csv(
            tabular.journey_wide_table(project, journey_id, lang)
        ),
        "xlsx": lambda: tabular.journey_xlsx(project, journey_id, lang),
        "json": lambda: tabular.journey_json(project, journey_id).encode("utf-8"),
        "mermaid": lambda: mermaid.journey_mermaid(project, journey_id, lang).encode("utf-8"),
    }
    if fmt in IMAGE_FORMATS:
        return figure_bytes(map_figure(project, journey_id, lang, dpi), fmt)
    return makers[fmt]()


def export_map(
    project: Project,
    path: str | os.PathLike[str],
    fmt: str | None = None,
    journey_id: str | None = None,
    lang: str = "en",
    dpi: int = 150,
) -> Path:
    """Write one journey's map to ``path`` (format from ``fmt`` or the file name)."""
    chosen = infer_format(path, fmt, lang)
    return write_bytes(path, map_bytes(project, journey_id, chosen, lang, dpi))


def human_size(n: int) -> str:
    for unit in ("B", "kB", "MB"):
        if n < 1000 or unit == "MB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000  # type: ignore[assignment]
    return f"{n} B"  # pragma: no cover
