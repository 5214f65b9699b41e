"""Building notebooks from chapter sources, and the notebook helpers that need no kernel."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import nbformat
import pytest

from cjm_helpers import nbbuild
from cjm_helpers.errors import CJMError
from cjm_helpers.execute import normalise
from cjm_helpers.nbbuild import build_notebook, cell_signature, stale_notebooks, step_number
from cjm_helpers.notebook import TODAY_ENV, note_html, reference_date, start_step
from cjm_helpers.paths import create_project

SOURCE = """# Step 4 · Title

Intro line.

+++

Second markdown cell.

{{ setup }}

## The idea

```sh
cjm new x   # a shell example stays in the markdown
```

```python tags=nbval-ignore-output
step.form(interactive=interactive)
```

```python
step.plot_inventory()
plt.show()
```
"""


def _write(tmp_path: Path, text: str = SOURCE, name: str = "04_touchpoints.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_source_becomes_cells_with_tags(tmp_path: Path) -> None:
    nb = build_notebook(_write(tmp_path))
    kinds = [(c.cell_type, tuple(c.metadata.get("tags", []))) for c in nb.cells]
    assert kinds == [
        ("markdown", ()),
        ("markdown", ()),
        ("code", ("parameters",)),
        ("code", ("cjm-setup",)),
        ("markdown", ()),
        ("code", ("nbval-ignore-output",)),
        ("code", ()),
    ]
    assert nb.cells[0].source == "# Step 4 · Title\n\nIntro line."
    assert "```sh\ncjm new x" in nb.cells[4].source
    assert "start_step(4, project_file," in nb.cells[3].source
    assert nb.cells[6].source == "step.plot_inventory()\nplt.show()"
    assert nb.metadata["cjm"] == {"step": 4, "source": "src/04_touchpoints.md"}
    nbformat.validate(normalise(nb))


def test_parameters_cell_has_every_parameter_once(tmp_path: Path) -> None:
    params = build_notebook(_write(tmp_path)).cells[2].source.splitlines()
    assert [line.split(":")[0] for line in params] == list(nbbuild.PARAMETER_NAMES)
    assert all("  # " in line for line in params)


def test_unclosed_code_block_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CJMError, match="not closed"):
        build_notebook(_write(tmp_path, "# T\n\n```python\nstep.checklist()\n"))


def test_source_name_must_carry_the_step_number() -> None:
    assert step_number(Path("07_take_the_journey.md")) == 7
    with pytest.raises(CJMError, match=r"NN_name\.md"):
        step_number(Path("take_the_journey.md"))


def test_stale_notebooks_notices_an_edited_source(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    source = _write(tmp_path / "src")
    assert stale_notebooks(tmp_path) == ["04_touchpoints.ipynb"]  # not built yet
    nb = normalise(build_notebook(source))
    (tmp_path / "04_touchpoints.ipynb").write_text(nbformat.writes(nb), encoding="utf-8")
    assert stale_notebooks(tmp_path) == []
    source.write_text(SOURCE.replace("Intro line.", "Changed intro."), encoding="utf-8")
    assert stale_notebooks(tmp_path) == ["04_touchpoints.ipynb"]


def test_signature_ignores_outputs(tmp_path: Path) -> None:
    nb = build_notebook(_write(tmp_path))
    before = cell_signature(nb)
    nb.cells[6].outputs = [nbformat.v4.new_output("stream", name="stdout", text="x")]
    assert cell_signature(nb) == before


def test_reference_date_can_be_fixed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TODAY_ENV, "2027-03-01")
    assert reference_date() == dt.date(2027, 3, 1)
    monkeypatch.setenv(TODAY_ENV, "1 March")
    with pytest.raises(CJMError, match="YYYY-MM-DD"):
        reference_date()
    monkeypatch.delenv(TODAY_ENV)
    assert reference_date() == dt.date.today()


def test_notes_escape_their_text() -> None:
    assert "&lt;script&gt;" in note_html("<script>")


@pytest.fixture
def new_project(tmp_path: Path) -> Path:
    return create_project(tmp_path / "fresh", "current_state")


def test_new_project_without_data_gets_notes_not_errors(new_project: Path) -> None:
    step = start_step(7, str(new_project))
    assert step.events_path is None
    note = step._data("events", "funnel", lambda: pytest.fail("must not compute without data"))
    assert "No event log yet" in note.data
    assert step._data("events", "funnel", lambda: None) is note  # computed once
    assert step._plot("funnel", lambda frame: pytest.fail("no figure without data")) is None


def test_missing_data_file_is_named(new_project: Path) -> None:
    step = start_step(2, str(new_project), survey_file=str(new_project.parent / "answers.csv"))
    note = step._data("survey", "survey_segments", lambda: pytest.fail("file is missing"))
    assert "answers.csv does not exist" in note.data


def test_data_errors_become_notes(new_project: Path, tmp_path: Path) -> None:
    events = tmp_path / "events.csv"
    events.write_text("user_id\n1\n", encoding="utf-8")
    step = start_step(7, str(new_project), events_file=str(events))

    def broken() -> None:
        raise CJMError("events.csv: no column named ts; name the timestamp column")

    assert "no column named ts" in step._data("events", "funnel", broken).data


def test_step_views_of_the_project(sample_copy: Path) -> None:
    step = start_step(4, str(sample_copy))
    assert "Every stage has at least one touchpoint" in step.empty_stages().data
    assert step.inventory().to_numpy().sum() == len(step.project.touchpoints)
    assert "Rina" in step.primary_persona().data
    journeys = step.journeys()
    assert len(journeys) == len(step.project.journeys)
    card = step.project_card().data
    assert "project.cjm.yaml" in card and str(sample_copy.parent) not in card


def test_step_notes_for_an_empty_project(new_project: Path) -> None:
    step = start_step(4, str(new_project))
    empty = step.empty_stages().data
    assert "no touchpoint yet" in empty and "Awareness" in empty
    assert "The map follows Persona 1 (rename me) first" in step.primary_persona().data


def test_no_persona_at_all(tmp_path: Path) -> None:
    bare = tmp_path / "bare.cjm.yaml"
    bare.write_text("schema_version: 2\nname: Bare\n", encoding="utf-8")
    step = start_step(3, str(bare))
    assert "No persona yet" in step.primary_persona().data
    assert "no journey yet" in step.journey_map().data


def test_language_reaches_the_notes(new_project: Path) -> None:
    step = start_step(4, str(new_project), language="pl")
    assert "nie mają jeszcze punktu styku" in step.empty_stages().data
    with pytest.raises(CJMError, match="not available"):
        start_step(4, str(new_project), language="xx")


def test_refresh_refuses_unknown_names() -> None:
    from cjm_helpers.execute import refresh_notebooks

    with pytest.raises(CJMError, match="no notebook matches"):
        refresh_notebooks(["no_such_chapter"], progress=False)
