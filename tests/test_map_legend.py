"""The static map's legend explains the new / changed / retired marks of a to-be map."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure

from cjm_helpers.i18n import t
from cjm_helpers.mapping.figure import compare_figure, map_figure
from cjm_helpers.mapping.html import CHANGE_COLOURS
from cjm_helpers.paths import SAMPLE_PROJECT
from cjm_helpers.store import load_project

CHANGES = ("new", "changed", "retired")


@pytest.fixture(scope="module")
def sample():
    return load_project(SAMPLE_PROJECT)


def _texts(fig: Figure) -> list[str]:
    return [text.get_text() for text in fig.axes[0].texts]


def _tag_fills(fig: Figure) -> list[str]:
    from matplotlib.colors import to_hex

    return [to_hex(patch.get_facecolor()) for patch in fig.axes[0].patches]


@pytest.mark.parametrize("lang", ["en", "id", "pl"])
def test_a_to_be_map_legend_names_each_change_mark(sample, lang):
    fig = map_figure(sample, "rina-future", lang=lang, dpi=60)
    texts = _texts(fig)
    assert t("maplegend.change.heading", lang) in texts
    for change in CHANGES:
        assert t(f"maplegend.change.{change}", lang) in texts
    # every mark is drawn in the legend, even one no card on the map carries
    fills = _tag_fills(fig)
    for change in CHANGES:
        assert CHANGE_COLOURS[change] in fills


def test_the_legend_row_fits_on_the_page(sample):
    fig = map_figure(sample, "rina-future", dpi=60)
    ax = fig.axes[0]
    bottom = ax.get_ylim()[0]
    hint = t("maplegend.change.retired", "en")
    (y,) = [text.get_position()[1] for text in ax.texts if text.get_text() == hint]
    assert y + 0.15 < bottom  # the row and its text lie above the page's lower edge


def test_the_as_is_to_be_figure_explains_the_marks_too(sample):
    texts = _texts(compare_figure(sample, "rina-current", "rina-future", lang="pl", dpi=60))
    assert t("maplegend.change.heading", "pl") in texts


def test_a_map_without_changes_has_no_change_legend(sample):
    texts = _texts(map_figure(sample, "rina-current", dpi=60))
    assert t("maplegend.change.heading", "en") not in texts
    assert t("map.html.legend", "en") in texts


def test_the_legend_states_the_emotion_scale(sample):
    texts = _texts(map_figure(sample, "rina-current", lang="id", dpi=60))
    assert any(t("map.html.emotion_scale", "id") in text for text in texts)
    three = sample.model_copy(update={"emotion_scale": 3})
    texts = _texts(map_figure(three, "rina-current", dpi=60))
    assert any(t("mapmeaning.emotion_scale", "en", top=3) in text for text in texts)


@pytest.mark.parametrize("lang", ["en", "id", "pl"])
def test_a_day_in_the_life_legend_says_how_to_read_the_day(lang):
    from cjm_helpers.starters import starter_file

    day = load_project(starter_file("day_in_the_life", lang))
    texts = _texts(map_figure(day, lang=lang, dpi=60))
    assert t("mapmeaning.timeline.legend", lang) in texts
    assert t("mapmeaning.timeline.legend", "en") not in _texts(
        map_figure(load_project(SAMPLE_PROJECT), "rina-current", dpi=60)
    )
