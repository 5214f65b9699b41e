"""The overlay computes its analyses in a worker thread, one after another, while the caller writes and
draws the finished ones; an interruption stops what has not started."""

from __future__ import annotations

import threading

import pytest

from cjm_helpers.overlay import run as overlay_run
from cjm_helpers.overlay.run import run_overlay
from cjm_helpers.paths import SAMPLE_PROJECT
from cjm_helpers.store import load_project

SAMPLE_EVENTS = SAMPLE_PROJECT.parent / "events.csv"


def test_analyses_run_in_order_off_the_main_thread_while_figures_are_drawn_on_it(
    tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Those with a figure first (each is drawn while the next one runs), the summary in its own order."""
    computed: list[tuple[str, str]] = []
    drawn: list[tuple[str, str]] = []
    listed: list[tuple[str, bool]] = []
    real_steps, real_figure = overlay_run._analysis_steps, overlay_run._write_figure

    def recorded_steps(*args, **kwargs):  # type: ignore[no-untyped-def]
        def recording(name, compute):  # type: ignore[no-untyped-def]
            def run():  # type: ignore[no-untyped-def]
                computed.append((name, threading.current_thread().name))
                return compute()

            return run

        steps = real_steps(*args, **kwargs)
        listed.extend((n, p is not None) for n, _, p in steps)
        return [(n, recording(n, c), p) for n, c, p in steps]

    def recorded_figure(name, *args, **kwargs):  # type: ignore[no-untyped-def]
        drawn.append((name, threading.current_thread().name))
        return real_figure(name, *args, **kwargs)

    from cjm_helpers.overlay.events import EventLog

    real_notes = EventLog.notes

    def recorded_notes(self, lang="en"):  # type: ignore[no-untyped-def]
        computed.append(("notes", threading.current_thread().name))
        return real_notes(self, lang)

    monkeypatch.setattr(overlay_run, "_analysis_steps", recorded_steps)
    monkeypatch.setattr(overlay_run, "_write_figure", recorded_figure)
    monkeypatch.setattr(EventLog, "notes", recorded_notes)
    results = run_overlay(
        SAMPLE_EVENTS, tmp_path, project=load_project(SAMPLE_PROJECT), progress=False
    )
    main = threading.main_thread().name
    with_figure = [name for name, drawn_too in listed if drawn_too]
    without = [name for name, drawn_too in listed if not drawn_too]
    assert with_figure and without  # the sample has both kinds
    assert [name for name, _ in computed] == ["notes", *with_figure, *without]  # each once
    assert list(results) == [name for name, _ in listed]  # the summary's order
    assert results.notes  # the sample's guessed conversions are said
    assert {thread for _, thread in computed} != {main}
    assert drawn and {thread for _, thread in drawn} == {main}
    assert results.failed == {}


def test_an_interruption_stops_the_analyses_not_yet_started(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    second_started = threading.Event()
    release = threading.Event()
    started: list[str] = []
    interrupted: list[object] = []
    real_steps = overlay_run._analysis_steps

    def blocking_steps(*args, **kwargs):  # type: ignore[no-untyped-def]
        steps = real_steps(*args, **kwargs)

        def tracked(index, name, compute):  # type: ignore[no-untyped-def]
            def run():  # type: ignore[no-untyped-def]
                started.append(name)
                if index == 1:  # the second analysis waits until the first one's figure failed
                    second_started.set()
                    release.wait(timeout=10)
                return compute()

            return run

        return [(n, tracked(i, n, c), p) for i, (n, c, p) in enumerate(steps)]

    def interrupting_plot(frame, lang="en"):  # type: ignore[no-untyped-def]
        second_started.wait(timeout=10)
        raise KeyboardInterrupt

    def recorded_interrupt(backend):  # type: ignore[no-untyped-def]
        interrupted.append(backend)
        release.set()

    monkeypatch.setattr(overlay_run, "_analysis_steps", blocking_steps)
    monkeypatch.setattr("cjm_helpers.overlay.plots.plot_funnel", interrupting_plot)
    monkeypatch.setattr(overlay_run, "_interrupt", recorded_interrupt)
    with pytest.raises(KeyboardInterrupt):
        run_overlay(SAMPLE_EVENTS, tmp_path, project=load_project(SAMPLE_PROJECT), progress=False)
    assert started == ["funnel", "transitions"]  # the rest never started
    assert len(interrupted) == 1
    assert not (tmp_path / "summary.html").exists()


def test_the_overlay_loads_matplotlib_only_once_the_analyses_are_running() -> None:
    import subprocess
    import sys

    code = "import sys, cjm_helpers.overlay.run; print(any(m.startswith('matplotlib') for m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"  # imported by the first figure, while the engine works
