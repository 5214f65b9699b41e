"""What a step notebook needs in one call: the project, its store, its data, nice plots.

A notebook's first code cell after the parameters is ``step = start_step(n, ...)``;
every later cell asks ``step`` for a form, a checklist, the map or the overlay.
Paths come from parameters, the ``CJM_PROJECT`` variable or the sample, never
from the current folder, so JupyterLab, nbval and papermill all open the same
files. The class is put together by concern in :mod:`cjm_helpers.step`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .step.common import (
    STEP_TITLES,
    TODAY_ENV,
    file_stamp,
    note_html,
    reference_date,
    show_errors_as_messages,
)

if TYPE_CHECKING:
    from .step.display import setup_plots
    from .step.facade import Step, start_step

__all__ = [
    "STEP_TITLES",
    "TODAY_ENV",
    "Step",
    "file_stamp",
    "note_html",
    "reference_date",
    "setup_plots",
    "show_errors_as_messages",
    "start_step",
]

_HEAVY = {"Step": "facade", "start_step": "facade", "setup_plots": "display"}
"""Names whose module loads pandas, matplotlib, Ibis and the widgets (about 2 s).

The one lazy import of the facade: the CLI and the report import this module for
``reference_date`` and ``note_html`` and should not pay for what a notebook cell needs.
"""


def __getattr__(name: str) -> Any:
    if name in _HEAVY:
        return getattr(import_module(f".step.{_HEAVY[name]}", __package__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
