"""Nothing is lost: a killed save, two sessions saving at once, a full disk, a read-only folder.

The kill test forks a process that saves the project over and over (alternating two
versions) and SIGKILLs it at random moments, many times; after every kill the file must
load and be exactly one of the two versions. Forking (instead of starting a fresh
interpreter each time) keeps a hundred kills within seconds; one test also kills a
freshly started `python` process, as a user's crashed notebook would be.
"""

from __future__ import annotations

import errno
import json
import os
import random
import resource
import select
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from cjm_helpers.errors import SaveConflict, SaveFailed
from cjm_helpers.paths import SAMPLE_PROJECT
from cjm_helpers.store import (
    ProjectStore,
    history_dir,
    list_versions,
    load_project,
    project_to_yaml,
    save_project,
)

KILLS = 120
ARTIFACTS = Path(__file__).resolve().parent.parent / "ci-artifacts"


def two_versions() -> tuple:
    """The sample, and the sample with a long description: different sizes, different bytes."""
    a = load_project(SAMPLE_PROJECT)
    b = a.model_copy(deep=True)
    b.description = "Edited while the power went out. " * 400
    b.objectives.scope = "A different scope"
    return a, b


def temp_files(folder: Path) -> list[Path]:
    """Temporary files the store writes before renaming (the project's and its history's)."""
    return sorted(folder.glob(".*.tmp")) + sorted(history_dir(folder / "p.cjm.yaml").glob(".*.tmp"))


