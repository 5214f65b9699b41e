"""`cjm lab` serves the project's own copy of the chapters and prints the address it really serves."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from cjm_helpers import paths
from cjm_helpers.cli import main
from cjm_helpers.commands import project as project_commands
from cjm_helpers.lab import START_NOTEBOOK, lab_notebooks_dir, prepare_lab_notebooks


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.glob("[0-9][0-9]_*.ipynb"))
    }


@pytest.fixture
def pl_project(tmp_path: Path) -> Path:
    return paths.create_project(tmp_path / "rowery", "current_state", lang="pl")


def test_the_copy_is_the_projects_own_with_outputs_cleared(pl_project: Path) -> None:
    suite = _digest(paths.notebooks_dir("pl"))
    folder = prepare_lab_notebooks(pl_project, "pl")
    assert folder == pl_project.parent / "notebooks-pl"
    assert sorted(p.name for p in folder.glob("*.ipynb")) == sorted(suite)
    for copy in folder.glob("*.ipynb"):
        nb = nbformat.read(copy, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert code and all(c.outputs == [] and c.execution_count is None for c in code)
        assert "widgets" not in nb.metadata
        original = nbformat.read(paths.notebooks_dir("pl") / copy.name, as_version=4)
        assert [c.source for c in nb.cells] == [c.source for c in original.cells]
    assert _digest(paths.notebooks_dir("pl")) == suite, "the suite's notebooks are only read"


def test_the_learners_notebooks_are_kept_when_lab_starts_again(pl_project: Path) -> None:
    folder = prepare_lab_notebooks(pl_project, "pl")
    mine = folder / "01_set_objectives.ipynb"
    nb = nbformat.read(mine, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("moje notatki"))
    nbformat.write(nb, mine)
    (folder / "02_profile_personas.ipynb").unlink()
    prepare_lab_notebooks(pl_project, "pl")
    assert nbformat.read(mine, as_version=4).cells[-1].source == "moje notatki"
    assert (folder / "02_profile_personas.ipynb").exists(), "a missing chapter comes back"


def test_the_shipped_sample_gets_its_copy_in_the_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CJM_HOME", str(tmp_path / "home"))
    folder = lab_notebooks_dir(paths.SAMPLE_PROJECT, "en")
    assert folder.is_relative_to(tmp_path / "home")
    assert not folder.is_relative_to(paths.REPO_DIR)


def test_lab_serves_the_copy_and_opens_the_start_chapter(pl_project: Path) -> None:
    cmd = project_commands.lab_command(pl_project, 8899, open_browser=False, lang="pl")
    assert f"--ServerApp.root_dir={pl_project.parent / 'notebooks-pl'}" in cmd
    assert f"--ServerApp.default_url=/lab/tree/{START_NOTEBOOK}" in cmd
    assert not any(str(paths.NOTEBOOKS_DIR) == part.split("=", 1)[-1] for part in cmd)


def test_a_busy_port_moves_to_a_free_one_and_the_printed_address_is_that_one(
    pl_project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[list[str]] = []
    monkeypatch.setattr(
        project_commands.subprocess, "call", lambda cmd, env: calls.append(cmd) or 0
    )
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        busy = holder.getsockname()[1]
        assert main(["lab", str(pl_project), "--no-browser", "--port", str(busy)]) == 0
    out = capsys.readouterr().out
    served = int(next(p for p in calls[0] if p.startswith("--ServerApp.port=")).split("=")[1])
    assert served != busy
    assert f"port {busy} zajmuje inny program; JupyterLab użyje portu {served}" in out
    assert re.search(
        rf"http://127\.0\.0\.1:{served}/lab/tree/{START_NOTEBOOK}\?token=[0-9a-f]{{48}}", out
    )
    assert f":{busy}/" not in out


def _start_cjm_lab(project: Path, port: int, home: Path) -> tuple[subprocess.Popen[str], str]:
    """`cjm lab` as a learner starts it; returns the process and the address it printed."""
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
        IPYTHONDIR=str(home / "ipython"),
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "cjm_helpers.cli", "lab", str(project), "--no-browser"]
        + ["--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        found = re.search(r"http://\S+", line)
        if found:
            return process, found.group(0)
    raise AssertionError(f"cjm lab printed no address (exit {process.wait()})")


def test_the_printed_address_opens_the_start_chapter_not_a_login_page(
    pl_project: Path, tmp_path: Path
) -> None:
    """A real server behind a busy port: the printed link is logged in and lands on 00."""
    suite = _digest(paths.notebooks_dir("pl"))
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        busy = holder.getsockname()[1]
        process, url = _start_cjm_lab(pl_project, busy, tmp_path / "jupyter")
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    with urllib.request.urlopen(url, timeout=5) as response:
                        landed, page = response.geturl(), response.read().decode("utf-8")
                    break
                except OSError:
                    assert process.poll() is None, "JupyterLab stopped"
                    assert time.monotonic() < deadline, "JupyterLab did not answer"
                    time.sleep(0.5)
            api = url.replace(f"/lab/tree/{START_NOTEBOOK}", "/api/contents")
            with urllib.request.urlopen(api, timeout=5) as response:
                listing = json.load(response)
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
    assert "/login" not in landed and landed.split("?")[0].endswith(f"/lab/tree/{START_NOTEBOOK}")
    assert "JupyterLab" in page
    assert f":{busy}/" not in url
    names = {item["name"] for item in listing["content"]}
    assert START_NOTEBOOK in names and "08_make_changes.ipynb" in names
    assert _digest(paths.notebooks_dir("pl")) == suite
