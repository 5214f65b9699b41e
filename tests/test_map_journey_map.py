"""JourneyMap and compare_maps in every format, on the sample and on edge cases.

Edge cases: one stage, twelve stages, empty lanes, forty touchpoints in one
stage, very long text, and hostile text in every field a map shows.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import matplotlib.image as mpimg
import pytest
from bs4 import BeautifulSoup
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.patches import FancyBboxPatch
from openpyxl import load_workbook
from test_map_tabular import assert_mermaid_grammar

from cjm_helpers.errors import CJMError
from cjm_helpers.mapping import FORMATS, JourneyMap, compare_maps, infer_format
from cjm_helpers.mapping.figure import STAGE_BLUE
from cjm_helpers.model import (
    LANES,
    NOTE_LANES,
    PAIN_LANES,
    Journey,
    Note,
    PainPoint,
    Persona,
    Project,
    Stage,
    StageCell,
    Touchpoint,
)

HOSTILE = (
    '<script>alert(1)</script><img src=x onerror="alert(2)"> \'&quot; =1+1 @SUM %% a: b; c # d '
    r"$\frac{1}{2}$ Zażółć gęślą jaźń, Rp 25.000"
)
SVG_NS = "{http://www.w3.org/2000/svg}"


def make_project(
    n_stages: int = 5,
    text: str = "Card",
    touchpoints_in_first: int = 1,
    empty_lanes: tuple[str, ...] = (),
    long: bool = False,
) -> Project:
    """A project with one journey showing every lane, filled as asked."""
    stages = [
        Stage(id=f"s{i}", name=f"{text} stage {i}", description=f"{text} description")
        for i in range(n_stages)
    ]
    tps, cells = [], {}
    for i, stage in enumerate(stages):
        count = touchpoints_in_first if i == 0 else 1
        ids = []
        for k in range(count):
            tp = Touchpoint(
                id=f"tp-{i}-{k}",
                name=f"{text} tp {k}",
                stage=stage.id,
                channel=f"{text} ch {k % 3}",
                evidence="reported",
                visibility="backstage" if k == 1 else "frontstage",
            )
            tps.append(tp)
            ids.append(tp.id)
        body = (text + " ") * (300 if long and i == 0 else 1)
        notes = {lane: [Note(text=body.strip(), evidence="observed")] for lane in NOTE_LANES}
        pains = {
            lane: [PainPoint(id=f"{lane[:2]}-{i}", text=text, evidence="assumed")]
            for lane in PAIN_LANES
        }
        values = {**notes, **pains, "touchpoints": ids, "emotion": (i % 5) - 2}
        for lane in empty_lanes:
            if lane == "emotions":
                values["emotion"] = None
            elif lane != "channels":  # channels come from the touchpoints
                values[lane] = []
        cells[stage.id] = StageCell(**values)
    persona = Persona(id="p", name=f"{text} persona", quote=text)
    journey = Journey(
        id="j",
        name=f"{text} journey",
        persona="p",
        map_type="service_blueprint",
        lanes=list(LANES),
        stages=cells,
    )
    future = Journey(
        id="f",
        name=f"{text} future",
        persona="p",
        map_type="future_state",
        compares_to="j",
        stages={s.id: StageCell(actions=[Note(text=text)], emotion=1) for s in stages},
    )
    return Project(
        name=f"{text} project",
        stages=stages,
        touchpoints=tps,
        personas=[persona],
        journeys=[journey, future],
    )


CASES = {
    "one_stage": lambda: make_project(1),
    "twelve_stages": lambda: make_project(12),
    "empty_lanes": lambda: make_project(4, empty_lanes=tuple(LANES)),
    "forty_touchpoints": lambda: make_project(3, touchpoints_in_first=40),
    "long_text": lambda: make_project(2, long=True),
    "hostile": lambda: make_project(3, text=HOSTILE),
}


class ElementLister(HTMLParser):
    """The standard library's own HTML parser, as a second opinion on the markup."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def assert_safe_html(markup: str) -> None:
    for doc_tags in (
        [(el.name, list(el.attrs)) for el in BeautifulSoup(markup, "html.parser").find_all(True)],
        [(tag, [a for a, _ in attrs]) for tag, attrs in _lister(markup).tags],
    ):
        names = {name for name, _ in doc_tags}
        assert not names & {"script", "img", "iframe", "object", "embed", "link"}, names
        for name, attrs in doc_tags:
            assert not [a for a in attrs if str(a).lower().startswith("on")], (name, attrs)


