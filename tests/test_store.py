"""The store: stable bytes, safe loading, atomic saves, history, and merged concurrent saves."""

from __future__ import annotations

import multiprocessing as mp
import os
from pathlib import Path

import pytest

from cjm_helpers.errors import ProjectFileError, ProjectInvalid, SaveConflict, SaveFailed
from cjm_helpers.model import Persona, Project
from cjm_helpers.paths import SAMPLE_PROJECT
from cjm_helpers.store import (
    HISTORY_KEEP,
    ProjectStore,
    list_versions,
    load_project,
    project_from_text,
    project_to_yaml,
    save_project,
)

# --- round trips -------------------------------------------------------------------


def test_shipped_sample_is_in_canonical_form() -> None:
    text = SAMPLE_PROJECT.read_text(encoding="utf-8")
    assert project_to_yaml(project_from_text(text)) == text


def test_load_save_gives_the_same_bytes(sample_copy: Path) -> None:
    before = sample_copy.read_bytes()
    save_project(load_project(sample_copy), sample_copy)
    assert sample_copy.read_bytes() == before


def test_indonesian_and_polish_text_round_trips(tmp_path: Path) -> None:
    project = Project(
        name="Pemetaan perjalanan pelanggan — Zażółć gęślą jaźń",
        description="Kepuasan pelanggan ≠ loyalitas; Łódź, Kraków, Gdańsk: źdźbło, ćma, ńoś.",
        personas=[
            Persona(
                id="ibu-sri",
                name="Ibu Sri",
                quote="“Saya mau yang cepat!” — ‘ok’",
                goals=["Belanja hemat", "Śniadanie przed pracą", "emoji ☕🚆"],
            )
        ],
    )
    path = tmp_path / "p.cjm.yaml"
    save_project(project, path)
    first = path.read_bytes()
    assert "Zażółć gęślą jaźń".encode() in first  # written as UTF-8, not escaped
    assert load_project(path) == project
    save_project(load_project(path), path)
    assert path.read_bytes() == first


# --- safe loading ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty"),
        (b"name: [unclosed\n", "line 2"),
        (b"name: !!python/object/apply:os.system ['echo hi']\n", "tags such as !!python"),
        (b"a: &x [1, 2]\nb: *x\nname: x\n", "anchors and aliases"),
        (b"name: one\nname: two\n", "the key 'name' appears twice"),
        (b"name: caf\xe9\n", "line 1 is not UTF-8"),
        (b"- just\n- a list\n", "top level must be a mapping"),
    ],
)
def test_bad_files_are_refused_with_a_reason(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "bad.cjm.yaml"
    path.write_bytes(content)
    with pytest.raises((ProjectFileError, ProjectInvalid)) as info:
        load_project(path)
    assert str(path) in str(info.value)
    assert expected in str(info.value)


def test_missing_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ProjectFileError, match="no such file; check the path or create a project"):
        load_project(tmp_path / "nope.yaml")


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.cjm.yaml"
    path.write_bytes(b"\xef\xbb\xbfname: Toko Maju\n")
    assert load_project(path).name == "Toko Maju"


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [
        f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]"
        for i in range(1, 12)
    ]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\nname: x\n")
    with pytest.raises(ProjectFileError, match="anchors and aliases"):
        load_project(path)


# --- atomic saves and history ----------------------------------------------------------


def test_failed_write_keeps_the_old_file_and_no_temp_files(sample_copy: Path, monkeypatch) -> None:
    before = sample_copy.read_bytes()
    project = load_project(sample_copy).model_copy(update={"name": "Changed"})

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(
        SaveFailed,
        match=r"could not save \(No space left on device\); the previous version is unchanged",
    ):
        save_project(project, sample_copy)
    monkeypatch.undo()
    assert sample_copy.read_bytes() == before
    assert not [p for p in sample_copy.parent.iterdir() if p.name.endswith(".tmp")]


def _save_forever(path: str, ready) -> None:  # runs in a child process
    project = load_project(path)
    ready.set()
    n = 0
    while True:
        n += 1
        save_project(project.model_copy(update={"description": f"version {n} " + "x" * 5000}), path)


def test_killed_mid_save_leaves_old_or_new_file(sample_copy: Path) -> None:
    ctx = mp.get_context("fork")
    for _ in range(8):
        ready = ctx.Event()
        child = ctx.Process(target=_save_forever, args=(str(sample_copy), ready))
        child.start()
        assert ready.wait(30)
        child.join(0.3)
        child.kill()
        child.join()
        project = load_project(sample_copy)  # loads: never a half-written file
        assert project.description.startswith(("Kopiloka runs", "version "))


def test_every_save_is_kept_in_history(sample_copy: Path) -> None:
    store = ProjectStore(sample_copy)
    project = store.load()
    for n in range(3):
        project = store.save(project.model_copy(update={"description": f"edit {n}"}))
    versions = list_versions(sample_copy)
    assert [v.load().description for v in versions] == ["edit 0", "edit 1", "edit 2"]
    restored = store.undo()
    assert restored.description == "edit 1"
    assert load_project(sample_copy).description == "edit 1"


def test_saving_unchanged_project_adds_no_version(sample_copy: Path) -> None:
    store = ProjectStore(sample_copy)
    project = store.load()
    store.save(project.model_copy(update={"description": "one"}))
    store.save(load_project(sample_copy))
    assert len(list_versions(sample_copy)) == 1


