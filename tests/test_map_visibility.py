"""The line of visibility means what it says: a backstage touchpoint is drawn below it."""

from __future__ import annotations

from cjm_helpers.mapping import JourneyMap
from cjm_helpers.mapping.layout import build_layout
from cjm_helpers.paths import SAMPLE_PROJECT
from cjm_helpers.store import load_project

QUEUE_SCREEN = "Barista order queue screen"


def _project():
    project = load_project(SAMPLE_PROJECT)
    assert any(
        tp.name == QUEUE_SCREEN and tp.visibility == "backstage" for tp in project.touchpoints
    )
    return project


def test_a_backstage_touchpoint_sits_with_the_internal_tools_not_the_touchpoints() -> None:
    layout = build_layout(_project(), "rina-current")
    above = [c.text for cell in layout.lane("touchpoints").cells for c in cell]
    below = [c.text for cell in layout.lane("internal_tools").cells for c in cell]
    assert QUEUE_SCREEN not in above and QUEUE_SCREEN in below
    purchase = [s.id for s in layout.stages].index("purchase")
    assert layout.lane("internal_tools").cells[purchase][0].text == QUEUE_SCREEN
    channels = {c.text for c in layout.lane("channels").cells[purchase]}
    assert channels == {c.detail for c in layout.lane("touchpoints").cells[purchase] if c.detail}, (
        "the channels lane follows what customers see"
    )


def test_a_map_without_backstage_lanes_gains_one_for_backstage_touchpoints() -> None:
    project = _project()
    future = project.journey("rina-future")
    future.lanes = ["actions", "touchpoints", "emotions"]
    layout = build_layout(project, "rina-future")
    assert layout.lane_order[-1] == "internal_tools" and layout.has_backstage
    assert QUEUE_SCREEN in [c.text for cell in layout.lane("internal_tools").cells for c in cell]


def test_the_html_draws_the_card_below_the_line() -> None:
    page = JourneyMap(_project(), "rina-current").html()
    line = page.index('<div class="cjmmap-lov"')
    assert page.index(QUEUE_SCREEN) > line
    assert page.index("Pick-up counter") < line
