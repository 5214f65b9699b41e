"""The installed ``cjm`` command tunes Python's cycle collector for one run, and still cleans up at exit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

from cjm_helpers.collector import YOUNG_THRESHOLD

ROOT = Path(__file__).resolve().parent.parent

RUN_COMMAND = """
import atexit, gc, json, sys
from cjm_helpers.cli import command

def report():  # registered first, so it runs after every hook the command registers
    print(json.dumps({"code": code, "young": gc.get_threshold()[0], "frozen": gc.get_freeze_count()}))

atexit.register(report)
sys.argv = ["cjm", *sys.argv[1:]]
code = command()
"""


def run_command(*args: str, **env: str) -> dict[str, int]:
    done = subprocess.run(
        [sys.executable, "-c", RUN_COMMAND, *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, **env},
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_the_installed_command_is_the_tuned_entry() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    assert scripts["cjm"] == "cjm_helpers.cli:command"


def test_a_command_collects_young_objects_rarely_and_skips_the_collection_at_exit() -> None:
    """At exit, after the command's own hooks, the collector is still tuned and every object frozen."""
    figures = run_command("new", "--list-templates")
    assert figures["code"] == 0
    assert figures["young"] == YOUNG_THRESHOLD
    # every object alive at the end is left out of the interpreter's last collection
    assert figures["frozen"] > 10_000


def test_exit_hooks_still_run_so_the_engine_spill_folder_is_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    figures = run_command(
        "overlay",
        str(ROOT / "sample_data" / "events.csv"),
        "--project",
        str(ROOT / "sample_data" / "kopiloka.cjm.yaml"),
        "--out",
        str(out),
        "--no-progress",
        TMPDIR=str(tmp_path),
    )
    assert figures["code"] == 0
    assert (out / "summary.html").is_file()
    assert not list(tmp_path.glob("cjm-duckdb-spill-*"))  # DuckDB's exit hook ran


KERNEL = """
import atexit, gc
real_freeze = gc.freeze
calls = []

def counted_freeze():
    calls.append(1)
    real_freeze()

gc.freeze = counted_freeze
atexit.register(lambda: print(len(calls), gc.get_threshold()[0], gc.get_freeze_count() > 0))
from cjm_helpers.notebook import start_step
start_step(1)
start_step(2)
"""


def test_a_chapter_kernel_is_tuned_once_however_often_a_step_starts() -> None:
    done = subprocess.run(
        [sys.executable, "-c", KERNEL], capture_output=True, text=True, check=True, cwd=ROOT
    )
    # at exit, after the kernel's other hooks: one freeze, the collector still tuned
    assert done.stdout.strip().splitlines()[-1] == f"1 {YOUNG_THRESHOLD} True"
