"""A day in the life drawn to scale: each column as wide as the hours until the next stage.

Worked example: stages at 07:00, 08:00, 12:30 and 19:00 last 60, 270, 390 and 300
minutes (the last one until midnight), 1,020 in all. Four columns share four average
widths; in proportion the first would get 4 x 60 / 1020 = 0.235, under the minimum of
0.8, so it gets 0.8 and the other three share the remaining 3.2 by their hours:
3.2 x 270 / 960 = 0.9, 3.2 x 390 / 960 = 1.3, 3.2 x 300 / 960 = 1.0.
"""

from __future__ import annotations

import re

import pytest
from matplotlib.patches import FancyBboxPatch

from cjm_helpers.mapping import JourneyMap
from cjm_helpers.mapping.figure import GAP, STAGE_BLUE, map_figure
from cjm_helpers.mapping.timeline import TIMELINE_MIN_SHARE, timeline_shares
from cjm_helpers.model import Project

CLOCKS = ("07:00", "08:00", "12:30", "19:00")
SHARES = (0.8, 0.9, 1.3, 1.0)
COL_W = 2.25
"""The figure's average column width in inches for up to six stages."""


def _day(clocks: tuple[str, ...] = CLOCKS) -> Project:
    stages = [
        {"id": f"s{i}", "name": f"Stage {i}", "clock": clock} for i, clock in enumerate(clocks)
    ]
    cells = {f"s{i}": {"emotion": 0} for i in range(len(clocks))}
    return Project(
        name="A day",
        personas=[{"id": "p", "name": "Ana", "evidence": "assumed"}],
        stages=stages,
        journeys=[
            {
                "id": "day",
                "name": "Ana's Tuesday",
                "persona": "p",
                "map_type": "day_in_the_life",
                "stages": cells,
            }
        ],
    )


def test_shares_follow_the_hours_with_a_minimum() -> None:
    assert timeline_shares(CLOCKS) == pytest.approx(SHARES)
    assert TIMELINE_MIN_SHARE == 0.8


def test_a_stage_without_a_time_leaves_the_columns_equal() -> None:
    assert timeline_shares(("07:00", "", "19:00")) == [1.0, 1.0, 1.0]


def test_a_night_shift_runs_past_midnight() -> None:
    # 22:00 -> 02:00 -> 06:00: four hours each; the last, after midnight, gets the average
    assert timeline_shares(("22:00", "02:00", "06:00")) == pytest.approx([1.0, 1.0, 1.0])
    # 20:00 -> 23:00 (3 h) -> 01:00 (2 h) -> 2.5 h: 3 x (3, 2, 2.5) / 7.5
    assert timeline_shares(("20:00", "23:00", "01:00")) == pytest.approx([1.2, 0.8, 1.0])


def _stage_boxes(project: Project) -> list[tuple[float, float]]:
    """(x, width) in inches of each stage header box in the figure, left to right."""
    fig = map_figure(project, "day", dpi=40)
    boxes = [
        p
        for p in fig.axes[0].patches
        if isinstance(p, FancyBboxPatch) and p.get_facecolor()[:3] == _rgb(STAGE_BLUE)
    ]
    return sorted((b.get_x(), b.get_width()) for b in boxes)


def _rgb(colour: str) -> tuple[float, float, float]:
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def test_figure_columns_are_as_wide_as_the_hours() -> None:
    boxes = _stage_boxes(_day())
    widths = [w for _, w in boxes]
    assert widths == pytest.approx([COL_W * s for s in SHARES])
    # 12:30 -> 19:00 is 390 minutes, 08:00 -> 12:30 is 270: widths in that proportion
    assert widths[2] / widths[1] == pytest.approx(390 / 270)
    assert widths[3] / widths[1] == pytest.approx(300 / 270)
    # the hour from 07:00 to 08:00 keeps the minimum width, so its cards stay readable
    assert widths[0] == pytest.approx(COL_W * TIMELINE_MIN_SHARE)
    # each column starts where the one before it ends, one gap later
    for (x, w), (next_x, _) in zip(boxes, boxes[1:]):
        assert next_x == pytest.approx(x + w + GAP)


def test_html_columns_are_as_wide_as_the_hours() -> None:
    html = JourneyMap(_day(), "day").html()
    tracks = re.search(r"--tracks:([^;\"]+)", html)
    assert tracks, "the timeline grid names its column tracks"
    fr = [float(v) for v in re.findall(r"minmax\(0,([\d.]+)fr\)", tracks.group(1))]
    assert fr == pytest.approx(SHARES, abs=1e-4)
    # the emotion points sit in the middle of those columns: (start + share / 2) / 4
    starts = [0.0, 0.8, 1.7, 3.0]
    centres = [(a + s / 2) / 4 * 100 for a, s in zip(starts, SHARES)]
    cx = [float(v) for v in re.findall(r'<circle cx="([\d.]+)%" cy="[\d.]+" r="7"', html)]
    assert cx == pytest.approx(centres, abs=1e-3)


def test_a_map_that_is_not_a_timeline_keeps_equal_columns(sample_project: Project) -> None:
    html = JourneyMap(sample_project, "rina-current").html()
    assert "--tracks:" not in html and "cjmmap-grid cjmmap-timeline" not in html