def test_history_is_capped(tmp_path: Path) -> None:
    path = tmp_path / "p.cjm.yaml"
    for n in range(HISTORY_KEEP + 5):
        save_project(Project(name=f"v{n}"), path)
    versions = list_versions(path)
    assert len(versions) == HISTORY_KEEP >= 20
    assert versions[-1].load().name == f"v{HISTORY_KEEP + 4}"


def test_invalid_project_is_not_written(sample_copy: Path) -> None:
    before = sample_copy.read_bytes()
    project = load_project(sample_copy)
    broken = project.model_copy(update={"touchpoints": project.touchpoints[1:]})
    with pytest.raises(ProjectInvalid, match="tp-instagram-ad' is not a touchpoint"):
        save_project(broken, sample_copy)
    assert sample_copy.read_bytes() == before


def test_read_only_folder_gives_clear_error(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        # root ignores permission bits; a path under a file is unwritable for everyone
        blocker = tmp_path / "file"
        blocker.write_text("")
        target = blocker / "p.cjm.yaml"
    else:
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o500)
        target = folder / "p.cjm.yaml"
    with pytest.raises(SaveFailed, match=r"cannot save in|could not save"):
        save_project(Project(name="x"), target)


# --- two editors at once ------------------------------------------------------------------


def test_two_stores_merge_changes_to_different_fields(sample_copy: Path) -> None:
    a, b = ProjectStore(sample_copy), ProjectStore(sample_copy)
    pa, pb = a.load(), b.load()
    pa = pa.model_copy(update={"description": "edited in notebook A"})
    personas = [p.model_copy() for p in pb.personas]
    personas[1].quote = "edited in notebook B"
    pb = pb.model_copy(update={"personas": personas + [Persona(id="ayu", name="Ayu")]})
    a.save(pa)
    merged = b.save(pb)
    on_disk = load_project(sample_copy)
    assert on_disk == merged
    assert on_disk.description == "edited in notebook A"
    assert on_disk.persona("dimas").quote == "edited in notebook B"
    assert on_disk.persona("ayu").name == "Ayu"


def test_conflicting_changes_are_refused_and_nothing_lost(sample_copy: Path) -> None:
    a, b = ProjectStore(sample_copy), ProjectStore(sample_copy)
    pa, pb = a.load(), b.load()
    a.save(pa.model_copy(update={"name": "Name from A"}))
    after_a = sample_copy.read_bytes()
    with pytest.raises(SaveConflict) as info:
        b.save(pb.model_copy(update={"name": "Name from B"}))
    assert info.value.conflicts == ["name: changed in both sessions"]
    assert "Reload the project" in str(info.value)
    assert sample_copy.read_bytes() == after_a


def test_merge_that_breaks_references_is_a_conflict(sample_copy: Path) -> None:
    a, b = ProjectStore(sample_copy), ProjectStore(sample_copy)
    pa, pb = a.load(), b.load()
    journeys = [j.model_copy(deep=True) for j in pa.journeys]
    journeys[0].stages["advocacy"].touchpoints.remove("tp-ugc")
    a.save(
        pa.model_copy(
            update={
                "journeys": journeys,
                "touchpoints": [t for t in pa.touchpoints if t.id != "tp-ugc"],
            }
        )
    )
    visit = pb.walkthrough[-1].model_copy(update={"touchpoint": "tp-ugc", "note": "posted a photo"})
    with pytest.raises(
        SaveConflict, match="together with the other session's changes: walkthrough"
    ):
        b.save(pb.model_copy(update={"walkthrough": pb.walkthrough + [visit]}))


def test_both_sessions_appending_to_the_walkthrough_keep_both(sample_copy: Path) -> None:
    a, b = ProjectStore(sample_copy), ProjectStore(sample_copy)
    pa, pb = a.load(), b.load()
    a.save(
        pa.model_copy(
            update={
                "walkthrough": pa.walkthrough + [pa.walkthrough[0].model_copy(update={"note": "A"})]
            }
        )
    )
    b.save(
        pb.model_copy(
            update={
                "walkthrough": pb.walkthrough + [pb.walkthrough[0].model_copy(update={"note": "B"})]
            }
        )
    )
    notes = [w.note for w in load_project(sample_copy).walkthrough]
    assert notes[-2:] == ["A", "B"] and len(notes) == len(pa.walkthrough) + 2


def _edit_persona_goal(path: str, persona_id: str, goal: str, barrier) -> str:
    store = ProjectStore(path)
    project = store.load()
    personas = [p.model_copy() for p in project.personas]
    for p in personas:
        if p.id == persona_id:
            p.goals = p.goals + [goal]
    barrier.wait()
    try:
        store.save(project.model_copy(update={"personas": personas}))
    except SaveConflict as exc:
        return f"conflict: {exc}"
    return "saved"


def test_two_processes_saving_at_once_lose_nothing(sample_copy: Path) -> None:
    ctx = mp.get_context("fork")
    with ctx.Manager() as manager:
        barrier = manager.Barrier(2)
        with ctx.Pool(2) as pool:
            results = pool.starmap(
                _edit_persona_goal,
                [
                    (str(sample_copy), "rina", "Goal from process A", barrier),
                    (str(sample_copy), "dimas", "Goal from process B", barrier),
                ],
            )
    assert results == ["saved", "saved"]
    project = load_project(sample_copy)
    assert "Goal from process A" in project.persona("rina").goals
    assert "Goal from process B" in project.persona("dimas").goals
