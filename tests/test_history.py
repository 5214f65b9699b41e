"""The project's history records who saved, and a form shows who else changed what since it opened."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cjm_helpers import store as store_module
from cjm_helpers.forms import step_form
from cjm_helpers.history import changed_paths, edit_lines, edits_by_others
from cjm_helpers.store import AUTHOR_ENV, ProjectStore, history_dir, list_versions, save_project


@pytest.fixture
def project_file(sample_project, tmp_path: Path) -> Path:
    path = tmp_path / "shared" / "p.cjm.yaml"
    path.parent.mkdir()
    save_project(sample_project, path)
    return path


def _rename_first_persona(path: Path, name: str) -> str:
    other = ProjectStore(path)
    project = other.load()
    old = project.personas[0].name
    project.personas[0].name = name
    other.save(project)
    return old


def test_every_version_records_who_saved_it(
    project_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(AUTHOR_ENV, "Ana")
    _rename_first_persona(project_file, "Rina, the early commuter")
    assert [v.author for v in list_versions(project_file)][-1] == "Ana"
    monkeypatch.delenv(AUTHOR_ENV)
    monkeypatch.setattr("getpass.getuser", lambda: "budi")
    _rename_first_persona(project_file, "Rina, the late commuter")
    assert list_versions(project_file)[-1].author == "budi"


def test_old_versions_and_their_authors_are_pruned_together(
    project_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "HISTORY_KEEP", 2)
    monkeypatch.setenv(AUTHOR_ENV, "Ana")
    for n in range(4):
        _rename_first_persona(project_file, f"Rina {n}")
    folder = history_dir(project_file)
    assert len(list(folder.glob("*.yaml"))) == 2 and len(list(folder.glob("*.who"))) == 2


def test_changed_paths_name_items_by_their_name() -> None:
    before = {"personas": [{"id": "p1", "name": "Rina", "quote": "a"}], "objectives": {"scope": ""}}
    after = {
        "personas": [{"id": "p1", "name": "Rina", "quote": "b"}, {"id": "p2", "name": "Budi"}],
        "objectives": {"scope": "app only"},
    }
    assert changed_paths(before, after) == [
        "personas[Rina].quote",
        "personas[Budi]",
        "objectives.scope",
    ]
    assert changed_paths(before, before) == []


def test_a_store_sees_only_what_others_saved_after_it_opened(
    project_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(AUTHOR_ENV, "Budi")
    _rename_first_persona(project_file, "saved before opening")
    mine = ProjectStore(project_file)
    project = mine.load()
    assert edits_by_others(mine) == []
    monkeypatch.setenv(AUTHOR_ENV, "Ana")
    _rename_first_persona(project_file, "Rina, who orders at 7")
    monkeypatch.setenv(AUTHOR_ENV, "Me")
    project.objectives.scope = "ordering ahead in the app"
    mine.save(project)  # merged with Ana's save; my own save is not listed
    edits = edits_by_others(mine)
    assert [(e.author, e.paths) for e in edits] == [
        ("Ana", ("personas[Rina, who orders at 7].name",))
    ]


def test_the_form_shows_who_changed_what_after_anothers_save(
    project_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    form = step_form(2, ProjectStore(project_file), lang="en")
    monkeypatch.setenv(AUTHOR_ENV, "<b>Ana</b>")
    _rename_first_persona(project_file, "Rina & co")
    saved_at = list_versions(project_file)[-1].saved_at.astimezone().strftime("%H:%M")
    assert form.refresh()
    status = form.status.value
    assert status.index("Showing the project as saved") < status.index("changed personas")
    assert f"&lt;b&gt;Ana&lt;/b&gt; changed personas[Rina &amp; co].name at {saved_at}" in status
    assert "<b>Ana" not in status


def test_the_line_speaks_the_forms_language() -> None:
    when = dt.datetime(2026, 11, 30, 9, 42, tzinfo=dt.UTC)
    edits = [store_edit("Ana", when, ("personas[Rina].quote", "a", "b", "c", "d"))]
    day = when.astimezone().date()
    local = when.astimezone().strftime("%H:%M")
    assert edit_lines(edits, "pl", today=day) == [
        f"Ana: zmiana personas[Rina].quote, a, b i jeszcze 2 ({local})"
    ]
    assert edit_lines(edits, "id", today=day)[0].startswith("Ana mengubah personas[Rina].quote")
    assert "Someone changed" in edit_lines([store_edit("", when, ("x",))], "en", today=day)[0]


def store_edit(author: str, when: dt.datetime, paths: tuple[str, ...]):
    from cjm_helpers.history import Edit

    return Edit(author, when, paths)
