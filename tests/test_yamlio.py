"""The YAML writer: whatever plain data goes in reads back identical through the safe parser."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cjm_helpers.yamlio import YamlError, dump_yaml, parse_yaml

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63)
    | st.floats(allow_nan=False)
    | st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)))
)
keys = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=20)
plain_data = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=600, deadline=None)
@given(st.dictionaries(keys, plain_data, max_size=6))
def test_dump_then_parse_is_identity(data: dict) -> None:
    assert parse_yaml(dump_yaml(data)) == data


@pytest.mark.parametrize(
    "text",
    [
        "yes",
        "no",
        "on",
        "Off",
        "null",
        "~",
        "1_000",
        "0x1f",
        "1e3",
        "3.",
        ".5",
        "12:30:00",
        "2026-01-01",
        "<<",
        "=",
        "- dash",
        "a: b",
        "tail:",
        "x #y",
        " lead",
        "trail ",
        "",
        "line\nbreak",
        "tab\there",
        "\u2028sep",
        "nel\x85",
        "bom\ufeff",
        "ctl\x07",
        "'quoted'",
        '"dq"',
        "@at",
        "`tick",
        "%pct",
        "!tag",
        "&anchor",
        "*alias",
        "|pipe",
        ">gt",
        "[list]",
        "{map}",
        "?q",
        "Zażółć gęślą jaźń",
        "Kopi ☕",
    ],
)
def test_tricky_strings_round_trip(text: str) -> None:
    assert parse_yaml(dump_yaml({"v": text, text or "k": [text]})) == {
        "v": text,
        text or "k": [text],
    }


def test_special_floats_and_readable_layout() -> None:
    out = dump_yaml({"a": float("inf"), "b": -float("inf"), "c": 1e-05, "d": [{"x": 1, "y": []}]})
    assert out == "a: .inf\nb: -.inf\nc: 1.0e-05\nd:\n  - x: 1\n    y: []\n"
    back = parse_yaml(dump_yaml({"n": float("nan")}))
    assert math.isnan(back["n"])


def test_unknown_types_are_refused() -> None:
    with pytest.raises(TypeError, match="cannot write set"):
        dump_yaml({"s": {1, 2}})


def test_parse_errors_name_the_line() -> None:
    with pytest.raises(YamlError, match="line 2, column 5: mapping values are not allowed"):
        parse_yaml("a: 1\nb: x: y\nc: 2\n")
