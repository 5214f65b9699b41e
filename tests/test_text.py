"""The shared text helpers: ids made from Polish and Indonesian names, unique ids, escaping.

The last test builds the same names into ids through each place that makes ids
(forms, migrations, the wide map import, the batch runner): they must agree, so
"Świadomość" cannot become ``wiadomo`` in one place and ``swiadomosc`` in another.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cjm_helpers.forms.fields import pain_points_from_text
from cjm_helpers.mapping.wide_import import import_wide_rows
from cjm_helpers.migrations import migrate
from cjm_helpers.model import Project
from cjm_helpers.run.batch import segment_variants
from cjm_helpers.run.params import RunParams
from cjm_helpers.text import esc, fold, slug, unique_id

POLISH = [
    ("ą", "a"),
    ("ć", "c"),
    ("ę", "e"),
    ("ł", "l"),
    ("ń", "n"),
    ("ó", "o"),
    ("ś", "s"),
    ("ź", "z"),
    ("ż", "z"),
]


@pytest.mark.parametrize(
    ("letter", "plain"), POLISH + [(small.upper(), plain) for small, plain in POLISH]
)
def test_every_polish_letter_small_and_capital_becomes_its_latin_base(
    letter: str, plain: str
) -> None:
    assert slug(f"a{letter}b") == f"a{plain}b"
    assert fold(letter) == plain


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("Świadomość", "swiadomosc"),
        ("długa", "dluga"),
        ("DŁUGA KOLEJKA", "dluga-kolejka"),
        ("Zażółć gęślą jaźń", "zazolc-gesla-jazn"),
        ("Pembelian Ulang", "pembelian-ulang"),
        ("Kasir & antrean!", "kasir-antrean"),
        ("Kafé di Jalan Sudirman", "kafe-di-jalan-sudirman"),
        ("pre_order 2", "pre-order-2"),
        ("  --Straße--  ", "strasse"),
    ],
)
def test_slug_transliterates_and_keeps_only_id_characters(text: str, wanted: str) -> None:
    assert slug(text) == wanted


def test_slug_limit_fallback_and_non_latin_names() -> None:
    long = slug("ąę " * 40, limit=40)
    assert len(long) <= 40 and not long.endswith("-") and set(long) <= set("ae-")
    assert slug("???") == "x"
    assert slug("学生", fallback="item") == "item"
    assert slug("", limit=64, fallback="stage-1") == "stage-1"


def test_unique_id_avoids_every_taken_id() -> None:
    assert unique_id("kasir", set()) == "kasir"
    assert unique_id("kasir", {"kasir"}) == "kasir-2"
    assert unique_id("kasir", {"kasir", "kasir-2", "kasir-3"}) == "kasir-4"
    # two names that fold to the same slug still get two ids
    first = unique_id(slug("Łódź"), set())
    second = unique_id(slug("lodz"), {first})
    assert (first, second) == ("lodz", "lodz-2")


def test_esc_escapes_text_and_attribute_quotes() -> None:
    assert (
        esc('<b class="x">Tom\'s</b> & co')
        == "&lt;b class=&quot;x&quot;&gt;Tom&#x27;s&lt;/b&gt; &amp; co"
    )
    assert esc(3) == "3"


NAMES = [
    "Świadomość",
    "Długa kolejka",
    "Zażółć gęślą jaźń",
    "ĄĆĘŁŃÓŚŹŻ",
    "Kasir & Antrean",
    "Pembayaran ulang",
]


def _from_forms(name: str) -> str:
    return pain_points_from_text(name, [], set())[0]["id"].removeprefix("pp-")


def _from_migrations(name: str) -> str:
    data = migrate({"schema_version": 1, "name": "x", "stages": [name]})
    return data["stages"][0]["id"]


def _from_wide_import(name: str) -> tuple[str, str]:
    """The ids of the stage and the touchpoint a wide map names ``name`` (in an empty project)."""
    project = import_wide_rows(
        [["", name], ["Touchpoints", name]], Project(name="x", stages=[]), source="sheet.csv"
    )
    stage = next(s.id for s in project.stages if s.name == name)
    return stage, project.journey("sheet").stages[stage].touchpoints[0].removeprefix("tp-")


def _from_batch(name: str, tmp_path: Path) -> str:
    survey = tmp_path / "survey.csv"
    survey.write_text(f"user_id,segment\nu1,{name}\n", encoding="utf-8")
    return segment_variants(str(survey), "", tmp_path / "out", RunParams())[0].folder.removeprefix(
        "segment-"
    )


@pytest.mark.parametrize("name", NAMES)
def test_every_id_maker_agrees(name: str, tmp_path: Path) -> None:
    stage, touchpoint = _from_wide_import(name)
    made = {
        "forms": _from_forms(name),
        "migrations": _from_migrations(name),
        "wide import (stage)": stage,
        "wide import (touchpoint)": touchpoint,
        "batch": _from_batch(name, tmp_path),
    }
    assert set(made.values()) == {slug(name)}, made
