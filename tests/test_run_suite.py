"""`cjm run` on small stand-in notebooks: order, parameters, outputs, failures, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from run_fakes import REPORT_PARAMETERS, fake_notebook

from cjm_helpers.errors import CJMError
from cjm_helpers.export import external_references
from cjm_helpers.i18n import t
from cjm_helpers.run import RunParams, choose_notebooks, run_suite
from cjm_helpers.run.suite import progress_label


def cli(*args: str, timeout: int = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cjm_helpers.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def outputs_text(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "".join(
        o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
    )


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, object]:
    import shutil

    from cjm_helpers.paths import SAMPLE_PROJECT

    root = tmp_path_factory.mktemp("run")
    project = root / "mine" / "project.cjm.yaml"
    project.parent.mkdir()
    shutil.copyfile(SAMPLE_PROJECT, project)
    events = root / "events.csv"
    events.write_text("user_id,ts,event\nu1,2026-10-01 08:00:00,app_open\n", encoding="utf-8")
    nbs = root / "nbs"
    fake_notebook(nbs, "01_objectives", "Objectives", [REPORT_PARAMETERS])
    fake_notebook(nbs, "02_personas", "Personas", ["print('second ran', 6 * 7)"])
    fake_notebook(nbs, "03_targets", "Targets", ["print('third ran')"])
    before = project.read_bytes()
    result = run_suite(
        project,
        root / "out",
        RunParams(language="id", only=(1, 2), events_file=str(events)),
        notebooks_dir=nbs,
        progress=False,
    )
    assert project.read_bytes() == before  # the user's own file is never touched
    return root, events, result


def test_run_writes_notebooks_html_and_report(finished_run):
    root, _, result = finished_run
    out = root / "out"
    assert sorted(p.name for p in (out / "notebooks").glob("*.ipynb")) == [
        "01_objectives.ipynb",
        "02_personas.ipynb",
    ]
    assert sorted(p.name for p in (out / "html").glob("*.html")) == [
        "01_objectives.html",
        "02_personas.html",
        "index.html",
    ]
    assert result.report == out / "report.html"
    assert "second ran 42" in outputs_text(out / "notebooks" / "02_personas.ipynb")
    assert not (out / "notebooks" / "03_targets.ipynb").exists()  # --only 1,2


def test_notebooks_get_the_run_parameters(finished_run):
    root, events, _ = finished_run
    line = outputs_text(root / "out" / "notebooks" / "01_objectives.ipynb").strip().splitlines()[-1]
    seen = json.loads(line)
    assert seen["language"] == "id"
    assert seen["interactive"] is False
    assert seen["project_file"] == str(root / "out" / "project.cjm.yaml")
    assert seen["events_file"] == str(events.resolve())


def test_run_report_and_pages_are_in_the_language_and_offline(finished_run):
    root, _, _ = finished_run
    report = (root / "out" / "report.html").read_text(encoding="utf-8")
    assert f"<h2>{t('report.section.map', 'id')}</h2>" in report
    assert 'href="html/02_personas.html"' in report
    assert external_references(report) == []
    page = (root / "out" / "html" / "02_personas.html").read_text(encoding="utf-8")
    assert "SETUP-CELL" not in page and "project_file: str" not in page
    assert "print(" not in page  # code hidden unless --show-code
    assert "second ran 42" in page
    assert external_references(page) == []


def test_a_failing_notebook_stops_the_run_and_keeps_what_was_made(tmp_path, sample_copy):
    nbs = tmp_path / "nbs"
    fake_notebook(nbs, "01_objectives", "Objectives", ["print('first ok')"])
    fake_notebook(
        nbs, "02_personas", "Personas", ["x = 1", "raise ValueError('boom-42 in the data')"]
    )
    fake_notebook(nbs, "03_targets", "Targets", ["print('never')"])
    out = tmp_path / "out"
    (out / "html").mkdir(parents=True)
    (out / "html" / "09_old_run.html").write_text("stale", encoding="utf-8")
    (out / "report.html").write_text("stale", encoding="utf-8")
    (out / ".cjm-run.json").write_text(
        json.dumps({"files": ["html/09_old_run.html", "report.html"]})
    )
    done = cli("run", str(sample_copy), "--out", str(out), "--notebooks", str(nbs), "--no-progress")
    assert done.returncode == 1, done.stderr
    assert not (out / "html" / "09_old_run.html").exists()  # an earlier run's pages do not linger
    message = done.stderr
    assert "02_personas.ipynb" in message
    # cell 6 of the executed notebook (papermill adds the injected-parameters cell), its 5th run
    assert "cell 6 (In [5]: raise ValueError" in message
    assert "ValueError: boom-42 in the data" in message
    assert "Traceback" not in message
    assert (out / "notebooks" / "01_objectives.ipynb").exists()
    failed = out / "notebooks" / "02_personas.ipynb"
    assert failed.exists() and "boom-42" in json.dumps(
        nbformat.read(failed, as_version=4).cells[-1].outputs
    )
    assert not (out / "notebooks" / "03_targets.ipynb").exists()
    assert (out / "html" / "02_personas.html").exists()  # the error is readable in the browser too
    assert not (out / "report.html").exists()


def test_choose_notebooks_in_order_and_only(tmp_path):
    for name in ("03_c", "00_start", "01_a", "notes"):
        (tmp_path / f"{name}.ipynb").write_text("{}", encoding="utf-8")
    assert [p.name for p in choose_notebooks(tmp_path)] == [
        "00_start.ipynb",
        "01_a.ipynb",
        "03_c.ipynb",
    ]
    assert [p.name for p in choose_notebooks(tmp_path, (3, 1))] == ["01_a.ipynb", "03_c.ipynb"]
    with pytest.raises(CJMError, match="no notebook for step 7"):
        choose_notebooks(tmp_path, (7,))
    with pytest.raises(CJMError, match="no such notebooks folder"):
        choose_notebooks(tmp_path / "missing")


def test_progress_label_names_step_and_notebook():
    assert (
        progress_label(Path("03_target_personas.ipynb"), "en") == "step 3 of 8 · 03_target_personas"
    )
    assert progress_label(Path("07_take.ipynb"), "id") == "langkah 7 dari 8 · 07_take"
    assert progress_label(Path("00_start_here.ipynb"), "en").startswith("start")


def test_cli_refuses_bad_params_and_missing_files(tmp_path, sample_copy):
    fake_notebook(tmp_path / "nbs", "01_objectives", "Objectives", ["print('ok')"])
    params = tmp_path / "p.yaml"
    params.write_text("language: id\njobz: 2\n", encoding="utf-8")
    done = cli("run", str(sample_copy), "--out", str(tmp_path / "o"), "--params", str(params))
    assert done.returncode == 1 and str(params) in done.stderr and "'jobz'" in done.stderr
    done = cli("run", str(tmp_path / "none.yaml"), "--out", str(tmp_path / "o"))
    assert done.returncode == 1 and "no such project file" in done.stderr
    done = cli(
        "run",
        str(sample_copy),
        "--out",
        str(tmp_path / "o"),
        "--events",
        str(tmp_path / "no.csv"),
        "--notebooks",
        str(tmp_path / "nbs"),
    )
    assert done.returncode == 1 and "no.csv" in done.stderr
    done = cli("run", str(sample_copy), "--out", str(tmp_path / "o"), "--only", "3,x")
    assert done.returncode == 1 and "step number" in done.stderr
    done = cli(
        "run",
        str(sample_copy),
        "--out",
        str(tmp_path / "o"),
        "--only",
        "4",
        "--notebooks",
        str(tmp_path / "nbs"),
    )
    assert done.returncode == 1 and "no notebook for step 4" in done.stderr
    assert not (tmp_path / "o" / "report.html").exists()


def test_data_folder_fills_in_the_files(tmp_path):
    import argparse

    from cjm_helpers.commands.run import data_files

    (tmp_path / "events.parquet").write_bytes(b"")
    (tmp_path / "survey.csv").write_text("a\n", encoding="utf-8")
    own = tmp_path / "mine.csv"
    args = argparse.Namespace(events=None, survey=None, tickets=str(own), data=str(tmp_path))
    files, found = data_files(args)
    assert files == {
        "events_file": str((tmp_path / "events.parquet").resolve()),
        "survey_file": str((tmp_path / "survey.csv").resolve()),
        "tickets_file": str(own.resolve()),
    }
    assert found == ("events_file", "survey_file")  # only these may be skipped when unusable


def test_a_params_file_path_beats_the_data_folder(tmp_path):
    import argparse

    from cjm_helpers.commands.run import data_files

    (tmp_path / "events.csv").write_text("a\n", encoding="utf-8")
    named = str((tmp_path / "named.csv").resolve())
    args = argparse.Namespace(events=None, survey=None, tickets=None, data=str(tmp_path))
    files, found = data_files(args, {"events_file": named})
    assert files["events_file"] == named and found == ()


def test_batch_extras_go_only_to_notebooks_that_declare_them(tmp_path):
    from nbformat.v4 import new_code_cell, new_notebook

    from cjm_helpers.run.suite import declared_only

    declares = fake_notebook(tmp_path, "01_a", "A", ["1"])
    plain = tmp_path / "02_b.ipynb"
    nbformat.write(
        new_notebook(
            cells=[new_code_cell('language: str = "en"', metadata={"tags": ["parameters"]})]
        ),
        plain,
    )
    given = {"language": "id", "persona": "rina", "custom": 1}
    assert declared_only(declares, given) == given
    assert declared_only(plain, given) == {"language": "id", "custom": 1}  # user extras are kept
