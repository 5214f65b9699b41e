"""`cjm new`, `cjm validate`, `cjm lab` and `cjm --version` as a user runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cjm_helpers import __version__
from cjm_helpers.cli import main
from cjm_helpers.commands.project import lab_command
from cjm_helpers.paths import SAMPLE_PROJECT, starter_names
from cjm_helpers.store import load_project
from cjm_helpers.yamlio import dump_yaml, parse_yaml


def test_version_runs_as_installed_command() -> None:
    out = subprocess.run(
        [Path(sys.executable).with_name("cjm"), "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == f"cjm {__version__}"


def test_validate_sample_exits_zero(capsys) -> None:
    assert main(["validate", str(SAMPLE_PROJECT)]) == 0
    assert "ok (2 personas, 19 touchpoints, 2 journeys)" in capsys.readouterr().out


def test_validate_dangling_reference_exits_one_and_names_it(sample_copy: Path, capsys) -> None:
    data = parse_yaml(sample_copy.read_text(encoding="utf-8"))
    data["touchpoints"][0]["stage"] = "awarenes"
    sample_copy.write_text(dump_yaml(data), encoding="utf-8")
    assert main(["validate", str(sample_copy)]) == 1
    out = capsys.readouterr().out
    assert "touchpoints[0].stage: 'awarenes' is not a stage of this project" in out
    assert str(sample_copy) in out


def test_validate_reports_every_file(sample_copy: Path, tmp_path: Path, capsys) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: [\n", encoding="utf-8")
    assert main(["validate", str(sample_copy), str(broken)]) == 1
    out = capsys.readouterr().out
    assert "ok (" in out and f"{broken}: line 2" in out


@pytest.mark.parametrize(
    "template", ["current_state", "day_in_the_life", "future_state", "service_blueprint", "sample"]
)
def test_new_from_each_template(tmp_path: Path, template: str, capsys) -> None:
    assert template in starter_names()
    assert main(["new", str(tmp_path / "p"), "--template", template]) == 0
    project = load_project(tmp_path / "p" / "project.cjm.yaml")
    if template != "sample":
        assert project.journeys[0].map_type == template


def test_new_never_overwrites(tmp_path: Path, capsys) -> None:
    assert main(["new", str(tmp_path / "p")]) == 0
    target = tmp_path / "p" / "project.cjm.yaml"
    target.write_text(target.read_text() + "description: mine\n")
    before = target.read_bytes()
    assert main(["new", str(tmp_path / "p")]) == 1
    assert "already exists" in capsys.readouterr().err
    assert target.read_bytes() == before


def test_unknown_template_is_a_usage_error(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["new", str(tmp_path / "p"), "--template", "nope"])
    assert info.value.code == 2


def test_lab_listens_on_loopback_with_token() -> None:
    cmd = lab_command(SAMPLE_PROJECT, 8899, open_browser=False)
    assert cmd[:3] == [sys.executable, "-m", "jupyterlab"]
    assert "--ServerApp.ip=127.0.0.1" in cmd and not any("token" in part.lower() for part in cmd)
    assert "--no-browser" in cmd and "--ServerApp.port=8899" in cmd


def test_lab_refuses_broken_project(tmp_path: Path, capsys) -> None:
    broken = tmp_path / "p.yaml"
    broken.write_text("name: x\npersonas: 3\n")
    assert main(["lab", str(broken), "--no-browser"]) == 1
    assert "personas: is int; it must be a list" in capsys.readouterr().err