def _lister(markup: str) -> ElementLister:
    lister = ElementLister()
    lister.feed(markup)
    return lister


@pytest.fixture(scope="module")
def maps():
    return {name: make() for name, make in CASES.items()}


@pytest.mark.parametrize("case", list(CASES))
def test_html_of_every_case_is_safe_and_shows_every_stage(maps, case):
    project = maps[case]
    jm = JourneyMap(project, "j")
    for markup in (jm._repr_html_(), jm.html_document()):
        assert_safe_html(markup)
        doc = BeautifulSoup(markup, "html.parser")
        assert len(doc.select(".cjmmap-stage")) == len(project.stages)
    text = BeautifulSoup(jm.html_document(), "html.parser").get_text()
    if case == "hostile":
        assert "<script>alert(1)</script>" in text and "Zażółć gęślą jaźń" in text
    if case == "empty_lanes":
        doc = BeautifulSoup(jm.html(), "html.parser")
        assert doc.select(".cjmmap-grid .cjmmap-card") == []
        assert len(doc.select(".cjmmap-empty")) == 4 * (len(LANES) - 1)
    if case == "forty_touchpoints":
        page = BeautifulSoup(jm.html(), "html.parser")
        above = page.select(".cjmmap-cell.cjmmap-lane-touchpoints")[0].select(".cjmmap-card")
        below = page.select(".cjmmap-cell.cjmmap-lane-internal_tools")[0].select(".cjmmap-card")
        assert len(above) == 39
        assert "tp-0-1" in [card.get("data-ref") for card in below], (
            "the backstage touchpoint is below the line"
        )
    if case == "long_text":
        assert (("Card " * 300).strip()) in text  # the HTML shows all of it and lets CSS wrap


def _card_boxes(fig):
    ax = fig.axes[0]
    return [
        p
        for p in ax.patches
        if isinstance(p, FancyBboxPatch) and p.get_edgecolor()[3] > 0 and p.get_linewidth() > 1.05
    ]


def _overlap(a, b) -> bool:
    ax0, ay0, aw, ah = a.get_x(), a.get_y(), a.get_width(), a.get_height()
    bx0, by0, bw, bh = b.get_x(), b.get_y(), b.get_width(), b.get_height()
    return (
        ax0 < bx0 + bw - 1e-6
        and bx0 < ax0 + aw - 1e-6
        and ay0 < by0 + bh - 1e-6
        and by0 < ay0 + ah - 1e-6
    )


def assert_figure_is_tidy(fig) -> None:
    """No two cards overlap, no text leaves the page, and text in a stage column stays in it."""
    boxes = _card_boxes(fig)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not _overlap(a, b), (a, b)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    ax = fig.axes[0]
    width, height = fig.get_size_inches()
    columns = [
        (p.get_x(), p.get_x() + p.get_width())
        for p in ax.patches
        if isinstance(p, FancyBboxPatch) and to_hex(p.get_facecolor()) == STAGE_BLUE
    ]
    assert columns
    lanes_end = max(
        p.get_y() + p.get_height()
        for p in ax.patches
        if isinstance(p, FancyBboxPatch)
        and to_hex(p.get_facecolor()) == "#f1f3f4"
        and p.get_edgecolor()[3] == 0
    )
    inv = ax.transData.inverted()
    for text in ax.texts:
        if not text.get_text().strip():
            continue
        (x0, y1), (x1, y0) = inv.transform(text.get_window_extent(renderer).get_points())
        assert x0 >= -0.01 and x1 <= width + 0.01 and y0 >= -0.01 and y1 <= height + 0.01, (
            text.get_text()
        )
        for left, right in columns:
            if left <= x0 < right and y0 < lanes_end and text.get_horizontalalignment() == "left":
                assert x1 <= right + 0.01, (text.get_text(), x1, right)


@pytest.mark.parametrize("case", list(CASES))
def test_figure_of_every_case_is_tidy(maps, case):
    fig = JourneyMap(maps[case], "j").figure(dpi=40)
    assert_figure_is_tidy(fig)
    if case == "forty_touchpoints":
        assert (
            fig.get_size_inches()[1]
            > JourneyMap(maps["one_stage"], "j").figure(dpi=40).get_size_inches()[1] + 10
        )


def test_sample_figure_is_tidy(sample_project):
    assert_figure_is_tidy(JourneyMap(sample_project, "rina-current").figure(dpi=40))
    assert_figure_is_tidy(compare_maps(sample_project).figure(dpi=40))


