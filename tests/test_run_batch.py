"""Batch runs: one run and report per persona or segment, in parallel, with an index page."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from run_fakes import fake_notebook

from cjm_helpers.errors import DataError
from cjm_helpers.i18n import t
from cjm_helpers.run import RunFailed, RunParams, plan_batch, run_batch
from cjm_helpers.store import load_project

CHECK_FOCUS = (
    "from cjm_helpers.store import load_project\n"
    "p = load_project(project_file)\n"
    "assert p.primary_persona().id == persona, (p.primary_persona().id, persona)\n"
    "print('focused on', persona)"
)

CHECK_SEGMENT = (
    "import csv\n"
    "rows = list(csv.DictReader(open(survey_file, encoding='utf-8')))\n"
    "assert {r['segment'] for r in rows} == {segment}, rows\n"
    "users = {r['user_id'] for r in csv.DictReader(open(events_file, encoding='utf-8'))}\n"
    "print(segment, len(rows), sorted(users))\n"
    "if segment == 'students':\n"
    "    raise RuntimeError('students segment refused on purpose')"
)


def links(page: str) -> list[str]:
    found: list[str] = []

    class P(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "a":
                found.append(dict(attrs)["href"])

    P().feed(page)
    return found


def test_batch_for_two_personas(tmp_path, sample_copy):
    nbs = tmp_path / "nbs"
    fake_notebook(nbs, "01_objectives", "Objectives", [CHECK_FOCUS])
    out = tmp_path / "batch"
    outcomes = run_batch(
        sample_copy,
        out,
        "persona",
        RunParams(language="id"),
        notebooks_dir=nbs,
        jobs=2,
        progress=False,
    )
    project = load_project(sample_copy)
    assert [o.variant.key for o in outcomes] == [p.id for p in project.personas]
    assert all(o.ok for o in outcomes), [o.message for o in outcomes]
    for persona in project.personas:
        report = (out / f"persona-{persona.id}" / "report.html").read_text(encoding="utf-8")
        assert t("report.focus_persona", "id", persona=persona.name) in report
        assert (out / f"persona-{persona.id}" / "html" / "01_objectives.html").exists()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert set(links(index)) == {
        f"persona-{p.id}/{f}" for p in project.personas for f in ("report.html", "html/index.html")
    }
    assert t("run.index.report", "id") in index
    assert "Rina" in index and "Dimas" in index


def test_segment_batch_filters_data_and_reports_a_failure(tmp_path, sample_copy):
    survey = tmp_path / "survey.csv"
    survey.write_text(
        "respondent_id,user_id,segment,stage,emotion\nr1,u1,commuters,awareness,1\n"
        "r2,u2,students,purchase,-1\nr3,u3,commuters,purchase,2\n",
        encoding="utf-8",
    )
    events = tmp_path / "events.csv"
    events.write_text(
        "user_id,ts,event\nu1,2026-01-01,open\nu2,2026-01-01,open\nu3,2026-01-02,pay\n",
        encoding="utf-8",
    )
    nbs = tmp_path / "nbs"
    fake_notebook(nbs, "01_objectives", "Objectives", [CHECK_SEGMENT])
    out = tmp_path / "batch"
    params = RunParams(survey_file=str(survey), events_file=str(events))
    with pytest.raises(RunFailed) as info:
        run_batch(sample_copy, out, "segment", params, notebooks_dir=nbs, jobs=2, progress=False)
    assert "1 of 2 runs failed" in str(info.value)
    assert "segment-students" in str(info.value) and "refused on purpose" in str(info.value)
    commuters = (out / "segment-commuters" / "report.html").read_text(encoding="utf-8")
    assert t("report.focus_segment", "en", segment="commuters") in commuters
    assert not (out / "segment-students" / "report.html").exists()
    kept = (out / "segment-commuters" / "data" / "events.csv").read_text(encoding="utf-8")
    assert "u1" in kept and "u3" in kept and "u2" not in kept
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "refused on purpose" in index and 'class="failed"' in index
    assert "segment-commuters/report.html" in links(index)


def test_plan_batch_for_journeys_and_errors(tmp_path, sample_copy):
    project = load_project(sample_copy)
    plan = plan_batch(project, sample_copy, "journey", tmp_path, RunParams())
    assert [v.folder for v in plan] == [f"journey-{j.id}" for j in project.journeys]
    with pytest.raises(DataError, match="needs a survey"):
        plan_batch(
            project.model_copy(update={"data": project.data.model_copy(update={"survey": ""})}),
            sample_copy,
            "segment",
            tmp_path,
            RunParams(),
        )
    no_segments = tmp_path / "s.csv"
    no_segments.write_text("user_id,score\nu1,3\n", encoding="utf-8")
    with pytest.raises(DataError, match="no 'segment' column"):
        plan_batch(
            project, sample_copy, "segment", tmp_path, RunParams(survey_file=str(no_segments))
        )


def test_index_escapes_names(sample_project):
    from cjm_helpers.run.batch import Variant, VariantOutcome, index_html

    outcome = VariantOutcome(
        Variant("segment", "<b>x</b>", "<script>x</script>", "segment-b-x-b"),
        False,
        "<img src=x onerror=1>",
    )
    page = index_html(sample_project, "segment", [outcome], "en")
    assert "<script>x" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page


def test_cli_batch(tmp_path: Path, sample_copy):
    import subprocess
    import sys

    nbs = tmp_path / "nbs"
    fake_notebook(nbs, "01_objectives", "Objectives", [CHECK_FOCUS])
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "cjm_helpers.cli",
            "run",
            str(sample_copy),
            "--out",
            str(tmp_path / "o"),
            "--for-each",
            "persona",
            "--jobs",
            "1",
            "--notebooks",
            str(nbs),
            "--no-progress",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert str(tmp_path / "o" / "index.html") in done.stdout
    assert (tmp_path / "o" / "persona-rina" / "report.html").exists()
    assert (tmp_path / "o" / "persona-dimas" / "report.html").exists()
