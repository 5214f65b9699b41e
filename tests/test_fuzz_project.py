"""Property-based fuzzing of the project loader and `cjm validate`.

Whatever text, structure or bytes come in, the loader raises only our own errors
(CJMError subclasses, which the CLI turns into a message) and `cjm validate` answers with
exit code 0 or 1 and a message, never a traceback. A project that does load must save
and load back to the same project, and draw as a map. The number of examples each
property ran is written to ci-artifacts/fuzz-examples.json.
"""

from __future__ import annotations

import contextlib
import copy
import io
import string
from collections import Counter
from typing import Any

import pytest
from fuzz_record import record_examples as write_counts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjm_helpers.cli import main
from cjm_helpers.errors import CJMError
from cjm_helpers.mapping.journey_map import JourneyMap
from cjm_helpers.paths import SAMPLE_PROJECT
from cjm_helpers.store import load_project, project_from_text, project_to_data, project_to_yaml
from cjm_helpers.validation import validate_project
from cjm_helpers.yamlio import dump_yaml

EXAMPLES: Counter[str] = Counter()
FUZZ = settings(
    deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@pytest.fixture(scope="module", autouse=True)
def record_examples() -> Any:
    yield
    write_counts(EXAMPLES)


def load_or_our_error(text: str) -> Any:
    """Load project text; our errors are the expected answer, anything else fails the test."""
    try:
        return project_from_text(text, "fuzz.cjm.yaml")
    except CJMError as exc:
        assert str(exc).startswith("fuzz.cjm.yaml"), str(exc)
        return None


@settings(FUZZ, max_examples=800)
@given(st.text(max_size=400))
def test_loader_on_any_text(text: str) -> None:
    EXAMPLES["loader_any_text"] += 1
    load_or_our_error(text)


YAML_TOKENS = [
    "name:",
    " x",
    "description:",
    "personas:",
    "stages:",
    "journeys:",
    "touchpoints:",
    "\n",
    "\n  ",
    "\n  - ",
    "- ",
    "id: ",
    "a",
    "rina",
    "{",
    "}",
    "[",
    "]",
    ", ",
    ": ",
    "&a ",
    "*a",
    "!!python/object:os.system ",
    "!!str ",
    "!!int ",
    "!!binary ",
    "!!timestamp ",
    "!!set ",
    "!!omap ",
    "? ",
    "'",
    '"',
    "|",
    ">",
    "#",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "~",
    "null",
    "yes",
    "no",
    ".nan",
    ".inf",
    "-.inf",
    "0x1F",
    "0o17",
    "1e400",
    "2026-13-45",
    "2026-01-01",
    "2026-01-01T10:00:00+99:00",
    "12:30:00",
    "<<: ",
    "\t",
    "\ufeff",
    "\x85",
    "\u2028",
    "emotion: ",
    "-2",
    "9",
    "schema_version: ",
    "1",
    "2",
    "3",
]


@settings(FUZZ, max_examples=1000)
@given(st.lists(st.sampled_from(YAML_TOKENS), max_size=40).map("".join))
def test_loader_on_yaml_like_text(text: str) -> None:
    EXAMPLES["loader_yaml_like"] += 1
    load_or_our_error(text)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(["rina", "awareness", "tp-app", "2026-01-01", "observed", "current_state", ""]),
)
structures = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "name",
                    "id",
                    "stages",
                    "personas",
                    "journeys",
                    "touchpoints",
                    "text",
                    "emotion",
                    "persona",
                    "stage",
                    "schema_version",
                    "evidence",
                    "kpis",
                    "x",
                ]
            )
            | st.text(max_size=8),
            inner,
            max_size=5,
        )
    ),
    max_leaves=30,
)


@settings(FUZZ, max_examples=500)
@given(structures)
def test_loader_on_random_structures(data: Any) -> None:
    EXAMPLES["loader_structures"] += 1
    load_or_our_error(dump_yaml(data))


SAMPLE = project_to_data(load_project(SAMPLE_PROJECT))


