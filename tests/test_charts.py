"""Every chart with nothing to draw shows one sentence the same way (cjm_helpers.charts)."""

from __future__ import annotations

import pandas as pd
import pytest

from cjm_helpers import views
from cjm_helpers.charts import message_figure
from cjm_helpers.model import Project
from cjm_helpers.overlay.switches import plot_switch_points


def sentence_of(fig) -> str:  # type: ignore[no-untyped-def]
    """The one sentence an empty chart shows, after checking it shows nothing else."""
    (ax,) = fig.axes
    assert not ax.axison and not ax.patches and not ax.lines
    (text,) = ax.texts
    assert text.get_position() == (0.5, 0.5)
    return str(text.get_text())


def test_message_figure_has_its_size_and_one_centred_sentence() -> None:
    fig = message_figure(7, 1.8, "Nothing yet")
    assert tuple(fig.get_size_inches()) == pytest.approx((7, 1.8))
    assert sentence_of(fig) == "Nothing yet"


def test_empty_views_and_switch_chart_say_why_in_the_readers_language() -> None:
    empty = Project(name="empty")
    assert sentence_of(views.scoring_figure(empty)) == "No personas yet."
    assert sentence_of(views.inventory_figure(empty)) == "No touchpoints yet."
    points = pd.DataFrame(columns=["kind", "from", "to", "drop_off", "steps"])
    fig = plot_switch_points(points, lang="en")
    assert sentence_of(fig) == "No switches in the data"
    assert tuple(fig.get_size_inches()) == pytest.approx((9, 1.85))
    assert sentence_of(plot_switch_points(points, lang="pl")) != sentence_of(fig)
