"""Packaging: pip and conda users get the same dependencies; the README commands stay true."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
CONDA_NAMES = {
    "ibis-framework[duckdb]": "ibis-duckdb",
    "ibis-framework[pyspark]": "ibis-pyspark",
    "duckdb": "python-duckdb",
}


def _split(requirement: str) -> tuple[str, str]:
    match = re.match(r"\s*([A-Za-z0-9_.\-\[\]]+)\s*(.*)", requirement)
    assert match, requirement
    return match.group(1).lower(), match.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject() -> None:
    meta = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = {
        CONDA_NAMES.get(n, n): spec
        for n, spec in map(_split, meta["dependencies"] + meta["optional-dependencies"]["test"])
    }
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    have: dict[str, str] = {}
    for entry in env["dependencies"]:
        items = entry["pip"] if isinstance(entry, dict) else [entry]
        for item in items:
            if not item.startswith("-"):
                name, spec = _split(item)
                have[name] = spec
    missing = {n: s for n, s in wanted.items() if have.get(n) != s}
    assert not missing, f"environment.yml lacks or differs on: {missing}"
    assert have["python"] == meta["requires-python"]


def test_readme_opens_with_the_two_commands_and_ci_runs_the_second() -> None:
    readme = (REPO / "README.md").read_text()
    blocks = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", readme, re.S)
    commands = [
        line for line in blocks[0].splitlines() if line.strip() and not line.startswith("#")
    ]
    assert len(commands) == 2, commands
    ci = (REPO / ".ci" / "run").read_text()
    assert commands[1].strip() in ci


def _locked() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (REPO / "constraints.txt").read_text().splitlines():
        match = re.match(r"([A-Za-z0-9_.\-]+)==(\S+)$", line.strip())
        if match:
            pins[match.group(1).lower().replace("_", "-")] = match.group(2)
    return pins


def test_the_lock_pins_every_dependency_inside_its_range() -> None:
    from packaging.requirements import Requirement

    meta = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    pins = _locked()
    wrong = {}
    for text in meta["dependencies"] + meta["optional-dependencies"]["test"]:
        requirement = Requirement(text)
        name = requirement.name.lower().replace("_", "-")
        if name not in pins:
            wrong[name] = "not in constraints.txt"
        elif not requirement.specifier.contains(pins[name], prereleases=True):
            wrong[name] = f"{pins[name]} is outside {requirement.specifier}"
    assert not wrong, (
        f"constraints.txt disagrees with pyproject.toml (run scripts/lock.sh): {wrong}"
    )


def test_setup_installs_from_the_lock() -> None:
    setup = (REPO / "scripts" / "setup.sh").read_text()
    installs = [line for line in setup.splitlines() if "pip install" in line]
    assert installs and all("-c constraints.txt" in line for line in installs), installs
    assert "setuptools" in _locked() and "pip" in _locked()
