"""The combined journey report: objective, personas, map, overlay, plan, checks and review, one page."""

from .brief import brief_html, brief_page, write_brief
from .build import build_report, checklist_html, review_html, write_report
from .overlay import compute_overlay, overlay_html
from .page import PAGE_CSS, figure_data_uri, frame_html

__all__ = [
    "PAGE_CSS",
    "brief_html",
    "brief_page",
    "build_report",
    "checklist_html",
    "compute_overlay",
    "figure_data_uri",
    "frame_html",
    "overlay_html",
    "review_html",
    "write_brief",
    "write_report",
]
