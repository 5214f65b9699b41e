"""Per-persona runs: each report uses that persona's journey and only its survey segment's data."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from run_fakes import fake_notebook

from cjm_helpers.i18n import t
from cjm_helpers.model import Project
from cjm_helpers.report import build_report, compute_overlay
from cjm_helpers.run import RunParams, plan_batch, run_batch
from cjm_helpers.store import load_project, save_project

SURVEY = (
    "respondent_id,user_id,segment,persona,stage,emotion\n"
    "r1,u1,Commuters,rina,awareness,2\nr2,u2,Students,dimas,purchase,-2\nr3,u3,Commuters,rina,purchase,1\n"
)
EVENTS = (
    "user_id,timestamp,event\nu1,2026-10-01 08:00:00,app_open\nu2,2026-10-01 09:00:00,app_open\n"
    "u3,2026-10-01 10:00:00,payment_success\n"
)


def link(project_file: Path, **segments: str) -> Project:
    project = load_project(project_file)
    personas = [p.model_copy(update={"segment": segments.get(p.id, "")}) for p in project.personas]
    project = project.model_copy(update={"personas": personas})
    save_project(project, project_file)
    return project


@pytest.fixture
def files(tmp_path: Path) -> RunParams:
    (tmp_path / "survey.csv").write_text(SURVEY, encoding="utf-8")
    (tmp_path / "events.csv").write_text(EVENTS, encoding="utf-8")
    return RunParams(
        survey_file=str(tmp_path / "survey.csv"), events_file=str(tmp_path / "events.csv")
    )


def rows(path: str) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_a_linked_persona_gets_only_its_segments_answers_and_users(tmp_path, sample_copy, files):
    project = link(sample_copy, rina="Commuters", dimas="Students")
    variants = {
        v.key: v for v in plan_batch(project, sample_copy, "persona", tmp_path / "out", files)
    }
    rina, dimas = variants["rina"].params, variants["dimas"].params
    assert {r["respondent_id"] for r in rows(rina.survey_file)} == {"r1", "r3"}
    assert {r["user_id"] for r in rows(rina.events_file)} == {"u1", "u3"}
    assert {r["user_id"] for r in rows(dimas.events_file)} == {"u2"}
    assert rina.parameters["segment"] == "Commuters" and not rina.withheld


def test_a_persona_without_a_link_gets_no_data_and_a_notice(tmp_path, sample_copy, files):
    project = link(sample_copy, rina="Commuters")
    variants = {
        v.key: v for v in plan_batch(project, sample_copy, "persona", tmp_path / "out", files)
    }
    dimas = variants["dimas"].params
    assert set(dimas.withheld) == {"events_file", "survey_file"}
    (reason,) = {r for r in dimas.withheld.values() if r}  # said once, however much is withheld
    assert reason == t("inputs.persona.no_link", "en", persona=project.persona("dimas").name)
    assert dimas.survey_file == files.survey_file  # nothing cut, and none of it used (withheld)


def test_a_segment_no_answer_has_is_named_with_the_known_ones(tmp_path, sample_copy, files):
    project = link(sample_copy, rina="Commuter")
    rina = next(
        v
        for v in plan_batch(project, sample_copy, "persona", tmp_path / "out", files)
        if v.key == "rina"
    )
    (reason,) = {r for r in rina.params.withheld.values() if r}
    assert "'Commuter', which no survey answer has" in reason and "Commuters, Students" in reason


def test_without_user_ids_the_log_is_left_out_not_shown_whole(tmp_path, sample_copy):
    (tmp_path / "survey.csv").write_text(SURVEY.replace("user_id,", "who,"), encoding="utf-8")
    (tmp_path / "events.csv").write_text(EVENTS, encoding="utf-8")
    params = RunParams(
        survey_file=str(tmp_path / "survey.csv"), events_file=str(tmp_path / "events.csv")
    )
    project = link(sample_copy, rina="Commuters", dimas="Students")
    rina = next(
        v
        for v in plan_batch(project, sample_copy, "persona", tmp_path / "out", params)
        if v.key == "rina"
    )
    assert (
        "events_file" in rina.params.withheld
        and "no user_id column" in rina.params.withheld["events_file"]
    )
    assert {r["respondent_id"] for r in rows(rina.params.survey_file)} == {"r1", "r3"}


def test_a_persona_without_a_journey_shows_no_one_elses_emotions(sample_project, tmp_path):
    survey = tmp_path / "survey.csv"
    survey.write_text(SURVEY, encoding="utf-8")
    assert not [j for j in sample_project.journeys if j.persona == "dimas"]
    results = compute_overlay(sample_project, survey_file=str(survey), persona_id="dimas")
    assert "emotion_curve" not in results
    page = build_report(sample_project, "en", results, persona_id="dimas")
    head = page.split('<nav class="cjm-toc"')[0]
    assert t(
        "inputs.persona.no_journey", "en", persona=sample_project.persona("dimas").name
    ) in head.replace("&#x27;", "'")


def test_batch_reports_carry_each_personas_notices_at_the_top(tmp_path, sample_copy, files):
    link(sample_copy, rina="Commuters")
    nbs = tmp_path / "nbs"
    fake_notebook(nbs, "01_objectives", "Objectives", ["print(survey_file, events_file)"])
    out = tmp_path / "batch"
    outcomes = run_batch(
        sample_copy, out, "persona", files, notebooks_dir=nbs, jobs=2, progress=False
    )
    assert all(o.ok for o in outcomes), [o.message for o in outcomes]
    dimas = (out / "persona-dimas" / "report.html").read_text(encoding="utf-8")
    top = dimas.split('<nav class="cjm-toc"')[0]
    assert "is linked to no survey segment" in top
    assert 'data-analysis="emotion_curve"' not in dimas and 'data-analysis="funnel"' not in dimas
    rina = (out / "persona-rina" / "report.html").read_text(encoding="utf-8")
    assert "is linked to no survey segment" not in rina and 'data-analysis="funnel"' in rina
    assert 'data-analysis="emotion_curve"' in rina
    outcome = next(o for o in outcomes if o.variant.key == "dimas")
    assert any("is linked to no survey segment" in line for line in outcome.notices)


def test_segment_runs_leave_out_a_log_they_cannot_cut(tmp_path, sample_copy):
    (tmp_path / "survey.csv").write_text(SURVEY.replace("user_id,", "who,"), encoding="utf-8")
    (tmp_path / "events.csv").write_text(EVENTS, encoding="utf-8")
    params = RunParams(
        survey_file=str(tmp_path / "survey.csv"), events_file=str(tmp_path / "events.csv")
    )
    variants = plan_batch(
        load_project(sample_copy), sample_copy, "segment", tmp_path / "out", params
    )
    for variant in variants:
        assert variant.params.withheld["events_file"] == t(
            "inputs.segment.events_not_cut", "en", segment=variant.key
        )


def test_segment_runs_cut_a_log_read_as_the_options_say(tmp_path, sample_copy):
    from cjm_helpers.reading import ReadOptions

    (tmp_path / "survey.csv").write_text(SURVEY, encoding="utf-8")
    (tmp_path / "events.csv").write_text(
        EVENTS.replace(",", ";").replace("user_id", "uid"), encoding="utf-8"
    )
    params = RunParams(
        survey_file=str(tmp_path / "survey.csv"),
        events_file=str(tmp_path / "events.csv"),
        reading=ReadOptions(columns={"uid": "user_id"}, delimiter=";"),
    )
    variants = {
        v.key: v
        for v in plan_batch(
            load_project(sample_copy), sample_copy, "segment", tmp_path / "out", params
        )
    }
    cut = Path(variants["Commuters"].params.events_file).read_text(encoding="utf-8").splitlines()
    assert cut[0] == "uid;timestamp;event"  # still read by the same options
    assert {line.split(";")[0] for line in cut[1:]} == {"u1", "u3"}
    assert "events_file" not in variants["Commuters"].params.withheld
