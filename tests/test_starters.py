"""The industry starters: complete small projects in en/id/pl, listed by `cjm new`, run by every notebook."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import run_headless, run_parameters

from cjm_helpers.cli import main
from cjm_helpers.errors import CJMError
from cjm_helpers.execute import step_notebooks
from cjm_helpers.i18n import t
from cjm_helpers.model import CARD_LANES, Project
from cjm_helpers.paths import MAP_STARTERS_DIR, create_project, starter_names
from cjm_helpers.starters import format_starters, starter_file, starters
from cjm_helpers.store import load_project
from cjm_helpers.yamlio import parse_yaml

INDUSTRIES = (
    "ecommerce",
    "saas_onboarding",
    "retail_banking",
    "cafe",
    "public_service",
    "higher_education",
)
TRANSLATIONS = ("id", "pl")
CURRENCY = {"en": "EUR", "id": "IDR", "pl": "PLN"}
ID_KEYS = frozenset({"id", "persona", "stage", "touchpoint", "compares_to", "opportunity"})
"""Keys whose values are ids (or lists of ids: pain_points, kpis, touchpoints inside a journey)."""
NOT_TEXT_KEYS = ID_KEYS | {
    "evidence",
    "emotion_evidence",
    "map_type",
    "goal_type",
    "review_cadence",
    "visibility",
    "status",
    "language",
    "currency",
    "events",
    "unit",
    "schema_version",
    "kpis",
    "pain_points",
    "touchpoints",
    "lanes",
    "kind",
    "age_band",
    "due",
    "when",
}
PROPER_NAMES = frozenset({"Google Maps"})
"""Names of products that are the same in every language."""
ENGLISH_WORDS = frozenset(
    {"the", "and", "with", "your", "for", "of", "is", "are", "from", "when", "what", "first"}
)


def industry_file(name: str, lang: str) -> Path:
    return MAP_STARTERS_DIR / (f"{name}.cjm.yaml" if lang == "en" else f"{lang}/{name}.cjm.yaml")


def raw(name: str, lang: str) -> dict[str, Any]:
    return parse_yaml(industry_file(name, lang).read_text(encoding="utf-8"))


def texts(value: Any, key: str = "") -> Iterator[str]:
    """Every human-written string in a project file (ids, enums and event names left out)."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "stages" and isinstance(v, dict):  # a journey's cells are keyed by stage id
                for cell in v.values():
                    yield from texts(cell, "cell")
            else:
                yield from texts(v, k)
    elif isinstance(value, list):
        for item in value:
            yield from texts(item, key)
    elif isinstance(value, str) and key not in NOT_TEXT_KEYS:
        yield value


def ids(project: Project) -> dict[str, list[str]]:
    """Every id of a project, part by part, and what refers to what."""
    journey_cells = {
        f"{j.id}/{s}": (c.touchpoints, [p.id for p in c.pain_points + c.internal_pain_points])
        for j in project.journeys
        for s, c in j.stages.items()
    }
    return {
        "personas": [p.id for p in project.personas],
        "targets": [f"{t.persona}:{t.primary}" for t in project.target_personas],
        "stages": [s.id for s in project.stages],
        "touchpoints": [
            f"{tp.id}@{tp.stage}/{tp.visibility}:{','.join(tp.events)}"
            for tp in project.touchpoints
        ],
        "journeys": [f"{j.id}:{j.persona}:{j.map_type}" for j in project.journeys],
        "cells": [f"{k}:{v}" for k, v in sorted(journey_cells.items())],
        "kpis": [f"{k.id}@{k.stage}/{k.touchpoint}" for k in project.kpis],
        "opportunities": [f"{o.id}:{o.pain_points}:{o.kpis}" for o in project.opportunities],
        "resources": [f"{r.id}:{r.kind}:{r.status}@{r.touchpoint}" for r in project.resources],
    }


def cards(project: Project) -> Iterator[Any]:
    """Every part of a project that makes a claim and so carries an evidence level."""
    yield from project.personas
    yield from project.touchpoints
    yield from project.kpis
    yield from project.opportunities
    yield from project.resources
    for journey in project.journeys:
        for cell in journey.stages.values():
            for lane in CARD_LANES:
                yield from getattr(cell, lane)


