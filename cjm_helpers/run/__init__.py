"""Headless suite runs: the step notebooks in order with parameters, batches, their HTML and reports."""

from .batch import Variant, VariantOutcome, plan_batch, run_batch
from .focus import focus_project
from .params import FOR_EACH_KINDS, RunParams, load_params, parse_only
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