def _paths(data: Any, path: tuple = ()) -> list[tuple]:
    out = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            out += _paths(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out += _paths(value, (*path, i))
    return out


SAMPLE_PATHS = [p for p in _paths(SAMPLE) if p]


@settings(FUZZ, max_examples=250)
@given(st.lists(st.tuples(st.sampled_from(SAMPLE_PATHS), structures), min_size=1, max_size=3))
def test_sample_with_random_edits_loads_or_says_why(edits: list[tuple[tuple, Any]]) -> None:
    """Replace a few fields of the sample with random values: a clear error, or a project that works."""
    EXAMPLES["sample_edits"] += 1
    data = copy.deepcopy(SAMPLE)
    for path, value in edits:
        target = data
        try:
            for part in path[:-1]:
                target = target[part]
            target[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit replaced the parent
    try:
        project = validate_project(data, "fuzz.cjm.yaml")
    except CJMError:
        return
    text = project_to_yaml(project)
    assert project_from_text(text) == project, "saved text loads back as the same project"
    for journey in project.journeys:
        assert "cjmmap" in JourneyMap(project, journey.id).html()


@settings(FUZZ, max_examples=250)
@given(raw=st.binary(max_size=600))
def test_cjm_validate_on_random_bytes(raw: bytes, tmp_path_factory: pytest.TempPathFactory) -> None:
    EXAMPLES["validate_random_bytes"] += 1
    path = tmp_path_factory.getbasetemp() / "fuzz.cjm.yaml"
    path.write_bytes(raw)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["validate", str(path)])
    output = out.getvalue() + err.getvalue()
    assert code in (0, 1)
    assert str(path) in output and "Traceback" not in output


@settings(FUZZ, max_examples=100)
@given(text=st.text(alphabet=string.printable + "äöüłńżęą€\u2028\ufeff\x00", max_size=300))
def test_cjm_validate_on_random_text(text: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    EXAMPLES["validate_random_text"] += 1
    path = tmp_path_factory.getbasetemp() / "fuzz-text.cjm.yaml"
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["validate", str(path)])
    assert code in (0, 1)
    assert str(path) in out.getvalue() + err.getvalue()


def _free_text_paths() -> list[tuple]:
    """Paths of the sample's strings that take any text: fill all, drop those refused."""
    from pydantic import ValidationError

    from cjm_helpers.model import Project

    paths = {p for p in SAMPLE_PATHS if isinstance(_get(SAMPLE, p), str)}
    while True:
        data = copy.deepcopy(SAMPLE)
        for path in paths:
            _put(data, path, "Any text")
        try:
            Project.model_validate(data)
            return sorted(paths, key=str)
        except ValidationError as exc:
            paths -= {tuple(e["loc"]) for e in exc.errors()}


def _get(data: Any, path: tuple) -> Any:
    for part in path:
        data = data[part]
    return data


def _put(data: Any, path: tuple, value: Any) -> None:
    _get(data, path[:-1])[path[-1]] = value


FREE_TEXT = _free_text_paths()
awkward_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"])
    | st.sampled_from(
        [
            "\n",
            "\t",
            "\r",
            ":",
            "#",
            " ",
            "'",
            '"',
            "\\",
            "{",
            "}",
            "<",
            "&",
            "\u2028",
            "\ufeff",
            "\x85",
            "-",
            "?",
        ]
    ),
    min_size=1,
    max_size=60,
)


@settings(FUZZ, max_examples=150)
@given(st.lists(st.tuples(st.sampled_from(FREE_TEXT), awkward_text), min_size=1, max_size=5))
def test_any_text_in_any_text_field_saves_loads_and_draws(edits: list[tuple[tuple, str]]) -> None:
    EXAMPLES["text_fields_roundtrip"] += 1
    data = copy.deepcopy(SAMPLE)
    for path, text in edits:
        _put(data, path, text)
    try:
        project = validate_project(data, "fuzz.cjm.yaml")
    except CJMError as exc:
        assert "fuzz.cjm.yaml" in str(exc)
        return
    assert project_from_text(project_to_yaml(project)) == project
    page = JourneyMap(project, project.journeys[0].id).html_document()
    assert page.count("<script") == 0


LANE_NAMES = [
    "Lane",
    "Actions",
    "Touchpoints",
    "Channels",
    "Thoughts",
    "Emotions",
    "Pain points",
    "Opportunities",
    "Internal actors",
    "Gossip",
    "",
    "emotions",
    "ACTIONS",
]
STAGE_NAMES = [
    "Awareness",
    "Consideration",
    "Purchase",
    "Retention",
    "Advocacy",
    "Nowhere",
    "",
    "purchase",
    "Ünïcode",
]
CELLS = [
    "-2",
    "2",
    "9",
    "happy",
    "1.0",
    "",
    "Sees an ad [observed]",
    "=1+1",
    "a\nb",
    "[assumed]",
    '"q"',
    "x;y",
]


@st.composite
def wide_csv_texts(draw: Any) -> str:
    """A wide map sheet: a header of stages, rows of lanes, cells of cards; sometimes mangled."""
    sep = draw(st.sampled_from([",", ";", "\t"]))
    stages = draw(
        st.lists(st.sampled_from(STAGE_NAMES) | st.text(max_size=6), min_size=0, max_size=5)
    )
    lines = [sep.join(["Lane", *stages])]
    for _ in range(draw(st.integers(0, 6))):
        lane = draw(st.sampled_from(LANE_NAMES) | st.text(max_size=6))
        cells = [
            draw(st.sampled_from(CELLS) | st.text(max_size=10))
            for _ in range(len(stages) + draw(st.integers(-1, 1)))
        ]
        quoted = ['"' + c.replace('"', '""') + '"' if draw(st.booleans()) else c for c in cells]
        lines.append(sep.join([lane, *quoted]))
    return ("\ufeff" if draw(st.booleans()) else "") + "\n".join(lines) + "\n"


@settings(FUZZ, max_examples=200)
@given(text=wide_csv_texts())
def test_wide_map_import_on_random_sheets(
    text: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """`cjm map-import` input: a clear error or a valid project, nothing else."""
    from cjm_helpers.mapping.wide_import import import_wide_csv

    EXAMPLES["wide_import_random_csv"] += 1
    path = tmp_path_factory.getbasetemp() / "sheet.csv"
    path.write_text(text, encoding="utf-8")
    try:
        result = import_wide_csv(path, load_project(SAMPLE_PROJECT), journey_id="imported")
    except CJMError as exc:
        assert "sheet.csv" in str(exc), str(exc)
        return
    assert project_from_text(project_to_yaml(result)) == result
    assert "cjmmap" in JourneyMap(result, "imported").html()