def fork(body: Callable[[], str | None]) -> tuple[int, int]:
    """Run ``body`` in a forked child; return its pid and a pipe that reads b"r", then its outcome.

    The child writes b"r" when it starts and, if ``body`` returns, the text it returned
    (or the exception it raised), so results cross users and folders without files.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never return into pytest
        code = 0
        try:
            os.close(read_end)
            os.write(write_end, b"r")
            outcome = body() or ""
        except BaseException as exc:  # reported to the parent, which fails the test
            outcome, code = f"{type(exc).__name__}: {exc}", 1
        try:
            os.write(write_end, outcome.encode("utf-8"))
        finally:
            os._exit(code)
    os.close(write_end)
    return pid, read_end


def wait_started(read_end: int) -> None:
    assert os.read(read_end, 1) == b"r"


def outcome_of(pid: int, read_end: int, timeout: float = 60.0) -> tuple[int, str]:
    """Wait (at most ``timeout`` seconds) for a forked child; its exit status and the text it reported."""
    chunks = []
    deadline = time.monotonic() + timeout
    while True:
        ready, _, _ = select.select([read_end], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(read_end)
            raise AssertionError(f"the child process did not finish within {timeout:.0f} s")
        chunk = os.read(read_end, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read_end)
    _, status = os.waitpid(pid, 0)
    return status, b"".join(chunks).decode("utf-8")


def record(name: str, figures: dict) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"{name}.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    print(f"{name}: {figures}")


def test_sigkill_during_saves_leaves_old_or_new_file(tmp_path: Path) -> None:
    a, b = two_versions()
    texts = {project_to_yaml(a), project_to_yaml(b)}
    path = tmp_path / "p.cjm.yaml"
    save_project(a, path)
    rng = random.Random(20261123)

    def save_forever() -> None:
        i = 0
        while True:
            save_project((b, a)[i % 2], path)
            i += 1

    temps_seen = 0
    started = time.monotonic()
    for _ in range(KILLS):
        pid, ready = fork(save_forever)
        wait_started(ready)
        time.sleep(rng.uniform(0, 0.03))
        os.kill(pid, signal.SIGKILL)
        status, _ = outcome_of(pid, ready)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (
            "the saver died on its own"
        )

        assert path.read_text(encoding="utf-8") in texts
        load_project(path)
        leftovers = temp_files(tmp_path)
        temps_seen += bool(leftovers)
        assert len(leftovers) <= 2, f"temporary files pile up: {leftovers}"
    elapsed = time.monotonic() - started

    for version in list_versions(path):
        assert version.path.read_text(encoding="utf-8") in texts
    save_project(b if path.read_text(encoding="utf-8") == project_to_yaml(a) else a, path)
    assert temp_files(tmp_path) == [], "the next save removes what a killed save left"
    record(
        "crash-kills",
        {"kills": KILLS, "kills_leaving_temp_files": temps_seen, "seconds": round(elapsed, 1)},
    )


def test_sigkill_of_a_fresh_python_process(tmp_path: Path) -> None:
    a, b = two_versions()
    texts = {project_to_yaml(a), project_to_yaml(b)}
    path = tmp_path / "p.cjm.yaml"
    save_project(a, path)
    b_file = tmp_path / "b.yaml"
    b_file.write_text(project_to_yaml(b), encoding="utf-8")
    script = (
        "import sys\n"
        "from cjm_helpers.store import load_project, project_from_text, save_project\n"
        "a = load_project(sys.argv[1]); b = project_from_text(open(sys.argv[2]).read())\n"
        "print('ready', flush=True)\n"
        "i = 0\n"
        "while True:\n"
        "    save_project((b, a)[i % 2], sys.argv[1]); i += 1\n"
    )
    for delay in (0.0, 0.013, 0.031):
        proc = subprocess.Popen(
            [sys.executable, "-c", script, str(path), str(b_file)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
        proc.stdout.close()
        assert path.read_text(encoding="utf-8") in texts
        load_project(path)


# --- two sessions at once ---------------------------------------------------------------


def test_two_processes_saving_different_fields_are_merged(tmp_path: Path) -> None:
    path = tmp_path / "p.cjm.yaml"
    save_project(load_project(SAMPLE_PROJECT), path)
    rounds = 15

    def editor(field: str) -> Callable[[], None]:
        def body() -> None:
            store = ProjectStore(path)
            project = store.load()
            for i in range(rounds):
                if field == "description":
                    project.description = f"description from A, round {i}"
                else:
                    project.objectives.scope = f"scope from B, round {i}"
                project = store.save(project)

        return body

    children = [fork(editor("description")), fork(editor("scope"))]
    for _pid, ready in children:
        wait_started(ready)
    for pid, ready in children:
        status, outcome = outcome_of(pid, ready)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, f"a save raised: {outcome}"

    final = load_project(path)
    assert final.description == f"description from A, round {rounds - 1}"
    assert final.objectives.scope == f"scope from B, round {rounds - 1}"


def test_two_sessions_changing_the_same_field_conflict_and_keep_the_first(tmp_path: Path) -> None:
    path = tmp_path / "p.cjm.yaml"
    save_project(load_project(SAMPLE_PROJECT), path)
    first, second = ProjectStore(path), ProjectStore(path)
    mine, theirs = first.load(), second.load()
    mine.objectives.business_question = "Why do customers not come back?"
    first.save(mine)
    saved = path.read_bytes()

    theirs.objectives.business_question = "What makes the queue slow?"
    with pytest.raises(SaveConflict) as info:
        second.save(theirs)
    message = str(info.value)
    assert str(path) in message and "objectives.business_question" in message
    assert "Reload the project" in message
    assert path.read_bytes() == saved
    assert theirs.objectives.business_question == "What makes the queue slow?", (
        "typed value kept in memory"
    )


# --- the operating system refuses -----------------------------------------------------------


def test_disk_full_during_save_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = two_versions()
    path = tmp_path / "p.cjm.yaml"
    save_project(a, path)
    before = path.read_bytes()

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(SaveFailed) as info:
        save_project(b, path)
    message = str(info.value)
    assert str(path) in message and "No space left on device" in message
    assert "previous version is unchanged" in message
    assert path.read_bytes() == before
    assert temp_files(tmp_path) == []


def test_write_cut_short_by_the_system_keeps_the_old_file(tmp_path: Path) -> None:
    """A real partial write: a file-size limit makes the kernel refuse the write half-way."""
    a, b = two_versions()
    path = tmp_path / "p.cjm.yaml"
    save_project(a, path)
    before = path.read_bytes()
    limit = len(before) + 1000  # enough for the old size, not for the long new description
    assert len(project_to_yaml(b).encode()) > limit

    def body() -> str:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        try:
            save_project(b, path)
        except SaveFailed as exc:
            return str(exc)
        return "saved"

    pid, ready = fork(body)
    wait_started(ready)
    _, outcome = outcome_of(pid, ready)
    assert str(path) in outcome and "could not save" in outcome and "File too large" in outcome
    assert path.read_bytes() == before
    assert temp_files(tmp_path) == []


def _readonly_folder() -> Path:
    """A folder a non-root user can read; the tests make it read-only."""
    folder = Path(tempfile.mkdtemp(prefix="cjm-readonly-"))
    folder.chmod(0o755)
    return folder


def test_read_only_folder_gives_a_clear_error(tmp_path: Path) -> None:
    a, b = two_versions()
    folder = _readonly_folder()
    path = folder / "p.cjm.yaml"
    try:
        save_project(a, path)
        path.chmod(0o644)
        before = path.read_bytes()
        folder.chmod(0o555)

        def body() -> str:
            if os.geteuid() == 0:  # root writes anywhere: save as an ordinary user instead
                os.setgid(65534)
                os.setuid(65534)
            try:
                save_project(b, path)
            except SaveFailed as exc:
                return str(exc)
            return "saved"

        started = time.monotonic()
        pid, ready = fork(body)
        wait_started(ready)
        _, outcome = outcome_of(pid, ready)
        assert time.monotonic() - started < 5, (
            "a read-only folder must fail at once, not wait for a lock"
        )
        assert str(path) in outcome, outcome
        assert (
            "Permission denied" in outcome and "choose a folder you can write to" in outcome.lower()
        )
        assert path.read_bytes() == before
    finally:
        folder.chmod(0o755)
        for p in sorted(folder.rglob("*"), reverse=True):
            p.unlink() if p.is_file() else p.rmdir()
        folder.rmdir()


def test_saving_through_a_symlink_updates_the_file_it_points_to(tmp_path: Path) -> None:
    """A project linked into a synced folder stays linked: the save lands in the real file."""
    a, b = two_versions()
    real = tmp_path / "synced" / "p.cjm.yaml"
    real.parent.mkdir()
    save_project(a, real)
    link = tmp_path / "p.cjm.yaml"
    link.symlink_to(real)

    save_project(b, link)
    assert link.is_symlink() and link.resolve() == real
    assert real.read_text(encoding="utf-8") == project_to_yaml(b)
    assert temp_files(tmp_path) == [] and list(real.parent.glob(".*.tmp")) == []
