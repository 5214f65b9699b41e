"""No function in cjm_helpers grows past 60 lines unless the allow-list below names it and says why.

A long function is split into named steps that read top-down (a short function calling
helpers with one job each). The allow-list only shrinks: an entry whose function was
split, renamed or removed fails the test until the entry is deleted.
"""

from __future__ import annotations

import ast
from pathlib import Path

import cjm_helpers

MAX_LINES = 60
PACKAGE = Path(cjm_helpers.__file__).resolve().parent

DECLARATIVE = "declarative: a form's field list, one line per field; splitting it hides the form"
BEING_SPLIT = "being split"

ALLOWED: dict[str, str] = {
    # forms: a step's `build` is the list of its fields and sections, read as a whole
    "forms/changes.py:ChangesForm.build": DECLARATIVE,
    "forms/map_elements.py:MapElementsForm.build": DECLARATIVE,
    "forms/objectives.py:ObjectivesForm.build": DECLARATIVE,
    # other areas, split in their own branches: delete the entry once the split is merged
    "run/suite.py:run_suite": BEING_SPLIT,
}
"""``path:qualified name`` of a function over :data:`MAX_LINES` lines -> why it may stay long."""


def function_lengths(source: str) -> dict[str, int]:
    """Qualified name (``Class.method``, ``outer.inner``) -> lines from ``def`` to the last line."""
    lengths: dict[str, int] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = prefix + child.name
                lengths[name] = (child.end_lineno or child.lineno) - child.lineno + 1
                visit(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                visit(child, prefix + child.name + ".")
            else:
                visit(child, prefix)

    visit(ast.parse(source), "")
    return lengths


def long_functions(package: Path = PACKAGE, limit: int = MAX_LINES) -> dict[str, int]:
    """``path:qualified name`` -> lines, for every function of the package over ``limit`` lines."""
    found: dict[str, int] = {}
    for path in sorted(package.rglob("*.py")):
        where = path.relative_to(package).as_posix()
        for name, lines in function_lengths(path.read_text(encoding="utf-8")).items():
            if lines > limit:
                found[f"{where}:{name}"] = lines
    return found


def test_lengths_are_counted_from_def_to_last_line() -> None:
    body = "".join(f"        x{i} = {i}\n" for i in range(59))
    source = (
        "class Form:\n"
        "    def build(self):\n"
        f"{body}"
        "        return 1\n"
        "\n"
        "    def short(self):\n"
        "        def inner():\n"
        "            return 2\n"
        "        return inner()\n"
    )
    lengths = function_lengths(source)
    assert lengths == {"Form.build": 61, "Form.short": 4, "Form.short.inner": 2}
    assert [name for name, lines in lengths.items() if lines > MAX_LINES] == ["Form.build"]


def test_no_new_function_over_the_limit() -> None:
    unlisted = {name: lines for name, lines in long_functions().items() if name not in ALLOWED}
    assert not unlisted, (
        f"functions over {MAX_LINES} lines: {unlisted}; split each into named steps "
        "(a short function calling helpers with one job each), or, for a declarative field "
        "list, add it to ALLOWED in tests/test_function_length.py with the reason"
    )


def test_the_allow_list_only_names_long_functions() -> None:
    long = long_functions()
    done = sorted(name for name in ALLOWED if name not in long)
    assert not done, (
        f"no longer over {MAX_LINES} lines (split, renamed or gone): {done}; "
        "delete these entries from ALLOWED in tests/test_function_length.py"
    )


def test_every_allowed_function_says_why() -> None:
    assert all(reason.strip() for reason in ALLOWED.values())
