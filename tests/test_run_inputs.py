"""`cjm run` and its data: named files used or refused, found ones skipped aloud, options passed on."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest
from run_fakes import REPORT_PARAMETERS, fake_notebook

from cjm_helpers.errors import DataError
from cjm_helpers.i18n import t
from cjm_helpers.reading import ReadOptions, from_project
from cjm_helpers.run import RunParams, load_params, run_suite
from cjm_helpers.store import load_project, save_project

GOOD_LOG = "user_id,timestamp,event\nu1,2026-10-01 08:00:00,app_open\nu1,2026-10-01 08:05:00,payment_success\n"
FOREIGN_LOG = "uid;when;what\nu1;01/10/2026 08:00;app_open\nu1;01/10/2026 08:05;payment_success\n"


@pytest.fixture
def nbs(tmp_path: Path) -> Path:
    folder = tmp_path / "nbs"
    fake_notebook(folder, "01_objectives", "Objectives", [REPORT_PARAMETERS])
    return folder


def notices_block(report: Path) -> str:
    """The text of the notices that open the report (before the table of contents)."""
    page = report.read_text(encoding="utf-8")
    head, _, _ = page.partition('<nav class="cjm-toc"')
    found = re.search(r'<div class="cjm-notices"[^>]*>(.*?)</div>', head, re.S)
    return found.group(1) if found else ""


def test_a_named_log_that_cannot_be_used_stops_the_run_and_keeps_earlier_results(
    tmp_path, sample_copy, nbs
):
    bad = tmp_path / "ga4.csv"
    bad.write_text("uid,when,what\nu1,2026-10-01 08:00:00,app_open\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.html").write_text("an earlier report\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        run_suite(
            sample_copy, out, RunParams(events_file=str(bad)), notebooks_dir=nbs, progress=False
        )
    message = str(info.value)
    assert message.startswith(
        f"{bad}: the event log you named cannot be used: no column for user_id"
    )
    assert "--columns ga4 or a YAML mapping" in message
    assert (out / "report.html").read_text(encoding="utf-8") == "an earlier report\n"
    assert not (out / "notebooks").exists()


def test_a_log_found_in_the_data_folder_is_skipped_with_a_notice_first(tmp_path, sample_copy, nbs):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "events.csv").write_text(
        "uid,when,what\nu1,2026-10-01 08:00:00,app_open\n", encoding="utf-8"
    )
    project = load_project(sample_copy)
    save_project(
        project.model_copy(update={"data": project.data.model_copy(update={"events": ""})}),
        sample_copy,
    )
    said: list[str] = []
    params = RunParams(events_file=str(folder / "events.csv"), found=("events_file",))
    result = run_suite(
        sample_copy,
        tmp_path / "out",
        params,
        notebooks_dir=nbs,
        progress=False,
        on_notice=said.append,
    )
    expected = t(
        "inputs.skipped",
        "en",
        file=str(folder / "events.csv"),
        kind=t("inputs.kind.events", "en"),
        how=t("inputs.from_data_folder", "en"),
        reason="",
    )
    assert said[0].startswith(expected) and "no column for user_id" in said[0]
    assert result.notices == said
    top = notices_block(result.report)
    assert (
        "Skipped the event log (found in the --data folder)" in top
        and "no column for user_id" in top
    )
    assert (
        '"events_file": ""' in (tmp_path / "out" / "notebooks" / "01_objectives.ipynb").read_text()
    )


def test_a_project_default_that_cannot_be_used_is_skipped_with_a_notice(tmp_path, sample_copy, nbs):
    (sample_copy.parent / "events.csv").write_text("only,junk\n1,2\n", encoding="utf-8")
    result = run_suite(
        sample_copy, tmp_path / "out", RunParams(), notebooks_dir=nbs, progress=False
    )
    assert any(
        "declared by the project" in line and "events.csv" in line for line in result.notices
    )
    assert "declared by the project" in notices_block(result.report)


def test_the_cli_names_a_data_folder_file_as_found_not_given(tmp_path):
    from cjm_helpers.commands.run import data_files

    (tmp_path / "events.csv").write_text(GOOD_LOG, encoding="utf-8")
    args = argparse.Namespace(events=None, survey=None, tickets=None, data=str(tmp_path))
    files, found = data_files(args)
    assert found == ("events_file",) and files["events_file"] == str(
        (tmp_path / "events.csv").resolve()
    )


# --- reading options: the same keyword arguments reach load_events from everywhere -------------


class Recorder:
    """Stands in for load_events: records the keyword arguments, then loads with the ones it knows."""

    def __init__(self) -> None:
        from cjm_helpers.overlay import events

        self.real = events.load_events
        self.calls: list[dict] = []

    def __call__(self, source, **kwargs):
        self.calls.append(kwargs)
        known = {k: v for k, v in kwargs.items() if k not in ("dedupe", "date_format")}
        return self.real(source, **known)


def test_run_passes_every_reading_option_to_load_events(tmp_path, sample_copy, nbs, monkeypatch):
    log = tmp_path / "log.csv"
    log.write_text(FOREIGN_LOG.replace("01/10/2026", "2026-10-01"), encoding="utf-8")
    recorder = Recorder()
    monkeypatch.setattr("cjm_helpers.overlay.load_events", recorder)
    reading = ReadOptions(
        columns={"uid": "user_id", "when": "timestamp", "what": "event"},
        delimiter=";",
        conversion_events=("payment_success",),
        dedupe=True,
        date_format="day-first",
        backend="duckdb",
    )
    result = run_suite(
        sample_copy,
        tmp_path / "out",
        RunParams(events_file=str(log), reading=reading),
        notebooks_dir=nbs,
        progress=False,
    )
    assert recorder.calls, "load_events was never called"
    for call in recorder.calls:  # the check before the run and the report's overlay alike
        assert call["columns"] == {"uid": "user_id", "when": "timestamp", "what": "event"}
        assert call["delimiter"] == ";"
        assert call["conversion_events"] == ["payment_success"]
        assert (
            call["dedupe"] is True
            and call["date_format"] == "day-first"
            and call["backend"] == "duckdb"
        )
    copy = load_project(
        result.project_file
    )  # the notebooks read the same way from the run's project
    assert copy.data.columns == {"uid": "user_id", "when": "timestamp", "what": "event"}
    assert (
        copy.data.delimiter,
        copy.data.conversion_events,
        copy.data.dedupe,
        copy.data.date_format,
    ) == (";", ["payment_success"], True, "day-first")
    assert copy.data.events == str(log.resolve())


def test_unset_options_are_not_passed_so_the_loader_keeps_its_defaults():
    kwargs = ReadOptions().event_kwargs()
    assert kwargs == {"columns": None, "delimiter": ","}


def test_the_command_line_beats_the_params_file_which_beats_the_project(tmp_path, sample_project):
    params = tmp_path / "params.yaml"
    params.write_text(
        "columns: ga4\ndelimiter: ';'\nconversion_events: [order_paid]\ndedupe: true\n"
        "date_format: '%d.%m.%Y %H:%M'\nbackend: 'postgres://me@db/shop'\n",
        encoding="utf-8",
    )
    loaded = load_params(params).reading
    assert loaded.columns["user_pseudo_id"] == "user_id" and loaded.delimiter == ";"
    assert loaded.conversion_events == ("order_paid",) and loaded.dedupe is True
    assert loaded.date_format == "%d.%m.%Y %H:%M" and loaded.backend == "postgres://me@db/shop"
    project = sample_project.model_copy(
        update={
            "data": sample_project.data.model_copy(
                update={
                    "conversion_events": ["payment_success"],
                    "delimiter": "\t",
                    "date_format": "day-first",
                }
            )
        }
    )
    cli = ReadOptions(conversion_events=("checkout_done",))
    chosen = cli.over(loaded.over(from_project(project.data)))
    assert chosen.conversion_events == ("checkout_done",) and chosen.delimiter == ";"
    assert chosen.date_format == "%d.%m.%Y %H:%M"
    assert ReadOptions().over(from_project(project.data)).delimiter == "\t"


def test_a_params_file_column_mapping_file_is_found_beside_it(tmp_path):
    (tmp_path / "cols.yaml").write_text("uid: user_id\n", encoding="utf-8")
    (tmp_path / "params.yaml").write_text("columns: cols.yaml\n", encoding="utf-8")
    assert dict(load_params(tmp_path / "params.yaml").reading.columns) == {"uid": "user_id"}


@pytest.mark.parametrize(
    "text, key",
    [
        ("columns: 3\n", "columns"),
        ("dedupe: yes please\n", "dedupe"),
        ("conversion_events: 4\n", "conversion_events"),
        ("date_format: dd/mm\n", "date_format"),
        ("backend: mysql\n", "backend"),
        ("delimiter: ''\n", "delimiter"),
    ],
)
def test_params_file_reading_keys_are_checked(tmp_path, text, key):
    (tmp_path / "params.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=f"key '{key}' must be"):
        load_params(tmp_path / "params.yaml")


def test_the_learners_notebook_reads_the_data_as_the_project_says(
    tmp_path, sample_copy, monkeypatch
):
    from cjm_helpers.notebook import start_step

    log = sample_copy.parent / "log.csv"
    log.write_text(FOREIGN_LOG.replace("01/10/2026", "2026-10-01"), encoding="utf-8")
    project = load_project(sample_copy)
    data = project.data.model_copy(
        update={
            "events": "log.csv",
            "delimiter": ";",
            "dedupe": True,
            "columns": {"uid": "user_id", "when": "timestamp", "what": "event"},
            "conversion_events": ["payment_success"],
        }
    )
    save_project(project.model_copy(update={"data": data}), sample_copy)
    recorder = Recorder()
    monkeypatch.setattr("cjm_helpers.overlay.load_events", recorder)
    step = start_step(7, project_file=str(sample_copy))
    assert step.events.count() == 2
    (call,) = recorder.calls
    assert (
        call["delimiter"] == ";"
        and call["dedupe"] is True
        and call["conversion_events"] == ["payment_success"]
    )


def test_a_connection_string_is_opened_through_ibis(monkeypatch):
    import ibis

    from cjm_helpers.reading import open_backend

    opened: list[str] = []
    monkeypatch.setattr(ibis, "connect", lambda url: opened.append(url) or "a connection")
    assert open_backend("postgres://me@db/shop") == "a connection" and opened == [
        "postgres://me@db/shop"
    ]
    assert open_backend("pyspark") == "pyspark"

    def refuse(url):
        raise RuntimeError("password authentication failed for user me")

    monkeypatch.setattr(ibis, "connect", refuse)
    with pytest.raises(DataError) as info:
        open_backend("postgres://me:secret@db/shop")
    assert "cannot connect to the postgres engine" in str(info.value) and "secret" not in str(
        info.value
    )


# --- the project file is read once per run (issue 13) ---------------------------------------------


def test_a_run_reads_the_project_file_once(tmp_path, sample_copy, nbs, monkeypatch):
    import cjm_helpers.store as store

    real = store.load_project
    reads: list[str] = []
    monkeypatch.setattr(store, "load_project", lambda path: reads.append(str(path)) or real(path))
    run_suite(sample_copy, tmp_path / "out", RunParams(), notebooks_dir=nbs, progress=False)
    assert reads == [str(sample_copy.resolve())]


def test_the_runs_engine_reaches_the_notebooks(tmp_path, sample_copy):
    from cjm_helpers.reading import for_notebook

    nbs = tmp_path / "nbs"
    fake_notebook(
        nbs,
        "01_objectives",
        "Objectives",
        ["import os; print('engine', os.environ.get('CJM_BACKEND'))"],
    )
    result = run_suite(
        sample_copy,
        tmp_path / "out",
        RunParams(reading=ReadOptions(backend="duckdb")),
        notebooks_dir=nbs,
        progress=False,
    )
    assert "engine duckdb" in (result.out_dir / "notebooks" / "01_objectives.ipynb").read_text(
        encoding="utf-8"
    )
    project = load_project(sample_copy)
    assert (
        for_notebook(project.data, {"CJM_BACKEND": "pyspark"}).event_kwargs()["backend"]
        == "pyspark"
    )
    assert "backend" not in for_notebook(project.data, {}).event_kwargs()
    with pytest.raises(DataError, match="CJM_BACKEND: 'sparky' is not an engine"):
        for_notebook(project.data, {"CJM_BACKEND": "sparky"})


def test_a_declared_file_that_is_missing_is_named_not_dropped_silently(tmp_path, sample_copy, nbs):
    import shutil

    from cjm_helpers.paths import SAMPLE_PROJECT

    for name in (
        "events.csv",
        "survey.csv",
    ):  # the project declares all three; tickets.csv is not there
        shutil.copyfile(SAMPLE_PROJECT.parent / name, sample_copy.parent / name)
    result = run_suite(
        sample_copy, tmp_path / "out", RunParams(), notebooks_dir=nbs, progress=False
    )
    missing = str((sample_copy.parent / "tickets.csv").resolve())
    assert result.notices == [
        t(
            "inputs.skipped",
            "en",
            file=missing,
            kind=t("inputs.kind.tickets", "en"),
            how=t("inputs.from_project", "en"),
            reason=t("inputs.no_such_file", "en"),
        )
    ]


def test_the_terminal_shows_a_skipped_data_folder_file(tmp_path, sample_copy, nbs, capsys):
    from cjm_helpers.cli import main

    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "survey.csv").write_text("who,said\nr1,hello\n", encoding="utf-8")
    code = main(
        [
            "run",
            str(sample_copy),
            "--data",
            str(folder),
            "--notebooks",
            str(nbs),
            "--out",
            str(tmp_path / "out"),
            "--no-progress",
        ]
    )
    err = capsys.readouterr().err
    assert code == 0
    assert f"Skipped the survey (found in the --data folder), {folder / 'survey.csv'}: " in err


def test_the_runs_project_copy_is_a_plain_file(tmp_path, sample_copy, nbs):
    result = run_suite(
        sample_copy, tmp_path / "out", RunParams(), notebooks_dir=nbs, progress=False
    )
    assert not [p.name for p in result.out_dir.glob(".project.cjm.yaml.*")]  # no lock, no history
    assert load_project(result.project_file).name == load_project(sample_copy).name
