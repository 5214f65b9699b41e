"""The one end-to-end run of the real suite (steps 1 and 5 only, to keep it short), in Indonesian."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from cjm_helpers.export import external_references
from cjm_helpers.i18n import t
from cjm_helpers.paths import NOTEBOOKS_DIR, SAMPLE_PROJECT


@pytest.fixture(scope="module")
def sample_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("e2e") / "out"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "cjm_helpers.cli",
            "run",
            str(SAMPLE_PROJECT),
            "--out",
            str(out),
            "--only",
            "1,5",
            "--lang",
            "id",
            "--no-progress",
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    return done, out


def test_the_run_succeeds(sample_run):
    done, out = sample_run
    assert done.returncode == 0, done.stderr[-3000:]
    assert str(out / "report.html") in done.stdout


def test_the_run_prints_no_kernel_log_or_warning(sample_run):
    done, _ = sample_run
    noise = [
        line
        for line in done.stderr.splitlines()
        if "[IPKernelApp]" in line or "Warning" in line or "KeyboardInterrupt" in line
    ]
    assert noise == [], noise


def test_executed_notebooks_and_pages(sample_run):
    _, out = sample_run
    names = sorted(p.name for p in NOTEBOOKS_DIR.glob("0[15]_*.ipynb"))
    assert len(names) == 2, "the suite's step 1 and step 5 notebooks are missing"
    assert sorted(p.name for p in (out / "notebooks").glob("*.ipynb")) == names
    for name in names:
        nb = nbformat.read(out / "notebooks" / name, as_version=4)
        errors = [
            o
            for c in nb.cells
            if c.cell_type == "code"
            for o in c.get("outputs", [])
            if o.get("output_type") == "error"
        ]
        assert not errors, (name, errors[:1])
        page = (out / "html" / name.replace(".ipynb", ".html")).read_text(encoding="utf-8")
        assert external_references(page) == []
        assert "project_file: str" not in page  # parameters hidden


def test_report_is_indonesian_and_offline(sample_run):
    _, out = sample_run
    report = (out / "report.html").read_text(encoding="utf-8")
    assert external_references(report) == []
    for section in ("objective", "personas", "map", "plan", "checklist", "review"):
        assert f"<h2>{t(f'report.section.{section}', 'id')}</h2>" in report
    for lane in ("actions", "emotions", "pain_points"):
        assert t(f"map.lane.{lane}", "id") in report
    assert t("checks.list.title", "id") in report
    assert t("report.section_failed", "id", section="", error="").split("{")[0][:20] not in report
