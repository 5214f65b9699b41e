"""Start-up cost: a command imports the heavy libraries its work needs, and no others.

Each check runs in a fresh interpreter, so modules loaded by other tests cannot hide an import.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY_FOR_OVERLAY = ("seaborn", "scipy", "cjm_helpers.mapping")
HEAVY_FOR_PARSER = (
    "seaborn",
    "scipy",
    "matplotlib",
    "pandas",
    "ibis",
    "duckdb",
    "cjm_helpers.mapping.figure",
    "cjm_helpers.mapping.journey_map",
)


def loaded_after(code: str, watched: tuple[str, ...]) -> list[str]:
    """The watched modules (or their submodules) present in ``sys.modules`` after ``code`` runs."""
    probe = (
        f"{code}\nimport json, sys\n"
        f"watched = {watched!r}\n"
        "print(json.dumps(sorted(w for w in watched "
        "if any(m == w or m.startswith(w + '.') for m in sys.modules))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "module", ["cjm_helpers.overlay", "cjm_helpers.overlay.run", "cjm_helpers.overlay.plots"]
)
def test_overlay_imports_no_seaborn_scipy_or_map(module: str) -> None:
    assert loaded_after(f"import {module}", HEAVY_FOR_OVERLAY) == []


def test_command_line_parser_imports_no_heavy_library() -> None:
    code = "from cjm_helpers.cli import build_parser\nbuild_parser()"
    assert loaded_after(code, HEAVY_FOR_PARSER) == []


def test_drawing_a_figure_imports_neither_seaborn_nor_scipy() -> None:
    code = (
        "import pandas as pd\n"
        "from cjm_helpers.overlay.plots import plot_funnel\n"
        "plot_funnel(pd.DataFrame({'step': ['a', 'b'], 'users_open': [10, 5],\n"
        "    'users_closed': [10, 4], 'conversion': [1.0, 0.4]}))"
    )
    assert loaded_after(code, ("seaborn", "scipy")) == []


def test_map_names_load_on_first_use() -> None:
    code = "import cjm_helpers.mapping as m\nassert m.JourneyMap.__name__ == 'JourneyMap'"
    assert loaded_after(code, ("cjm_helpers.mapping.journey_map",)) == [
        "cjm_helpers.mapping.journey_map"
    ]


THEME_STATE = (
    "import json\nimport matplotlib as mpl\n{apply}\n"
    "codes = {{c: list(mpl.colors.colorConverter.to_rgb(c)) for c in 'bgrmyck'}}\n"
    "rc = {{k: repr(v) for k, v in mpl.rcParams.items()}}\n"
    "print(json.dumps([rc, codes]))"
)


def theme_state(apply: str) -> list[object]:
    """Every rc parameter and one-letter colour after ``apply`` runs in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", THEME_STATE.format(apply=apply)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_notebook_theme_matches_seaborn_without_importing_it() -> None:
    ours = theme_state("from cjm_helpers.plot_theme import apply_theme\napply_theme()")
    seaborn = theme_state(
        "import seaborn as sns\n"
        "sns.set_theme(context='notebook', style='whitegrid', palette='deep', font='DejaVu Sans')"
    )
    # "rocket" exists only once seaborn is imported; our figures all name their colour map
    assert ours[0].pop("image.cmap") == repr("viridis")
    assert seaborn[0].pop("image.cmap") == repr("rocket")
    assert ours == seaborn


def test_chapter_setup_does_not_import_seaborn() -> None:
    code = "from cjm_helpers.notebook import setup_plots\nsetup_plots()"
    assert loaded_after(code, ("seaborn", "scipy")) == []


SURVEY_AND_TICKETS = (
    "cjm_helpers.overlay.feedback_samples",
    "cjm_helpers.overlay.generate",
    "cjm_helpers.overlay.survey",
    "cjm_helpers.overlay.themes",
    "cjm_helpers.overlay.tickets",
)


def test_an_event_overlay_starts_without_the_survey_and_ticket_modules() -> None:
    assert loaded_after("import cjm_helpers.overlay.run", SURVEY_AND_TICKETS) == []
    code = "from cjm_helpers.overlay import load_survey, find_themes\nload_survey, find_themes"
    loaded = loaded_after(code, SURVEY_AND_TICKETS)  # each name from its own module, when asked
    assert {"cjm_helpers.overlay.survey", "cjm_helpers.overlay.themes"} <= set(loaded)
    assert "cjm_helpers.overlay.generate" not in loaded


def test_the_command_line_reads_a_run_s_parameters_without_its_machinery() -> None:
    code = "from cjm_helpers.cli import build_parser\nbuild_parser()"
    assert loaded_after(code, ("cjm_helpers.run.batch", "cjm_helpers.run.suite")) == []
    code = "from cjm_helpers.run import run_suite, plan_batch\nrun_suite, plan_batch"
    assert loaded_after(code, ("cjm_helpers.run.batch", "cjm_helpers.run.suite")) == [
        "cjm_helpers.run.batch",
        "cjm_helpers.run.suite",
    ]