def test_wider_maps_make_wider_pictures(maps, tmp_path):
    sizes = {}
    for case in ("one_stage", "twelve_stages"):
        path = JourneyMap(maps[case], "j").save(tmp_path / f"{case}.png", dpi=30)
        sizes[case] = mpimg.imread(path).shape
    assert sizes["twelve_stages"][1] > 5 * sizes["one_stage"][1]


@pytest.mark.parametrize("case", ["hostile", "empty_lanes", "one_stage"])
def test_every_file_format_of_an_edge_case(maps, case, tmp_path):
    jm = JourneyMap(maps[case], "j")
    for fmt in FORMATS:
        path = jm.save(tmp_path / f"map-{fmt}", fmt, dpi=30)
        data = path.read_bytes()
        assert data, fmt
        if case == "hostile" and fmt in (
            "html",
            "csv",
            "wide-csv",
            "json",
        ):  # mermaid shortens: see its test
            assert "Zażółć gęślą jaźń" in data.decode("utf-8"), fmt
        if case == "hostile" and fmt == "xlsx":
            book = load_workbook(io.BytesIO(data))
            assert any(
                "Zażółć gęślą jaźń" in str(c.value)
                for row in book.worksheets[0].iter_rows()
                for c in row
            )
        if fmt == "html":
            assert_safe_html(data.decode("utf-8"))
        elif fmt == "svg":
            root = ET.fromstring(data)
            assert list(root.iter(f"{SVG_NS}script")) == []
            assert not [a for el in root.iter() for a in el.attrib if a.lower().startswith("on")]
            if case == "hostile":
                texts = " ".join("".join(el.itertext()) for el in root.iter(f"{SVG_NS}text"))
                assert "<script>alert(1)</script>" in texts and "Zażółć" in texts
        elif fmt == "pdf":
            assert data.startswith(b"%PDF") and b"DejaVuSans" in data
        elif fmt == "png":
            assert data.startswith(b"\x89PNG")
        elif fmt in ("csv", "wide-csv"):
            cells = [c for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for c in row]
            assert all(not c.startswith(("=", "+", "@", "\t", "\r")) for c in cells)
            assert all(not c.startswith("-") or c.lstrip("-").isdigit() for c in cells)
        elif fmt == "xlsx":
            book = load_workbook(io.BytesIO(data))
            assert all(
                cell.data_type != "f" for sheet in book for row in sheet.iter_rows() for cell in row
            )
        elif fmt == "json":
            assert json.loads(data)["journey"]["id"] == "j"
        elif fmt == "mermaid":
            assert_mermaid_grammar(data.decode("utf-8"))


def test_sample_map_in_every_format_and_language(sample_project, tmp_path):
    for lang in ("en", "id", "pl"):
        jm = JourneyMap(sample_project, lang=lang)
        assert jm.journey_id == "rina-current"
        for fmt in ("html", "csv", "xlsx", "json", "mermaid"):
            assert jm.save(tmp_path / f"{lang}.{fmt}", fmt).stat().st_size > 500
    page = (tmp_path / "pl.html").read_text(encoding="utf-8")
    assert "Punkty styku" in page and page.startswith("<!DOCTYPE html>")
    assert "rina-current" in repr(JourneyMap(sample_project))


def test_compare_maps_shows_and_saves(sample_project, tmp_path):
    view = compare_maps(sample_project, lang="id")
    assert (view.current_id, view.future_id) == ("rina-current", "rina-future")
    assert_safe_html(view._repr_html_())
    assert view.save(tmp_path / "c.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert view.save(tmp_path / "c.svg").stat().st_size > 1000
    with pytest.raises(CJMError, match="bukan format peta"):
        view.save(tmp_path / "c.csv", "csv")


def test_formats_are_inferred_from_file_names(tmp_path):
    assert infer_format("m.wide.csv") == "wide-csv"
    assert infer_format("M.CSV") == "csv" and infer_format("m.mmd") == "mermaid"
    assert infer_format("anything", "PNG") == "png"
    with pytest.raises(CJMError, match="cannot tell the format"):
        infer_format("map.txt")
    with pytest.raises(CJMError, match="'gif' is not a map format"):
        infer_format("map.gif", "gif")


def test_unknown_journey_and_language_are_plain_errors(sample_project):
    with pytest.raises(CJMError, match="no journey with id 'x'"):
        JourneyMap(sample_project, "x")
    with pytest.raises(CJMError, match="language 'de'"):
        JourneyMap(sample_project, lang="de")
