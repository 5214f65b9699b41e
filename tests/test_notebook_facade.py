"""The notebook facade's shape: every method the notebooks call, module-level imports, small functions."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import cjm_helpers
from cjm_helpers.notebook import Step

PACKAGE = Path(cjm_helpers.__file__).resolve().parent
FACADE_FILES = [PACKAGE / "notebook.py", *sorted((PACKAGE / "step").glob("*.py"))]

CELL_METHODS = [
    "action_plan",
    "attribution",
    "brief",
    "changes_since_last_save",
    "checklist",
    "compare_maps",
    "conversion_attribution",
    "customer_themes",
    "data_kpis",
    "emotion_curve",
    "empty_stages",
    "events",
    "form",
    "found_segments",
    "funnel",
    "gaps",
    "inventory",
    "journey_map",
    "journeys",
    "kpi_targets",
    "measured_baselines",
    "note",
    "objective_card",
    "overview",
    "persona_cards",
    "persona_from_cluster",
    "persona_scores",
    "plan_by_effect",
    "plot_attribution",
    "plot_emotion_curve",
    "plot_funnel",
    "plot_gaps",
    "plot_impact_effort",
    "plot_inventory",
    "plot_kpis",
    "plot_scoring",
    "plot_segments",
    "plot_stakeholders",
    "plot_switch_points",
    "plot_tickets",
    "primary_persona",
    "project_card",
    "raci",
    "reload",
    "resource_gaps",
    "resources",
    "review_status",
    "scoring_matrix",
    "segment_profiles",
    "stage_scores",
    "stakeholders",
    "survey",
    "survey_segments",
    "switch_points",
    "switch_verdicts",
    "themes_on_map",
    "ticket_counts",
    "ticket_quotes",
    "tickets",
    "title",
    "top_paths",
    "transitions",
    "unmatched_events",
    "visits",
    "walkthrough",
    "walkthrough_by_stage",
]
"""What notebooks, the workshop and the tests call on a step (the facade before it was split)."""


def _functions(path: Path) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]


def test_every_method_the_notebooks_call_is_still_on_step() -> None:
    missing = [name for name in CELL_METHODS if not hasattr(Step, name)]
    assert not missing, f"Step lost {missing}"


def test_the_facade_imports_at_module_level() -> None:
    inside = [
        f"{path.name}:{function.name}"
        for path in FACADE_FILES
        for function in _functions(path)
        for node in ast.walk(function)
        if isinstance(node, (ast.Import, ast.ImportFrom))
    ]
    assert not inside, f"imports inside functions: {inside}"


def test_no_facade_function_is_longer_than_sixty_lines() -> None:
    long = [
        f"{path.name}:{function.name} ({function.end_lineno - function.lineno + 1} lines)"
        for path in FACADE_FILES
        for function in _functions(path)
        if function.end_lineno is not None and function.end_lineno - function.lineno >= 60
    ]
    assert not long, long


def test_the_kernel_is_looked_up_in_one_place() -> None:
    callers = sorted(
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if "get_ipython" in path.read_text(encoding="utf-8")
    )
    assert callers == ["kernel.py"], f"use kernel.kernel_shell() instead of get_ipython: {callers}"


def test_importing_the_facade_module_leaves_the_data_libraries_for_the_first_step() -> None:
    heavy = ["pandas", "matplotlib", "seaborn", "ibis", "ipywidgets"]
    probe = (
        "import sys, cjm_helpers.notebook as nb\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))\n"
        "print(nb.Step.__name__, nb.start_step.__name__, 'pandas' in sys.modules)\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert shown == ["[]", "Step start_step True"]
