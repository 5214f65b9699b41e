"""`cjm overlay` as a whole: every analysis the inputs allow, the others named with a reason."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from cjm_helpers.cli import main
from cjm_helpers.i18n import t
from cjm_helpers.overlay.run import run_overlay
from cjm_helpers.paths import SAMPLE_PROJECT
from cjm_helpers.reading import ReadOptions
from cjm_helpers.store import load_project

SAMPLE_EVENTS = SAMPLE_PROJECT.parent / "events.csv"
SMALL_LOG = (
    "user_id,timestamp,event,channel\nu1,2026-10-01 08:00:00,app_open,app\n"
    "u1,2026-10-01 08:03:00,product_view,web\nu2,2026-10-01 09:00:00,app_open,app\n"
    "u2,2026-10-01 09:05:00,payment_success,app\nu3,2026-10-01 10:00:00,app_open,web\n"
    "u3,2026-10-01 10:02:00,product_view,app\nu3,2026-10-01 10:04:00,payment_success,app\n"
)


def test_the_minimal_form_runs_what_needs_no_project_and_names_the_rest(tmp_path):
    out = tmp_path / "out"
    results = run_overlay(SAMPLE_EVENTS, out, progress=False)
    assert {"transitions", "top_paths", "gaps", "kpis", "attribution_channel"} <= set(results)
    assert set(results.skipped) == {
        "funnel",
        "time_between_stages",
        "attribution",
        "unmatched_events",
    }
    assert results.skipped["funnel"] == t("inputs.overlay.needs_funnel", "en")
    assert results.failed == {}
    for name in results:
        assert (out / f"{name}.csv").is_file(), name
    for name in results.skipped:
        assert not (out / f"{name}.csv").exists(), name
    summary = (out / "summary.html").read_text(encoding="utf-8")
    assert t("inputs.overlay.not_run", "en") in summary
    assert summary.index("skipped Funnel by stage") < summary.index("Who goes where next")


def test_a_funnel_given_by_its_events_needs_no_project(tmp_path):
    results = run_overlay(
        SAMPLE_EVENTS, tmp_path, funnel_steps=["app_open", "payment_success"], progress=False
    )
    assert "funnel" in results and "funnel" not in results.skipped


def test_one_failing_analysis_does_not_take_the_others_down(tmp_path, monkeypatch):
    def broken(log):
        raise ValueError("this analysis broke")

    monkeypatch.setattr("cjm_helpers.overlay.run.gaps", broken)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "gaps.csv").write_text("stale,from,an,earlier,run\n", encoding="utf-8")
    results = run_overlay(
        SAMPLE_EVENTS, tmp_path / "out", project=load_project(SAMPLE_PROJECT), progress=False
    )
    assert results.failed == {"gaps": "ValueError: this analysis broke"}
    assert {"funnel", "kpis", "attribution", "transitions"} <= set(results)
    assert not (tmp_path / "out" / "gaps.csv").exists(), (
        "a stale result must not pass for this run's"
    )
    summary = (tmp_path / "out" / "summary.html").read_text(encoding="utf-8")
    assert (
        "failed Gaps at a switch of device, channel or department: ValueError: this analysis broke"
        in summary
    )


def test_the_command_says_what_failed_and_exits_non_zero(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("cjm_helpers.overlay.run.kpis", lambda log, tickets=None: 1 / 0)
    (tmp_path / "e.csv").write_text(SMALL_LOG, encoding="utf-8")
    code = main(
        ["overlay", str(tmp_path / "e.csv"), "--out", str(tmp_path / "out"), "--no-progress"]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "failed Key performance indicators: ZeroDivisionError: division by zero" in err
    assert "skipped Funnel by stage" in err and "1 of the analyses failed" in err
    assert (tmp_path / "out" / "transitions.csv").is_file()


def test_overlay_flags_reach_load_events(tmp_path, monkeypatch):
    from cjm_helpers.overlay import events

    real = events.load_events
    calls: list[dict] = []

    def recorder(source, **kwargs):
        calls.append(kwargs)
        return real(
            source, **{k: v for k, v in kwargs.items() if k not in ("dedupe", "date_format")}
        )

    monkeypatch.setattr("cjm_helpers.overlay.run.load_events", recorder)
    (tmp_path / "e.csv").write_text(SMALL_LOG.replace(",", ";"), encoding="utf-8")
    code = main(
        [
            "overlay",
            str(tmp_path / "e.csv"),
            "--out",
            str(tmp_path / "out"),
            "--no-progress",
            "--delimiter",
            ";",
            "--conversion",
            "payment_success, order_paid",
            "--dedupe",
            "--date-format",
            "day-first",
            "--backend",
            "duckdb",
        ]
    )
    assert code == 0
    (call,) = calls
    assert call["delimiter"] == ";" and call["conversion_events"] == [
        "payment_success",
        "order_paid",
    ]
    assert (
        call["dedupe"] is True
        and call["date_format"] == "day-first"
        and call["backend"] == "duckdb"
    )


def test_overlay_reads_as_the_project_says_unless_the_flags_say_otherwise():
    import argparse

    from cjm_helpers.commands.overlay import reading_options
    from cjm_helpers.reading import from_project

    project = load_project(SAMPLE_PROJECT)
    project.data.conversion_events = ["payment_success"]
    project.data.delimiter = ";"
    args = argparse.Namespace(conversion=None, dedupe=False, date_format=None, backend=None)
    assert reading_options(args).over(from_project(project.data)).event_kwargs()["delimiter"] == ";"
    args.conversion = "order_paid"
    chosen = reading_options(args, delimiter=",").over(from_project(project.data))
    assert chosen.conversion_events == ("order_paid",) and chosen.delimiter == ","


def test_options_given_to_run_overlay_are_used(tmp_path, monkeypatch):
    seen: list[dict] = []
    from cjm_helpers.overlay import events

    real = events.load_events
    monkeypatch.setattr(
        "cjm_helpers.overlay.run.load_events",
        lambda source, **kw: (
            seen.append(kw) or real(source, **{k: v for k, v in kw.items() if k != "dedupe"})
        ),
    )
    run_overlay(
        SAMPLE_EVENTS,
        tmp_path,
        options=ReadOptions(conversion_events=("payment_success",), dedupe=True),
        progress=False,
    )
    assert seen[0]["conversion_events"] == ["payment_success"] and seen[0]["dedupe"] is True


@pytest.mark.parametrize("lang", ["en", "id", "pl"])
def test_skip_reasons_are_in_the_language(tmp_path: Path, lang: str):
    results = run_overlay(SAMPLE_EVENTS, tmp_path, lang=lang, progress=False)
    summary = (tmp_path / "summary.html").read_text(encoding="utf-8")
    assert results.skipped["funnel"] == t("inputs.overlay.needs_funnel", lang)
    assert t("inputs.overlay.not_run", lang) in summary


def test_guessed_conversions_and_duplicates_are_said_on_the_terminal_and_the_page(tmp_path, capsys):
    from cjm_helpers.cli import main

    log = tmp_path / "events.csv"
    log.write_text(
        "user_id,timestamp,event\n"
        "u1,2026-10-01 08:00:00,view_item\nu1,2026-10-01 08:01:00,purchase\n"
        "u1,2026-10-01 08:01:00,purchase\nu2,2026-10-01 09:00:00,view_item\n",
        encoding="utf-8",
    )
    assert main(["overlay", str(log), "--out", str(tmp_path / "out"), "--no-progress"]) == 0
    err = capsys.readouterr().err
    page = (tmp_path / "out" / "summary.html").read_text(encoding="utf-8")
    for words in (
        "Conversion events guessed from their names: purchase",
        "1 rows are exact copies",
        "bounce rate is per user",
    ):
        assert words in err and words in page, words
    assert page.index("About the event log") < page.index(
        "<h2>", page.index("About the event log") + 1
    )


def test_the_run_says_where_its_time_went(tmp_path):
    results = run_overlay(SAMPLE_EVENTS, tmp_path / "out", progress=False)
    timed = set(results.seconds)
    assert {"load", "summary.html", *results} <= timed  # loading, every analysis that ran, the page
    assert any(name.endswith(".png") for name in timed)  # and the figures, each on its own
    assert all(seconds >= 0 for seconds in results.seconds.values())


def test_the_summary_names_every_step_of_a_path(tmp_path):
    project = load_project(SAMPLE_PROJECT)
    results = run_overlay(SAMPLE_EVENTS, tmp_path, project=project, progress=False)
    summary = (tmp_path / "summary.html").read_text(encoding="utf-8")
    longest = max(results["top_paths"]["path"], key=lambda p: p.count(" > "))
    steps = longest.split(" > ")
    names = {tp.id: tp.name for tp in project.touchpoints}
    assert len(steps) > 1 and any(step in names for step in steps)
    named = " → ".join(names.get(step, step) for step in steps)
    assert html.escape(named, quote=False) in summary or html.escape(named) in summary
    assert html.escape(longest) not in summary  # ids joined as in the CSV are not shown
    assert longest in (tmp_path / "top_paths.csv").read_text(encoding="utf-8")
