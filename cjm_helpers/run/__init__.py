"""Headless suite runs: the step notebooks in order with parameters, batches, their HTML and reports."""

from typing import TYPE_CHECKING

from ..lazy_exports import exports_on_use
from .params import FOR_EACH_KINDS, RunParams, load_params, parse_only

if TYPE_CHECKING:
    from .batch import Variant, VariantOutcome, plan_batch, run_batch
    from .focus import focus_project
    from .suite import RunFailed, RunResult, choose_notebooks, run_suite

__all__ = [
    "FOR_EACH_KINDS",
    "RunFailed",
    "RunParams",
    "RunResult",
    "Variant",
    "VariantOutcome",
    "choose_notebooks",
    "focus_project",
    "load_params",
    "parse_only",
    "plan_batch",
    "run_batch",
    "run_suite",
]

__getattr__ = exports_on_use(
    __name__,
    {
        **dict.fromkeys(("Variant", "VariantOutcome", "plan_batch", "run_batch"), "batch"),
        "focus_project": "focus",
        **dict.fromkeys(("RunFailed", "RunResult", "choose_notebooks", "run_suite"), "suite"),
    },
)
"""A run's machinery loads when a run starts: the command line reads only the parameters."""
