"""The HTML swimlane map, checked by parsing the markup."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from cjm_helpers.i18n import t
from cjm_helpers.mapping import build_layout, compare_html, render_map_html
from cjm_helpers.mapping.html import _runs, curve_path
from cjm_helpers.mapping.layout import EmotionPoint, ordered_lanes
from cjm_helpers.model import BACKSTAGE_LANES, DEFAULT_LANES, MAP_TYPES, Journey, Note, StageCell
from cjm_helpers.paths import SAMPLE_PROJECT
from cjm_helpers.store import load_project


@pytest.fixture(scope="module")
def sample():
    return load_project(SAMPLE_PROJECT)


def soup(markup: str) -> BeautifulSoup:
    return BeautifulSoup(markup, "html.parser")


def test_every_stage_lane_and_card_of_the_sample_is_shown(sample):
    doc = soup(render_map_html(sample, "rina-current"))
    layout = build_layout(sample, "rina-current")
    headers = [h.find("strong").get_text() for h in doc.select(".cjmmap-stage")]
    assert headers == [s.name for s in sample.stages]
    labels = [el.get_text() for el in doc.select(".cjmmap-lane-label")]
    assert labels == [t(f"map.lane.{lane}") for lane in layout.lane_order]
    cards = doc.select(".cjmmap-grid .cjmmap-card")
    assert len(cards) == layout.card_count()
    texts = " ".join(c.get_text() for c in cards)
    for cell in sample.journey("rina-current").stages.values():
        for note in cell.actions + cell.pain_points + cell.internal_process:
            assert note.text in texts


def test_each_card_carries_its_evidence_level(sample):
    doc = soup(render_map_html(sample, "rina-current"))
    journey = sample.journey("rina-current")
    pain = journey.stages["purchase"].pain_points[0]
    card = next(c for c in doc.select(".cjmmap-card") if c.get("data-ref") == pain.id)
    assert f"cjmmap-ev-{pain.evidence}" in card["class"]
    assert t(f"common.evidence.{pain.evidence}") in card.select_one(".cjmmap-badge").get_text()
    legend = doc.select_one(".cjmmap-legend").get_text()
    for level in ("observed", "reported", "assumed"):
        assert t(f"common.evidence.{level}") in legend


def test_line_of_visibility_separates_backstage_lanes(sample):
    doc = soup(render_map_html(sample, "rina-current"))
    grid = doc.select_one(".cjmmap-grid")
    order = [
        el
        for el in grid.children
        if "cjmmap-lov" in el.get("class", []) or "cjmmap-lane-label" in el.get("class", [])
    ]
    names = [
        "LOV" if "cjmmap-lov" in el["class"] else el["class"][1].removeprefix("cjmmap-lane-")
        for el in order
    ]
    cut = names.index("LOV")
    assert set(names[cut + 1 :]) == set(BACKSTAGE_LANES)
    assert not set(names[:cut]) & set(BACKSTAGE_LANES)


def _all_frontstage(project):
    project = project.model_copy(deep=True)
    for tp in project.touchpoints:
        tp.visibility = "frontstage"
    return project


def test_frontstage_only_map_has_no_line_of_visibility(sample):
    doc = soup(render_map_html(_all_frontstage(sample), "rina-future"))
    assert doc.select(".cjmmap-lov") == []


@pytest.mark.parametrize("map_type", MAP_TYPES)
def test_each_map_type_draws_its_default_lanes(sample, map_type):
    project = _all_frontstage(sample)  # a backstage touchpoint would add the lane below the line
    journey = project.journey("rina-current")
    journey.lanes = []
    journey.map_type = map_type
    doc = soup(render_map_html(project, "rina-current"))
    labels = [el.get_text() for el in doc.select(".cjmmap-lane-label")]
    expected = [lane for lane in DEFAULT_LANES[map_type] if lane not in BACKSTAGE_LANES] + [
        lane for lane in DEFAULT_LANES[map_type] if lane in BACKSTAGE_LANES
    ]
    assert labels == [t(f"map.lane.{lane}") for lane in expected]
    assert bool(doc.select(".cjmmap-lov")) == (map_type == "service_blueprint")


def test_channels_lane_lists_each_channel_of_the_stage_once(sample):
    layout = build_layout(sample, "rina-current")
    channels = layout.lane("channels")
    i = [s.id for s in layout.stages].index("retention")
    names = [c.text for c in channels.cells[i]]
    tps = [
        sample.touchpoint(x) for x in sample.journey("rina-current").stages["retention"].touchpoints
    ]
    assert sorted(names) == sorted({tp.channel for tp in tps})
    assert len(names) == len(set(names))


def test_emotion_curve_has_a_marker_per_recorded_stage_with_escaped_title(sample):
    doc = soup(render_map_html(sample, "rina-current"))
    svg = doc.select_one(".cjmmap-emotion svg")
    points = svg.select("g.cjmmap-pt")
    recorded = [p for p in build_layout(sample, "rina-current").emotions if p.score is not None]
    assert len(points) == len(recorded)
    assert all(p.find("title") is not None for p in points)


def test_gaps_in_emotions_break_the_curve():
    pts = [EmotionPoint(s, v, "observed") for s, v in zip("abcdef", [1, None, -1, 0, None, 2])]
    runs = _runs(pts)
    assert [[i for i, _ in r] for r in runs] == [[0], [2, 3], [5]]
    path = curve_path(runs[1])
    assert path.startswith("M250.0,") and path.count("C") == 1


def test_stage_without_emotion_says_not_recorded(sample):
    project = sample.model_copy(deep=True)
    project.journey("rina-current").stages["purchase"].emotion = None
    doc = soup(render_map_html(project, "rina-current"))
    svg = doc.select_one(".cjmmap-emotion svg")
    assert t("map.html.no_emotion") in svg.get_text()
    assert len(svg.select("g.cjmmap-pt")) == 4
    # two runs remain (awareness-consideration and retention-advocacy): two drawn paths
    assert len(svg.select("path")) == 2


def test_standalone_page_loads_nothing_from_the_network(sample):
    page = render_map_html(sample, standalone=True)
    doc = soup(page)
    assert page.startswith("<!DOCTYPE html>")
    assert doc.find("meta", attrs={"charset": "utf-8"}) is not None
    assert doc.find_all(["script", "link", "img", "iframe", "object", "embed"]) == []
    for el in doc.find_all(True):
        for attr in ("src", "href", "srcset", "xlink:href"):
            assert attr not in el.attrs, el
    css = " ".join(s.get_text() for s in doc.find_all("style"))
    assert "url(" not in css and "@import" not in css and "@font-face" not in css


def test_css_is_scoped_under_the_map_class(sample):
    doc = soup(render_map_html(sample))
    css = doc.find("style").get_text()
    body = re.sub(r"@media print\{", "", css)
    selectors = [
        sel.strip() for block in re.findall(r"([^{}]+)\{[^{}]*\}", body) for sel in block.split(",")
    ]
    assert selectors
    for sel in selectors:
        assert sel.startswith(".cjmmap"), sel


def test_print_css_keeps_cards_whole_on_landscape_pages(sample):
    doc = soup(render_map_html(sample, standalone=True))
    css = " ".join(s.get_text() for s in doc.find_all("style"))
    assert "@media print" in css and "break-inside:avoid" in css
    assert "size:landscape" in css


@pytest.mark.parametrize("lang", ["id", "pl"])
def test_labels_follow_the_language(sample, lang):
    doc = soup(render_map_html(sample, "rina-current", lang=lang))
    labels = [el.get_text() for el in doc.select(".cjmmap-lane-label")]
    assert t("map.lane.internal_tools", lang) in labels
    assert t("map.lane.internal_tools", lang) != t("map.lane.internal_tools", "en")
    assert doc.select_one(".cjmmap")["lang"] == lang
    # untouched default stage names are translated too
    assert doc.select_one(".cjmmap-stage strong").get_text() == t("common.stage.awareness", lang)


def test_compare_view_puts_both_journeys_side_by_side(sample):
    doc = soup(compare_html(sample, "rina-current", "rina-future"))
    n = len(sample.stages)
    assert len(doc.select(".cjmmap-stage")) == n
    subs = [el.get_text() for el in doc.select(".cjmmap-sub")]
    assert subs == [t("map.html.as_is"), t("map.html.to_be")] * n
    svg = doc.select_one(".cjmmap-emotion svg")
    strokes = {p["stroke"] for p in svg.select("path")}
    assert len(strokes) == 2  # two curves, one axis
    future_actions = [
        n.text for c in sample.journey("rina-future").stages.values() for n in c.actions
    ]
    text = doc.get_text()
    assert all(a in text for a in future_actions)


def test_compare_finds_the_future_journey_from_compares_to(sample):
    assert compare_html(sample, "rina-current") == compare_html(
        sample, "rina-current", "rina-future"
    )
    assert compare_html(sample) == compare_html(sample, "rina-current", "rina-future")


def test_ordered_lanes_put_backstage_last_and_drop_repeats():
    journey = Journey(
        id="j", name="J", persona="p", lanes=["internal_actors", "actions", "actions", "emotions"]
    )
    assert ordered_lanes(journey) == ("actions", "emotions", "internal_actors")


def test_unknown_journey_is_a_plain_error(sample):
    from cjm_helpers.errors import CJMError

    with pytest.raises(CJMError, match="no journey with id 'nope'"):
        render_map_html(sample, "nope")


def test_newlines_in_user_text_are_kept(sample):
    project = sample.model_copy(deep=True)
    project.journey("rina-current").stages["awareness"] = StageCell(
        actions=[Note(text="first line\nsecond line", evidence="observed")]
    )
    doc = soup(render_map_html(project, "rina-current"))
    card = doc.select_one(".cjmmap-lane-actions .cjmmap-card")
    assert "first line\nsecond line" in card.get_text()


def test_compare_labels_sit_away_from_the_other_curve():
    from cjm_helpers.mapping.html import label_above

    now, later = EmotionPoint("s", 0, "observed"), EmotionPoint("s", 1, "observed")
    assert label_above(later, now, first=False) and not label_above(now, later, first=True)
    same = EmotionPoint("s", 1, "observed")
    assert label_above(same, later, first=True) and not label_above(same, later, first=False)
    assert label_above(now, None, first=True) and label_above(
        now, EmotionPoint("s", None, "assumed"), True
    )


def test_compare_svg_puts_the_lower_score_label_below_its_marker(sample):
    doc = soup(compare_html(sample, "rina-current", "rina-future"))
    placed = {}
    for group in doc.select(".cjmmap-emotion svg g.cjmmap-pt"):
        title = group.find("title").get_text()
        if "Purchase:" in title:
            side = "as_is" if title.startswith(t("map.html.as_is")) else "to_be"
            placed[side] = float(group.find("text")["y"]) > float(group.find("circle")["cy"])
    assert placed == {"as_is": True, "to_be": False}  # as-is -2 under its marker, to-be +2 over it
