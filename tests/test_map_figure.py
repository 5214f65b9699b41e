"""The static map figure: a picture check of the sample PNG, SVG text, PDF fonts."""

from __future__ import annotations

import warnings
import xml.etree.ElementTree as ET

import matplotlib.image as mpimg
import numpy as np
import pytest
from matplotlib.figure import Figure

from cjm_helpers.mapping.figure import compare_figure, map_figure, save_figure, wrap
from cjm_helpers.mapping.html import EMOTION_COLOURS
from cjm_helpers.model import Note, StageCell
from cjm_helpers.paths import SAMPLE_PROJECT
from cjm_helpers.store import load_project

SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def sample():
    return load_project(SAMPLE_PROJECT)


@pytest.fixture(scope="module")
def sample_png(sample, tmp_path_factory):
    path = tmp_path_factory.mktemp("fig") / "map.png"
    save_figure(map_figure(sample, "rina-current", dpi=100), str(path), "png")
    return path


def _rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255


def test_sample_png_has_the_expected_size_and_is_not_blank(sample_png):
    image = mpimg.imread(sample_png)[..., :3]
    height, width = image.shape[:2]
    # five stage columns and eleven lanes: a wide, tall page
    assert width >= 1000 and height >= 1000
    ink = (np.abs(image - 1.0).sum(axis=2) > 0.05).mean()
    assert 0.15 < ink < 0.9, f"{ink:.0%} of pixels are not white"


def test_sample_png_shows_the_worst_moment_in_red(sample_png):
    image = mpimg.imread(sample_png)[..., :3]
    red = _rgb(EMOTION_COLOURS[-2])
    close = (np.abs(image - red).sum(axis=2) < 0.08).sum()
    assert close > 30  # the filled -2 marker at the purchase stage


def test_map_figure_is_a_plain_figure_outside_pyplot(sample):
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    fig = map_figure(sample)
    assert isinstance(fig, Figure)
    assert plt.get_fignums() == before


def test_svg_keeps_text_as_escaped_characters(sample, tmp_path):
    project = sample.model_copy(deep=True)
    hostile = "<script>alert(1)</script> Zażółć gęślą jaźń & kopi"
    project.journey("rina-current").stages["awareness"] = StageCell(
        actions=[Note(text=hostile, evidence="observed")]
    )
    project.personas[0].name = hostile
    path = tmp_path / "map.svg"
    save_figure(map_figure(project, "rina-current"), str(path), "svg")
    root = ET.parse(path).getroot()
    assert list(root.iter(f"{SVG_NS}script")) == []
    texts = " ".join("".join(el.itertext()) for el in root.iter(f"{SVG_NS}text"))
    assert "<script>alert(1)</script>" in texts
    assert "Zażółć gęślą jaźń" in texts


def test_pdf_embeds_the_font_with_polish_and_indonesian_letters(sample, tmp_path):
    path = tmp_path / "map.pdf"
    save_figure(map_figure(sample, "rina-current", lang="pl"), str(path), "pdf")
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    assert b"DejaVuSans" in data
    assert b"/FontFile2" in data  # a TrueType font program is embedded


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
@pytest.mark.parametrize("lang", ["id", "pl"])
def test_no_glyph_is_missing_in_any_format(sample, tmp_path, fmt, lang):
    project = sample.model_copy(deep=True)
    project.journey("rina-current").stages["retention"].thoughts.append(
        Note(text="Ąą Ćć Ęę Łł Ńń Óó Śś Źź Żż · é è ê · Rp 25.000 — ‘kopi’ “susu” …")
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        save_figure(map_figure(project, "rina-current", lang=lang), str(tmp_path / f"m.{fmt}"), fmt)
    missing = [str(w.message) for w in caught if "missing from" in str(w.message).lower()]
    assert missing == []


def test_dollar_signs_are_not_mathtext(sample, tmp_path):
    project = sample.model_copy(deep=True)
    project.journey("rina-current").stages["awareness"].thoughts = [
        Note(text=r"$\frac{1}{0 costs $5 and ^{oops}")
    ]
    path = tmp_path / "m.svg"
    save_figure(map_figure(project, "rina-current"), str(path), "svg")
    root = ET.parse(path).getroot()
    texts = " ".join("".join(el.itertext()) for el in root.iter(f"{SVG_NS}text"))
    assert r"$\frac{1}{0 costs $5" in texts


def test_compare_figure_draws_two_curves(sample):
    fig = compare_figure(sample, "rina-current", "rina-future")
    ax = fig.axes[0]
    dashed = [
        line for line in ax.lines if line.get_linestyle() == "--" and len(line.get_xdata()) > 2
    ]
    solid_green = [
        line for line in ax.lines if line.get_color() == "#188038" and len(line.get_xdata()) > 2
    ]
    assert dashed and solid_green


def test_wrap_keeps_lines_short_and_marks_cut_text():
    text = "kata " * 400
    lines = wrap(text, 1.5, max_lines=5)
    assert len(lines) == 5 and lines[-1].endswith("…")
    unbroken = "x" * 300
    assert all(len(line) < 60 for line in wrap(unbroken, 1.5, max_lines=50))
