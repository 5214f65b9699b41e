"""The committed step notebooks: built from their sources, executed, and shaped like chapters.

These read the notebook files only (no kernel), so they are fast; nbval checks
that a fresh run gives the same outputs, and test_notebooks_papermill runs them
on another project.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from cjm_helpers.nbbuild import (
    PARAMETER_NAMES,
    chapter_sources,
    notebook_path,
    stale_notebooks,
    step_number,
)

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
EXPECTED = [
    "00_start_here",
    "01_set_objectives",
    "02_profile_personas",
    "03_target_personas",
    "04_touchpoints",
    "05_map_elements",
    "06_resources",
    "07_take_the_journey",
    "08_make_changes",
]
SKELETON = [
    "## What you will do and why",
    "## Set-up",
    "## The idea",
    "## Fill in the form",
    "## What the data says",
    "## Check yourself",
    "## What comes next",
]
PARAMETER_TYPES = {
    "project_file": "str",
    "events_file": "str",
    "survey_file": "str",
    "tickets_file": "str",
    "language": "str",
    "interactive": "bool",
}
# Text a run may print that differs between machines or runs and that the sanitizer would have to hide.
MACHINE_SPECIFIC = [
    re.compile(p)
    for p in (
        r"/tmp/",
        r"/home/",
        r"/root/",
        r"/work/",
        r"/var/folders/",
        r"[A-Z]:\\\\",
        r"cjm-run-",
        r"cjm-tests-",
        r"0x[0-9a-f]{8,}",
        r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}",
    )
]


def _notebooks() -> list[Path]:
    return [NOTEBOOKS / f"{name}.ipynb" for name in EXPECTED]


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _code_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if c.cell_type == "code"]


def _tags(cell: nbformat.NotebookNode) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _body_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """Code cells after the parameters and set-up cells."""
    return [c for c in _code_cells(nb) if not {"parameters", "cjm-setup"} & set(_tags(c))]


def _output_text(cell: nbformat.NotebookNode) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if "text" in out:
            parts.append(out["text"])
        for key, value in out.get("data", {}).items():
            if key.startswith("text/") or key in ("image/svg+xml",):
                parts.append(value if isinstance(value, str) else "".join(value))
    return "\n".join(parts)


ids = [p.stem for p in _notebooks()]


def test_every_chapter_has_a_source_and_a_notebook() -> None:
    assert [s.stem for s in chapter_sources()] == EXPECTED
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == EXPECTED


def test_committed_notebooks_match_their_sources() -> None:
    assert stale_notebooks() == [], "run `cjm notebooks refresh` after changing notebooks/src"


@pytest.mark.parametrize("path", _notebooks(), ids=ids)
def test_kernel_and_metadata_are_normalised(path: Path) -> None:
    nb = _read(path)
    assert nb.metadata.kernelspec.name == "python3"
    assert set(nb.metadata) <= {"kernelspec", "language_info", "cjm"}
    assert nb.metadata.cjm.step == int(path.name[:2])
    for cell in nb.cells:
        assert set(cell.metadata) <= {"tags", "cjm"}


@pytest.mark.parametrize("path", _notebooks(), ids=ids)
def test_parameters_cell_is_documented_for_papermill(path: Path) -> None:
    nb = _read(path)
    tagged = [i for i, c in enumerate(nb.cells) if "parameters" in _tags(c)]
    assert len(tagged) == 1
    described = pm.inspect_notebook(str(path))
    assert list(described) == list(PARAMETER_NAMES)
    for name, info in described.items():
        assert info["inferred_type_name"] == PARAMETER_TYPES[name], name
        assert info["help"].strip(), f"{name} has no comment for --help-notebook"
    assert described["language"]["default"] == '""'  # empty: the project's language
    assert described["interactive"]["default"] == "True"
    # nothing is computed in the parameters cell: plain assignments of constants only
    tree = ast.parse(nb.cells[tagged[0]].source)
    assert all(
        isinstance(node, ast.AnnAssign) and isinstance(node.value, ast.Constant)
        for node in tree.body
    )


@pytest.mark.parametrize("path", _notebooks(), ids=ids)
def test_setup_cell_follows_the_parameters(path: Path) -> None:
    nb = _read(path)
    index = next(i for i, c in enumerate(nb.cells) if "parameters" in _tags(c))
    setup = nb.cells[index + 1]
    assert "cjm-setup" in _tags(setup)
    number = step_number(Path(path.stem + ".md"))
    assert (
        f"step = start_step({number}, project_file, events_file, survey_file, tickets_file, language)"
        in setup.source
    )
    assert sum("cjm-setup" in _tags(c) for c in nb.cells) == 1


@pytest.mark.parametrize("path", _notebooks(), ids=ids)
def test_chapter_skeleton(path: Path) -> None:
    nb = _read(path)
    headings = [
        line.strip()
        for c in nb.cells
        if c.cell_type == "markdown"
        for line in c.source.splitlines()
        if line.startswith("#")
    ]
    assert headings[0].startswith("# ")
    wanted = [
        h for h in SKELETON if not (path.stem == "00_start_here" and h == "## Fill in the form")
    ]
    found = [h for h in headings if h in SKELETON]
    assert found == wanted
    # the self-check section shows the checklist
    check_at = next(
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "markdown" and "## Check yourself" in c.source
    )
    assert nb.cells[check_at + 1].source == "step.checklist()"


@pytest.mark.parametrize("path", _notebooks(), ids=ids)
def test_code_cells_are_short_calls_without_logic(path: Path) -> None:
    for cell in _body_cells(_read(path)):
        lines = [ln for ln in cell.source.splitlines() if ln.strip()]
        assert 1 <= len(lines) <= 3, cell.source
        tree = ast.parse(cell.source)
        for node in ast.walk(tree):
            assert not isinstance(
                node,
                (
                    ast.For,
                    ast.While,
                    ast.If,
                    ast.FunctionDef,
                    ast.ClassDef,
                    ast.Import,
                    ast.ImportFrom,
                    ast.Lambda,
                    ast.ListComp,
                ),
            ), cell.source
        assert not any(ln.rstrip().endswith(";") for ln in lines), (
            f"trailing semicolon in {cell.source!r}"
        )


@pytest.mark.parametrize("path", _notebooks(), ids=ids)
def test_plots_end_with_show_and_forms_are_not_compared(path: Path) -> None:
    nb = _read(path)
    for cell in _body_cells(nb):
        if ".plot_" in cell.source:
            assert cell.source.splitlines()[-1] == "plt.show()", cell.source
        if ".form(" in cell.source:
            assert "nbval-ignore-output" in _tags(cell)
            assert "interactive=interactive" in cell.source
        elif "nbval-ignore-output" in _tags(cell):
            pytest.fail(f"only widget cells may skip the output comparison: {cell.source!r}")
    forms = sum(".form(" in c.source for c in _code_cells(nb))
    assert forms == (0 if path.stem == "00_start_here" else 1)


@pytest.mark.parametrize("path", _notebooks(), ids=ids)
def test_outputs_are_current_clean_and_free_of_machine_details(path: Path) -> None:
    nb = _read(path)
    counts = [c.execution_count for c in _code_cells(nb)]
    assert counts == list(range(1, len(counts) + 1)), (
        "outputs are stale: run `cjm notebooks refresh`"
    )
    for cell in _code_cells(nb):
        assert all(o.output_type != "error" for o in cell.outputs), cell.source
        assert not any(o.output_type == "stream" and o.name == "stderr" for o in cell.outputs), (
            cell.source
        )
        if "parameters" in _tags(cell) or "cjm-setup" in _tags(cell):
            assert cell.outputs == []
            continue
        assert cell.outputs, f"{cell.source!r} shows nothing"
        text = _output_text(cell)
        for pattern in MACHINE_SPECIFIC:
            assert not pattern.search(text), f"{pattern.pattern!r} in the output of {cell.source!r}"


@pytest.mark.parametrize("path", _notebooks(), ids=ids)
def test_plot_cells_show_one_image(path: Path) -> None:
    for cell in _body_cells(_read(path)):
        if ".plot_" in cell.source:
            images = [o for o in cell.outputs if "image/png" in o.get("data", {})]
            notes = [o for o in cell.outputs if "text/html" in o.get("data", {})]
            assert len(images) == 1 or (not images and notes), cell.source


@pytest.mark.parametrize("path", _notebooks(), ids=ids)
def test_links_between_chapters_resolve(path: Path) -> None:
    text = "\n".join(c.source for c in _read(path).cells if c.cell_type == "markdown")
    links = re.findall(r"\]\(([^)#]+\.ipynb)\)", text)
    assert links or path.stem == "08_make_changes"
    for link in links:
        assert (NOTEBOOKS / link).is_file(), link


def test_notebook_path_pairs_source_and_notebook() -> None:
    source = chapter_sources()[3]
    assert notebook_path(source) == NOTEBOOKS / (source.stem + ".ipynb")
