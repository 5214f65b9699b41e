"""The notebooks' figures are drawn with matplotlib alone: same bars, cells, numbers and labels, no SciPy.

Seaborn imports SciPy, about a second in every kernel that draws a chart. These tests pin
what each figure shows (so drawing it another way changes nothing a reader sees) and check,
in a fresh interpreter, that a chapter's set-up plus every figure leaves seaborn and SciPy out.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import matplotlib
import pytest
from matplotlib.colors import to_rgb
from matplotlib.container import BarContainer
from matplotlib.patches import Rectangle

from cjm_helpers import views
from cjm_helpers.model import Project
from cjm_helpers.overlay import plots
from cjm_helpers.plot_parts import desaturate
from cjm_helpers.plot_theme import CREST_ANCHORS, CYCLE, crest

matplotlib.use("Agg")

FRAMES = """
import pandas as pd
funnel = pd.DataFrame({"step": ["awareness", "purchase", "retention"],
    "users_open": [100, 60, 20], "users_closed": [100, 50, 10], "conversion": [1.0, 0.5, 0.1]})
transitions = pd.DataFrame({"from": ["a", "a", "b", "c"], "to": ["b", "c", "c", "a"],
    "users": [7, 3, 5, 1]})
gaps = pd.DataFrame({"kind": ["device", "device", "channel", "channel"],
    "switched": [True, False, True, False], "drop_off": [0.4, 0.2, 0.3, 0.25]})
attribution = pd.DataFrame({"label": ["Menu", "Cart"], "first_touch": [0.6, 0.4],
    "last_touch": [0.3, 0.7], "markov_removal": [0.5, 0.5]})
tickets = pd.DataFrame({"touchpoint_name": ["Cart", "Pick-up", "", "Menu"],
    "stage_name": ["Purchase", "Purchase", "", "Consideration"], "tickets": [4, 9, 2, 3]})
