"""One helper for one job: shared helpers exist once, and the form editors do not import their form."""

from __future__ import annotations

import ast
import os
from pathlib import Path
from typing import Literal, get_args, get_origin

import pytest

import cjm_helpers
from cjm_helpers.environment import scoped_environ
from cjm_helpers.text import step_number

PACKAGE = Path(cjm_helpers.__file__).resolve().parent

SHARED = {
    "esc": "text.py",
    "slug": "text.py",
    "slugify": "text.py",
    "unique_id": "text.py",
    "fold": "text.py",
    "step_number": "text.py",
    "scoped_environ": "environment.py",
    "atomic_write_bytes": "files.py",
    "atomic_write_text": "files.py",
    "write_bytes": "files.py",
    "decode_utf8": "files.py",
}
"""Helpers every part may use, and the one module that defines each."""

STRICTER = {("nbbuild.py", "step_number")}
"""Wrappers that call the shared helper and add a rule of their own (a chapter source must be numbered)."""


def _definitions() -> list[tuple[str, str]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:  # module-level functions; a method of the same name is another thing
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in SHARED:
                found.append((path.relative_to(PACKAGE).as_posix(), node.name))
    return found


def test_each_shared_helper_is_defined_once() -> None:
    copies = [
        (rel, name)
        for rel, name in _definitions()
        if rel != SHARED[name] and (rel, name) not in STRICTER
    ]
    assert not copies, f"use the shared helper instead of a copy: {copies}"


def _vocabularies() -> dict[str, frozenset[str]]:
    from cjm_helpers import model

    return {
        name: frozenset(get_args(value))
        for name, value in vars(model).items()
        if get_origin(value) is Literal and len(get_args(value)) > 1
    }


def test_vocabulary_tuples_are_read_from_the_model_literals() -> None:
    from cjm_helpers import model

    pairs = {
        "EVIDENCE_LEVELS": "EvidenceLevel",
        "MAP_TYPES": "MapType",
        "LANES": "Lane",
        "RESOURCE_KINDS": "ResourceKind",
        "RESOURCE_STATUSES": "ResourceStatus",
        "DATA_SOURCE_KINDS": "DataSourceKind",
        "VISIBILITIES": "Visibility",
        "OPPORTUNITY_STATUSES": "OpportunityStatus",
        "GOAL_TYPES": "GoalType",
        "REVIEW_CADENCES": "ReviewCadence",
    }
    for values, literal in pairs.items():
        assert getattr(model, values) == get_args(getattr(model, literal)), values


def test_no_module_spells_out_a_vocabulary_again() -> None:
    """A tuple or list that repeats a whole vocabulary of the model is a copy that can drift."""
    vocabularies = _vocabularies()
    copies = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        literals = {
            id(n.slice)
            for n in ast.walk(tree)
            if isinstance(n, ast.Subscript)
            and isinstance(n.value, ast.Name)
            and n.value.id == "Literal"
        }
        for node in ast.walk(tree):
            if id(node) in literals:
                continue  # the Literal itself: the one place a vocabulary is written
            if (
                isinstance(node, (ast.Tuple, ast.List))
                and node.elts
                and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts)
            ):
                words = frozenset(e.value for e in node.elts)  # type: ignore[attr-defined]
                copies += [
                    f"{rel}:{node.lineno} repeats {name}"
                    for name, v in vocabularies.items()
                    if words == v
                ]
    assert not copies, copies


def test_step_number_reads_the_prefix() -> None:
    assert step_number("03_target_personas.ipynb") == 3
    assert step_number(Path("notebooks") / "00_start.ipynb") == 0
    assert step_number("take_the_journey.md") == -1
    assert step_number("3_short.md") == -1


def test_scoped_environ_sets_removes_and_restores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CJM_TEST_KEPT", "before")
    monkeypatch.delenv("CJM_TEST_NEW", raising=False)
    with (
        pytest.raises(RuntimeError),
        scoped_environ({"CJM_TEST_KEPT": None, "CJM_TEST_NEW": "inside"}),
    ):
        assert "CJM_TEST_KEPT" not in os.environ
        assert os.environ["CJM_TEST_NEW"] == "inside"
        raise RuntimeError("the block fails")
    assert os.environ["CJM_TEST_KEPT"] == "before"
    assert "CJM_TEST_NEW" not in os.environ


def test_editors_know_their_form_only_through_a_protocol(sample_copy: Path) -> None:
    from cjm_helpers.forms import step_form
    from cjm_helpers.forms.editors import FormState
    from cjm_helpers.store import ProjectStore

    tree = ast.parse((PACKAGE / "forms" / "editors.py").read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert "base" not in imported and "cjm_helpers.forms.base" not in imported
    assert isinstance(step_form(2, ProjectStore(sample_copy)), FormState)


def _imported_modules(path: Path) -> set[str]:
    """Every cjm_helpers module a file imports, anywhere in it, as a dotted name below the package."""
    package = path.relative_to(PACKAGE).parent.parts
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = list(package[: len(package) - node.level + 1])
            parts = [*base, *(node.module.split(".") if node.module else [])]
            found.add(".".join(parts))
            found.update(".".join([*parts, alias.name]) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cjm_helpers."):
            found.add(node.module.removeprefix("cjm_helpers."))  # type: ignore[union-attr]
    return found


@pytest.mark.parametrize(
    ("room", "forbidden"),
    [
        ("report", ("notebook", "step")),  # the report is built outside a kernel
        ("overlay", ("mapping.export", "notebook", "step")),  # data work needs no map exporter
    ],
)
def test_lower_rooms_do_not_import_the_rooms_above(room: str, forbidden: tuple[str, ...]) -> None:
    offenders = sorted(
        f"{path.relative_to(PACKAGE).as_posix()} imports {name}"
        for path in (PACKAGE / room).rglob("*.py")
        for name in _imported_modules(path)
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    )
    assert not offenders, offenders