def raw_cards(data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for part in ("personas", "touchpoints", "kpis", "opportunities", "resources"):
        yield from data.get(part, [])
    for journey in data.get("journeys", []):
        for cell in (journey.get("stages") or {}).values():
            for _lane, notes in cell.items():
                if isinstance(notes, list) and notes and isinstance(notes[0], dict):
                    yield from notes


ALL_FILES = [(name, lang) for name in INDUSTRIES for lang in ("en", *TRANSLATIONS)]


@pytest.mark.parametrize(("name", "lang"), ALL_FILES, ids=lambda v: str(v))
def test_every_starter_in_every_language_validates(
    name: str, lang: str, capsys: pytest.CaptureFixture
) -> None:
    path = industry_file(name, lang)
    assert main(["validate", str(path)]) == 0, capsys.readouterr().out
    project = load_project(path)
    assert project.language == lang and project.currency == CURRENCY[lang]
    assert (
        project.description and "\n" not in project.description and len(project.description) <= 120
    )


@pytest.mark.parametrize(("name", "lang"), ALL_FILES, ids=lambda v: str(v))
def test_every_starter_is_a_complete_small_project(name: str, lang: str) -> None:
    project = load_project(industry_file(name, lang))
    assert len(project.personas) == 2
    assert 4 <= len(project.stages) <= 6
    assert 8 <= len(project.touchpoints) <= 14
    assert all(tp.channel for tp in project.touchpoints)
    assert sum(1 for tp in project.touchpoints if tp.events) >= 5
    assert len(project.target_personas) == 2 and project.primary_persona() is not None
    current = [j for j in project.journeys if j.map_type == "current_state"]
    assert len(current) == 1
    filled = {
        lane
        for cell in current[0].stages.values()
        for lane in ("actions", "thoughts", "pain_points", "opportunities")
        if getattr(cell, lane)
    }
    assert len(current[0].stages) >= 3 and len(filled) >= 3
    assert 2 <= len(project.kpis) <= 3 and 1 <= len(project.opportunities) <= 2
    assert all(o.pain_points and o.kpis for o in project.opportunities)
    assert {r.status for r in project.resources} == {"have", "need"}  # step 6 has something to show


@pytest.mark.parametrize(("name", "lang"), ALL_FILES, ids=lambda v: str(v))
def test_every_card_says_how_it_is_known_mostly_assumed(name: str, lang: str) -> None:
    data = raw(name, lang)
    unstated = [
        c.get("id") or c.get("name") or c.get("text")
        for c in raw_cards(data)
        if "evidence" not in c
    ]
    assert not unstated, f"cards without an evidence level: {unstated}"
    levels = [c.evidence for c in cards(load_project(industry_file(name, lang)))]
    assert levels.count("assumed") > len(levels) / 2
    assert "observed" not in levels, "a starter has observed nothing yet"


@pytest.mark.parametrize("lang", TRANSLATIONS)
@pytest.mark.parametrize("name", INDUSTRIES)
def test_translations_have_the_same_ids_as_english(name: str, lang: str) -> None:
    english = ids(load_project(industry_file(name, "en")))
    assert ids(load_project(industry_file(name, lang))) == english


MAP_STARTERS = ("current_state", "day_in_the_life", "future_state", "service_blueprint")
"""The blank starters, one per map type: each has its own file in every language too."""


@pytest.mark.parametrize("lang", TRANSLATIONS)
@pytest.mark.parametrize("name", MAP_STARTERS)
def test_every_map_starter_is_translated(name: str, lang: str) -> None:
    path = industry_file(name, lang)
    assert path.is_file(), (
        f"{lang}/{name}.cjm.yaml is missing: `cjm new` would fall back to English"
    )
    project = load_project(path)
    assert project.language == lang
    assert ids(project) == ids(load_project(industry_file(name, "en")))
    left = english_left(raw(name, "en"), raw(name, lang))
    assert not left, f"English left in {lang}/{name}: {left}"


def test_the_future_state_starter_adds_changes_and_retires_a_touchpoint() -> None:
    for lang in ("en", *TRANSLATIONS):
        journey = load_project(industry_file("future_state", lang)).journeys[0]
        assert journey.map_type == "future_state"
        changes = {c.status for c in journey.touchpoint_changes}
        assert changes == {"new", "changed", "retired"}
        assert all(c.evidence == "planned" for c in journey.touchpoint_changes)


def english_left(english: dict[str, Any], translated: dict[str, Any]) -> list[str]:
    """Texts of a translation that are an English phrase of the original, or hold common English words."""
    phrases = {
        text
        for text in texts(english)
        if re.search(r"[A-Za-z]{2,}\W+[A-Za-z]{2,}", text) and text not in PROPER_NAMES
    }
    found = [text for text in texts(translated) if text in phrases]
    return found + [
        text
        for text in texts(translated)
        if text not in phrases and set(re.findall(r"[a-z]+", text.lower())) & ENGLISH_WORDS
    ]


@pytest.mark.parametrize("lang", TRANSLATIONS)
@pytest.mark.parametrize("name", INDUSTRIES)
def test_translations_leave_no_english_text(name: str, lang: str) -> None:
    left = english_left(raw(name, "en"), raw(name, lang))
    assert not left, f"English left in {lang}/{name}: {left}"


def test_the_english_check_finds_a_sentence_left_untranslated() -> None:
    english, polish = raw("cafe", "en"), raw("cafe", "pl")
    assert english_left(english, polish) == []
    polish["journeys"][0]["name"] = english["journeys"][0]["name"]
    polish["kpis"][0]["definition"] = "Liczba gości z the app"
    assert english_left(english, polish) == [
        english["journeys"][0]["name"],
        "Liczba gości z the app",
    ]
    assert "tp-" not in " ".join(texts(english)) and "assumed" not in list(texts(english))


def test_starters_are_listed_with_one_line_each() -> None:
    for lang in ("en", *TRANSLATIONS):
        listed = dict(starters(lang))
        assert set(INDUSTRIES) <= set(listed) and "sample" in listed
        names = list(listed)
        assert names[:-1] == sorted(names[:-1]) and names[-1] == "sample"
        for name in INDUSTRIES:
            assert listed[name] == load_project(industry_file(name, lang)).description


def test_an_untranslated_starter_is_listed_in_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cjm_helpers.starters as module

    (tmp_path / "pl").mkdir()
    (tmp_path / "both.cjm.yaml").write_text(
        "name: Both\ndescription: In English\n", encoding="utf-8"
    )
    (tmp_path / "pl" / "both.cjm.yaml").write_text(
        "name: Oba\ndescription: Po polsku\n", encoding="utf-8"
    )
    (tmp_path / "only_en.cjm.yaml").write_text(
        "name: Only\ndescription: Not translated yet\n", encoding="utf-8"
    )
    monkeypatch.setattr(module, "MAP_STARTERS_DIR", tmp_path)
    assert starter_file("only_en", "pl") == tmp_path / "only_en.cjm.yaml"
    assert starter_file("both", "pl") == tmp_path / "pl" / "both.cjm.yaml"
    listed = starters("pl")
    assert listed[:2] == [("both", "Po polsku"), ("only_en", "Not translated yet")]
    assert listed[2][0] == "sample" and "Kopiloka" in listed[2][1]


def test_a_broken_starter_is_named_in_the_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cjm_helpers.starters as module

    (tmp_path / "broken.cjm.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    monkeypatch.setattr(module, "MAP_STARTERS_DIR", tmp_path)
    with pytest.raises(CJMError, match=r"broken\.cjm\.yaml"):
        starters("en")


def test_cjm_new_lists_the_templates(capsys: pytest.CaptureFixture) -> None:
    assert main(["new", "--list-templates"]) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("  ")]
    assert len(lines) == len(starter_names())
    for name in INDUSTRIES:
        assert sum(1 for line in lines if line.split()[0] == name) == 1
    assert format_starters("en") in out


@pytest.mark.parametrize(
    "order", [("--list-templates", "--lang", "pl"), ("--lang", "pl", "--list-templates")]
)
def test_the_list_speaks_the_language_asked_for_in_any_order(
    order: tuple[str, ...], capsys: pytest.CaptureFixture
) -> None:
    assert main(["new", *order]) == 0
    assert capsys.readouterr().out.strip() == format_starters("pl")


def test_cjm_new_speaks_the_projects_language(tmp_path: Path, capsys) -> None:
    assert main(["new", str(tmp_path / "p"), "--lang", "id"]) == 0
    target = tmp_path / "p" / "project.cjm.yaml"
    name = load_project(target).name
    expected = t("starters.created", "id", path=target, name=name, template="current_state")
    assert capsys.readouterr().out.splitlines()[0] == expected


def test_cjm_new_without_a_folder_says_what_to_give(capsys) -> None:
    assert main(["new", "--lang", "pl"]) == 1
    assert t("starters.folder_needed", "pl") in capsys.readouterr().err


@pytest.mark.parametrize("name", INDUSTRIES)
def test_cjm_new_makes_a_project_from_each_industry(name: str, tmp_path: Path, capsys) -> None:
    assert main(["new", str(tmp_path / "p"), "--template", name]) == 0
    made = load_project(tmp_path / "p" / "project.cjm.yaml")
    assert made == load_project(industry_file(name, "en"))


@pytest.mark.parametrize("name", INDUSTRIES)
@pytest.mark.parametrize("notebook", step_notebooks(), ids=lambda p: p.stem[:2])
def test_every_industry_runs_through_every_notebook(
    name: str, notebook: Path, tmp_path_factory, tmp_path
) -> None:
    params = _industry_run(name, tmp_path_factory)
    _, text = run_headless(notebook, params, tmp_path)
    project, shown = load_project(params["project_file"]), html.unescape(text)
    own = [
        project.name.split(" — ")[0],
        *(p.name for p in project.personas),
        *(s.name for s in project.stages),
        *(tp.name for tp in project.touchpoints),
        *(k.name for k in project.kpis),
    ]
    assert any(part in shown for part in own), "the notebook shows nothing of the starter"
    assert "Kopiloka" not in shown or notebook.stem.startswith("00"), (
        "the sample leaked into the run"
    )


_RUNS: dict[str, dict[str, Any]] = {}


def _industry_run(name: str, factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A fresh project from the starter, with small data generated from its own touchpoints (made once)."""
    if name not in _RUNS:
        folder = factory.mktemp(name)
        project_file = create_project(folder / "project", name)
        _RUNS[name] = run_parameters(
            project_file,
            load_project(project_file),
            folder,
            language="en",
            seed=15,
            respondents=80,
            tickets=40,
        )
    return _RUNS[name]
