"""Every starter, in every language, is created; every starter runs through all the chapters.

``cjm new NAME --template NAME --lang LANG`` is checked for every starter and language (quick).
Each starter then runs through the chapters headless with papermill in one language, the
languages taken in turn so that each is run: the case gives the project a small event log,
survey and ticket file generated from its own touchpoints (the blank map starters, with no
touchpoints yet, run without data, as a new project does) and runs the chapters of that
language (built fresh from ``notebooks/src``) with ``cjm run``, as a user would. These runs are
marked ``slow`` (CI runs them). ``CJM_EVERY_STARTER_LANGUAGE=1`` runs every starter in every
language (thirty runs, about an hour on two cores).
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest

from cjm_helpers.cli import main
from cjm_helpers.execute import normalise
from cjm_helpers.i18n import LANGUAGES
from cjm_helpers.nbbuild import build_notebook, chapter_sources
from cjm_helpers.overlay import generate_events, generate_survey, generate_tickets
from cjm_helpers.paths import starter_names
from cjm_helpers.store import load_project

STARTERS = [name for name in starter_names() if name != "sample"]
RUNS = (
    [(name, lang) for name in STARTERS for lang in LANGUAGES]
    if os.environ.get("CJM_EVERY_STARTER_LANGUAGE") == "1"
    else [(name, LANGUAGES[i % len(LANGUAGES)]) for i, name in enumerate(STARTERS)]
)


def test_there_are_starters_to_run() -> None:
    """The slow cases below are parametrised from this list; an empty list would test nothing."""
    assert len(STARTERS) >= 10 and "cafe" in STARTERS and "current_state" in STARTERS


def built_chapters(lang: str, folder: Path) -> Path:
    """The chapters of ``lang`` built from their sources into ``folder`` (as the refresh builds them)."""
    folder.mkdir(parents=True, exist_ok=True)
    for source in chapter_sources(lang=lang):
        nb = normalise(build_notebook(source))
        (folder / f"{source.stem}.ipynb").write_text(nbformat.writes(nb), encoding="utf-8")
    return folder


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", STARTERS)
def test_every_starter_is_made_in_every_language(name: str, lang: str, tmp_path: Path) -> None:
    assert main(["new", str(tmp_path / "project"), "--template", name, "--lang", lang]) == 0
    project = load_project(tmp_path / "project" / "project.cjm.yaml")
    assert project.language == lang
    assert project.stages and project.journeys and project.personas


@pytest.mark.slow
@pytest.mark.parametrize(("name", "lang"), RUNS)
def test_starter_runs_through_every_chapter(name: str, lang: str, tmp_path: Path) -> None:
    assert main(["new", str(tmp_path / "project"), "--template", name, "--lang", lang]) == 0
    project_file = tmp_path / "project" / "project.cjm.yaml"
    project = load_project(project_file)
    assert project.language == lang
    data: list[str] = []
    if any(tp.events for tp in project.touchpoints):  # the blank map starters have none yet
        folder = tmp_path / "data"
        folder.mkdir()
        generate_events(project, users=200, seed=15).to_csv(folder / "events.csv", index=False)
        generate_survey(project, n=60, seed=15).to_csv(folder / "survey.csv", index=False)
        generate_tickets(project, n=30, seed=15).to_csv(folder / "tickets.csv", index=False)
        data = ["--data", str(folder)]
    chapters = built_chapters(lang, tmp_path / "chapters")
    out = tmp_path / "out"
    code = main(
        [
            "run",
            str(project_file),
            "--lang",
            lang,
            *data,
            "--out",
            str(out),
            "--notebooks",
            str(chapters),
            "--no-progress",
        ]
    )
    assert code == 0, f"cjm run failed for the {name} starter in {lang}"
    executed = sorted((out / "notebooks").glob("*.ipynb"))
    assert [p.stem for p in executed] == [p.stem for p in sorted(chapters.glob("*.ipynb"))]
    for path in executed:
        nb = nbformat.read(path, as_version=4)
        errors = [
            o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"
        ]
        assert not errors, f"{name}/{lang} {path.name}: {errors[0].get('evalue', '')[:300]}"
    report = (out / "report.html").read_text(encoding="utf-8")
    assert project.name.split(" — ")[0] in report.replace("&amp;", "&")
    assert (out / "brief.html").is_file()


@pytest.mark.parametrize("name", ["current_state", "service_blueprint"])
def test_plain_starters_are_written_in_polish(name: str) -> None:
    from cjm_helpers.paths import starter_path

    english, polish = load_project(starter_path(name)), load_project(starter_path(name, "pl"))
    assert starter_path(name, "pl").parent.name == "pl"
    assert (polish.language, polish.currency) == ("pl", "PLN")
    assert [s.id for s in polish.stages] == [s.id for s in english.stages]
    assert [s.name for s in polish.stages] != [s.name for s in english.stages]
    assert polish.journeys[0].map_type == english.journeys[0].map_type


def test_step8_on_a_future_map_that_compares_to_nothing_says_so(tmp_path: Path) -> None:
    """The future-state starter has no current map yet: step 8 explains instead of stopping the run."""
    from cjm_helpers.notebook import start_step

    assert main(["new", str(tmp_path / "p"), "--template", "future_state", "--lang", "pl"]) == 0
    step = start_step(8, str(tmp_path / "p" / "project.cjm.yaml"), language="pl")
    shown = step.compare_maps().data
    assert "nie wskazuje, którą ścieżkę stanu obecnego poprawia" in shown
    assert "Klient po wprowadzeniu zmian" in shown  # the journey, by its Polish name
