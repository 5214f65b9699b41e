"""The checks CI runs are the ones a developer runs: scripts/test.sh and the pre-commit hooks."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent


def _commands(script: str) -> list[str]:
    return [line.strip() for line in script.splitlines() if line.strip().startswith("check ")]


def test_the_test_script_runs_lint_format_types_and_every_test() -> None:
    checks = _commands((REPO / "scripts" / "test.sh").read_text())
    assert any(re.search(r"ruff\"? check \.$", c) for c in checks), checks
    assert any(re.search(r"ruff\"? format --check \.$", c) for c in checks), checks
    assert any(re.search(r"mypy\"? cjm_helpers$", c) for c in checks), checks
    assert any("-m pytest" in c for c in checks), checks


def test_readme_test_command_is_the_test_script() -> None:
    readme = (REPO / "README.md").read_text()
    first_block = re.search(r"```sh\n(.*?)```", readme, re.S)
    assert first_block is not None
    assert "bash scripts/test.sh" in first_block.group(1).splitlines()[1]


def test_pre_commit_hooks_use_the_venv_tools_offline() -> None:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    assert all(repo["repo"] == "local" for repo in config["repos"])
    assert all(hook["language"] == "system" for hook in hooks)
    entries = [hook["entry"] for hook in hooks]
    for tool in (".venv/bin/ruff check", ".venv/bin/ruff format", ".venv/bin/mypy cjm_helpers"):
        assert any(entry.startswith(tool) for entry in entries), (tool, entries)
    ruff = [hook for hook in hooks if "ruff" in hook["entry"]]
    assert all("jupyter" in hook["types_or"] for hook in ruff)  # notebooks' code cells too


def test_mypy_is_configured_for_the_package() -> None:
    mypy = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["mypy"]
    assert mypy["packages"] == ["cjm_helpers"]
    assert mypy["python_version"] == "3.11"
    assert mypy["check_untyped_defs"] is True