"""
SAMPLES: dict[str, Any] = {}
exec(FRAMES, SAMPLES)  # the same frames here and in the fresh interpreter of the last test


def _bars(ax: matplotlib.axes.Axes) -> list[Rectangle]:
    """The bars drawn, container by container (one container per colour group)."""
    return [bar for group in ax.containers if isinstance(group, BarContainer) for bar in group]


def test_funnel_draws_two_bars_per_step_first_step_on_top_with_the_conversions() -> None:
    fig = plots.plot_funnel(SAMPLES["funnel"])
    (ax,) = fig.axes
    bars = _bars(ax)
    assert sorted(b.get_width() for b in bars) == [10, 20, 50, 60, 100, 100]
    assert [label.get_text() for label in ax.get_yticklabels()] == [
        "awareness",
        "purchase",
        "retention",
    ]
    assert ax.get_ylim() == (2.5, -0.5)  # the first step on top
    closed = ax.containers[1]  # the closed funnel's bars sit below the open ones, 0.2 off centre
    assert [round(b.get_y() + b.get_height() / 2, 6) for b in closed] == [0.2, 1.2, 2.2]
    assert [t.get_text().strip() for t in ax.texts] == ["100%", "50%", "10%"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Reached (open funnel)",
        "Reached in order (closed funnel)",
    ]
    faces = [to_rgb(b.get_facecolor()) for b in bars]
    open_, closed_ = (desaturate(plots.PALETTE[k], 0.75) for k in ("open", "closed"))
    assert faces[:3] == [pytest.approx(open_)] * 3 and faces[3:] == [pytest.approx(closed_)] * 3
    assert ax.get_title() == "Funnel by step" and ax.get_xlabel() == "Users"


def test_gaps_bars_stand_in_pairs_with_their_percent_labels() -> None:
    fig = plots.plot_gaps(SAMPLES["gaps"], lang="pl")
    ax = fig.axes[0]
    heights = [round(b.get_height(), 6) for b in _bars(ax)]
    assert heights == [0.4, 0.3, 0.2, 0.25]  # with a switch first, then without, per kind
    assert len(ax.get_xticklabels()) == 2
    assert ax.get_xlim() == (-0.5, 1.5)
    assert len(ax.texts) == 4 and all(t.get_text().endswith("%") for t in ax.texts)
    assert ax.get_title() and ax.get_title() != plots.plot_gaps(SAMPLES["gaps"]).axes[0].get_title()


def test_attribution_draws_three_models_per_touchpoint_in_the_deep_palette() -> None:
    ax = plots.plot_attribution(SAMPLES["attribution"]).axes[0]
    bars = _bars(ax)
    assert len(bars) == 6
    colours = [to_rgb(b.get_facecolor()) for b in bars]
    assert colours[0] == pytest.approx(desaturate(CYCLE[0], 0.75))
    assert colours[-1] == pytest.approx(desaturate(CYCLE[2], 0.75))
    assert len(ax.get_legend().get_texts()) == 3
    assert [label.get_text() for label in ax.get_yticklabels()] == ["Menu", "Cart"]


def test_tickets_draw_one_full_width_bar_per_touchpoint_coloured_by_stage() -> None:
    ax = plots.plot_tickets(SAMPLES["tickets"]).axes[0]
    bars = _bars(ax)
    assert [b.get_width() for b in bars] == [4, 9, 2, 3]
    assert {round(b.get_height(), 6) for b in bars} == {0.8}
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Purchase", "—", "Consideration"]
    assert len(ax.get_yticklabels()) == 4


def test_transitions_heatmap_has_a_cell_and_a_number_per_pair_and_a_colour_bar() -> None:
    fig = plots.plot_transitions(SAMPLES["transitions"])
    ax, bar = fig.axes
    (mesh,) = ax.collections
    assert mesh.get_array().shape == (3, 3)
    numbers = sorted(int(t.get_text()) for t in ax.texts)
    assert numbers == sorted([7, 3, 5, 1, 0, 0, 0, 0, 0])
    assert bar.get_ylabel() == "Users"
    assert ax.get_ylim() == (3.0, 0.0)  # the busiest step on the top row
    assert ax.get_xlabel() and ax.get_ylabel()


def test_scoring_heatmap_uses_the_crest_map_and_writes_each_score() -> None:
    scores = Project.model_validate(
        {
            "name": "p",
            "personas": [{"id": "a", "name": "Ana"}, {"id": "b", "name": "Budi"}],
            "target_personas": [
                {"persona": "a", "share_score": 5, "value_score": 4, "strategic_fit": 3},
                {"persona": "b", "share_score": 2, "value_score": 1, "strategic_fit": 4},
            ],
        }
    )
    ax = views.scoring_figure(scores).axes[0]
    (mesh,) = ax.collections
    assert mesh.get_array().shape == (2, 3)
    assert mesh.norm.vmin == 1 and mesh.norm.vmax == 5
    assert mesh.cmap.name == "cjm_crest"
    assert sorted(t.get_text() for t in ax.texts) == sorted("543214")
    dark = next(t for t in ax.texts if t.get_text() == "5")
    assert to_rgb(dark.get_color()) == (1.0, 1.0, 1.0)  # white on the darkest cell
    assert [label.get_text() for label in ax.get_yticklabels()] == [
        "Ana",
        "Budi",
    ]  # highest total first


def test_crest_runs_from_its_first_anchor_to_its_last() -> None:
    cmap = crest()
    assert to_rgb(cmap(0.0)) == pytest.approx(to_rgb(CREST_ANCHORS[0]), abs=1 / 255)
    assert to_rgb(cmap(1.0)) == pytest.approx(to_rgb(CREST_ANCHORS[-1]), abs=1 / 255)


PROBE = (
    FRAMES
    + """
import json, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from cjm_helpers.notebook import start_step, setup_plots
setup_plots()
from cjm_helpers import views
from cjm_helpers.overlay import plots
from cjm_helpers.overlay.themes_plot import plot_themes
from cjm_helpers.paths import SAMPLE_PROJECT
from cjm_helpers.store import ProjectStore
project = ProjectStore(SAMPLE_PROJECT).load()
for figure in (views.scoring_figure, views.inventory_figure, views.impact_effort_figure):
    figure(project).savefig(__import__("io").BytesIO(), format="png")
for name in ("funnel", "transitions", "gaps", "attribution", "tickets"):
    getattr(plots, "plot_" + name)(globals()[name]).savefig(__import__("io").BytesIO(), format="png")
plots.plot_time_between_stages(pd.DataFrame({"from_stage": ["a"], "to_stage": ["b"],
    "median_hours": [2.0], "q1_hours": [1.0], "q3_hours": [3.0]}))
plots.plot_kpis(pd.DataFrame({"kpi": ["repeat_rate"], "unit": ["share"], "value": [0.3]}))
plots.plot_segments(pd.DataFrame({"segment": ["x"], "respondents": [3], "share": [1.0]}))
plots.plot_emotion_curve(pd.DataFrame({"stage_name": ["a"], "mean": [1.0], "ci_low": [0.5],
    "ci_high": [1.5], "stated": [1.0], "disagree": [False], "n": [4]}))
plot_themes(pd.DataFrame({"label": ["slow"], "size": [4], "polarity": ["pain"],
    "stage_name": ["Buy"], "trend": ["rising"]}))
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules} & {"seaborn", "scipy"})))
"""
)


def test_chapter_set_up_and_every_figure_leave_seaborn_and_scipy_unloaded() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
