"""The course in every language: the same chapters, the same code, the same messages.

A chapter, a catalogue key or a form message that exists in one language and not
in another fails here; so does a translated chapter whose code differs from the
English one's (a translation changes the prose, never what the notebook runs).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import ClassVar

import pytest

from cjm_helpers import paths
from cjm_helpers.errors import ProjectInvalid
from cjm_helpers.forms import step_form
from cjm_helpers.i18n import LANGUAGES, catalogue
from cjm_helpers.nbbuild import build_notebook, chapter_sources, code_cells, source_languages
from cjm_helpers.store import ProjectStore, load_project
from cjm_helpers.validation import validate_project

PACKAGE = paths.PACKAGE_DIR
TRANSLATIONS = [lang for lang in LANGUAGES if lang != paths.DEFAULT_LANGUAGE]
ENGLISH = {s.name: s for s in chapter_sources()}


def _sources(lang: str) -> dict[str, Path]:
    return {s.name: s for s in chapter_sources(lang=lang)}


def _translated_pairs() -> list[tuple[str, Path]]:
    return [(lang, source) for lang in TRANSLATIONS for source in chapter_sources(lang=lang)]


# --- chapters ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_every_chapter_exists_in_every_language(lang: str) -> None:
    theirs = _sources(lang)
    missing = sorted(set(ENGLISH) - set(theirs))
    extra = sorted(set(theirs) - set(ENGLISH))
    assert not missing, (
        f"notebooks/src/{lang}/ lacks {missing}: write them (same file names as the English)"
    )
    assert not extra, f"notebooks/src/{lang}/ has chapters English lacks: {extra}"


def test_source_languages_lists_the_written_ones() -> None:
    assert source_languages()[0] == "en"
    assert set(source_languages()) == {lang for lang in LANGUAGES if chapter_sources(lang=lang)}


@pytest.mark.parametrize(
    ("lang", "source"),
    _translated_pairs(),
    ids=[f"{lang}-{s.stem}" for lang, s in _translated_pairs()],
)
def test_translated_code_cells_are_the_english_ones(lang: str, source: Path) -> None:
    english = ENGLISH[source.name]
    assert code_cells(source) == code_cells(english), (
        f"notebooks/src/{lang}/{source.name}: its ```python blocks (and tags) differ from "
        f"notebooks/src/{english.name}; copy them unchanged, translate only the prose"
    )


def _headings(source: Path) -> list[str]:
    nb = build_notebook(source)
    return [
        line.split(" ", 1)[0]
        for cell in nb.cells
        if cell.cell_type == "markdown"
        for line in cell.source.splitlines()
        if re.match(r"^#{1,3} ", line)
    ]


def _links(source: Path) -> list[str]:
    return re.findall(r"\]\(([^)]+\.ipynb)\)", source.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("lang", "source"),
    _translated_pairs(),
    ids=[f"{lang}-{s.stem}" for lang, s in _translated_pairs()],
)
def test_translated_chapter_keeps_the_skeleton_and_links(lang: str, source: Path) -> None:
    english = ENGLISH[source.name]
    assert [h for h in _headings(source) if h != "###"] == [
        h for h in _headings(english) if h != "###"
    ], f"{lang}/{source.name}: its # and ## headings do not follow the English chapter's sections"
    assert sorted(set(_links(source))) == sorted(set(_links(english))), (
        f"{lang}/{source.name}: links to other chapters differ from the English chapter's"
    )


@pytest.mark.parametrize(
    ("lang", "source"),
    _translated_pairs(),
    ids=[f"{lang}-{s.stem}" for lang, s in _translated_pairs()],
)
def test_translated_notebook_speaks_its_language(lang: str, source: Path) -> None:
    nb = build_notebook(source)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert f'language: str = "{lang}"' in params.source
    assert nb.metadata["cjm"] == {
        "step": int(source.name[:2]),
        "source": f"src/{lang}/{source.name}",
        "language": lang,
    }


def test_english_notebook_follows_the_project_language() -> None:
    nb = build_notebook(next(iter(ENGLISH.values())))
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert 'language: str = ""' in params.source
    assert "language" not in nb.metadata["cjm"]


def test_a_missing_translation_is_noticed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The chapter check itself: a language folder lacking one chapter is reported by name."""
    src = tmp_path / "src"
    (src / "id").mkdir(parents=True)
    for name in ("00_start_here.md", "01_set_objectives.md"):
        (src / name).write_text("# T\n\n{{ setup }}\n", encoding="utf-8")
    (src / "id" / "00_start_here.md").write_text("# T\n\n{{ setup }}\n", encoding="utf-8")
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", tmp_path)
    assert [s.name for s in chapter_sources(lang="id")] == ["00_start_here.md"]
    assert set(s.name for s in chapter_sources()) - set(
        s.name for s in chapter_sources(lang="id")
    ) == {"01_set_objectives.md"}


def test_changed_code_in_a_translation_is_noticed(tmp_path: Path) -> None:
    english = tmp_path / "04_touchpoints.md"
    english.write_text("# T\n\n{{ setup }}\n\n```python\nstep.inventory()\n```\n", encoding="utf-8")
    (tmp_path / "id").mkdir()
    translated = tmp_path / "id" / "04_touchpoints.md"
    translated.write_text(
        "# J\n\n{{ setup }}\n\n```python\nstep.inventaris()\n```\n", encoding="utf-8"
    )
    assert code_cells(translated) != code_cells(english)
    translated.write_text(
        "# J\n\nTeks.\n\n{{ setup }}\n\n```python\nstep.inventory()\n```\n", encoding="utf-8"
    )
    assert code_cells(translated) == code_cells(english)


# --- messages the code asks for --------------------------------------------------------

_KEY_CALL = re.compile(r"""\bt\(\s*["']([a-z_]+(?:\.[a-z0-9_]+)+)["']""")


def _keys_used_in_code() -> dict[str, list[str]]:
    used: dict[str, list[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        for match in _KEY_CALL.finditer(path.read_text(encoding="utf-8")):
            used.setdefault(match.group(1), []).append(str(path.relative_to(PACKAGE)))
    return used


def _message_keys_in_code() -> set[str]:
    """Keys passed to Message(...) as string constants (the validation messages)."""
    keys = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", "") == "Message"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                keys.add(node.args[0].value)
    return keys


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_the_code_asks_for_exists(lang: str) -> None:
    known = catalogue(lang)
    missing = {key: where for key, where in _keys_used_in_code().items() if key not in known}
    missing_messages = sorted(k for k in _message_keys_in_code() if k not in known)
    assert not missing, (
        f"locales/{lang}: no message for {sorted(missing)[:8]} (used in {list(missing.values())[:3]})"
    )
    assert not missing_messages, f"locales/{lang}: no message for {missing_messages}"


# --- form messages in the learner's language -------------------------------------------


def _control(widget, css_class: str):
    if css_class in getattr(widget, "_dom_classes", ()):
        return widget
    for child in getattr(widget, "children", ()):
        found = _control(child, css_class)
        if found is not None:
            return found
    return None


@pytest.mark.parametrize(
    ("lang", "words"), [("en", "is empty"), ("id", "masih kosong"), ("pl", "jest puste")]
)
def test_form_explains_an_empty_field_in_its_language(
    sample_copy: Path, lang: str, words: str
) -> None:
    form = step_form(2, ProjectStore(sample_copy), lang=lang)
    _control(form.widget, "cjm-field-personas-name").value = ""
    form.save_button.click()
    assert not form.saved
    beside = " ".join(form.messages_at("personas[0].name"))
    assert words in beside, beside
    if lang != "en":
        assert "is empty" not in beside and "is empty" not in " ".join(form.problems)


@pytest.mark.parametrize(
    ("lang", "words"),
    [("id", "bukan tahap di proyek ini"), ("pl", "nie ma takiego elementu typu „etap”")],
)
def test_form_explains_a_dangling_reference_in_its_language(
    sample_copy: Path, lang: str, words: str
) -> None:
    form = step_form(4, ProjectStore(sample_copy), lang=lang)
    stages = form.lists["stages"]
    stages.select(0)
    stages.remove_button.click()
    form.save_button.click()
    assert not form.saved
    said = " ".join(form.problems) + " ".join(
        m for path in form._messages for m in form.messages_at(path)
    )
    assert words in said
    assert "is not a stage" not in said


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_duplicate_ids_are_pointed_at_in_every_language(sample_copy: Path, lang: str) -> None:
    form = step_form(4, ProjectStore(sample_copy), lang=lang)
    first = form.data["touchpoints"][0]
    form.data["touchpoints"].append(dict(first))
    form.save_button.click()
    assert not form.saved
    assert form.messages_at("touchpoints[0].id"), (
        "the duplicate id is shown beside the first touchpoint"
    )
    assert "is used" not in " ".join(form.messages_at("touchpoints[0].id"))


def test_command_line_keeps_english(sample_copy: Path) -> None:
    data = load_project(sample_copy).model_dump(mode="json")
    data["personas"][0]["name"] = ""
    with pytest.raises(ProjectInvalid) as caught:
        validate_project(data, "x.yaml")
    problem = caught.value.problems[0]
    assert str(problem) == "personas[0].name: is empty; write something here"
    assert problem.in_language("id") == "personas[0].name: masih kosong; tuliskan sesuatu di sini"


# --- the Indonesian sample -------------------------------------------------------------

SAME_IN_EVERY_LANGUAGE = {
    "Instagram",
    "WhatsApp",
    "TikTok",
    "Google Maps",
    "Bandung",
    "Digital",
    "Tablet",
    "Michał Wójcik",
    "25–34",
    "18–24",
    "Kalau ada promo buy 1 get 1, aku ajak teman.",
    "Ada promo apa hari ini?",
    "%",
    "per 100",
}
"""Brand and place names, age bands, units and quotes already in Indonesian: the same in both samples."""
MACHINE_FIELDS = {
    "id",
    "persona",
    "stage",
    "touchpoint",
    "events",
    "lanes",
    "map_type",
    "phase",
    "evidence",
    "emotion_evidence",
    "visibility",
    "goal_type",
    "kind",
    "review_cadence",
    "status",
    "language",
    "currency",
    "compares_to",
    "stages_shown",
    "opportunity",
    "action",
    "touchpoints",
    "kpis",
    "pain_points_ids",
    "when",
    "due",
    "next_review",
    "data",
    "events_file",
}
PEOPLE_FIELDS = {"owner", "responsible", "accountable", "consulted", "informed"}


def _texts(value, key: str = "", parent: str = "") -> list[tuple[str, str]]:
    """(field, text) of every human-readable string in a project's plain data, in document order."""
    if isinstance(value, dict):
        return [
            pair
            for k, v in value.items()
            if k not in MACHINE_FIELDS
            and k not in PEOPLE_FIELDS
            and not (k == "name" and parent in ("team", "stakeholders"))
            for pair in _texts(v, k, key)
        ]
    if isinstance(value, list):
        return [pair for item in value for pair in _texts(item, key, key)]
    if isinstance(value, str) and not (key == "pain_points" and value.startswith("pp-")):
        return [(key, value)]
    return []


def _plain(path: Path) -> dict:
    from cjm_helpers.store import project_to_data

    return project_to_data(load_project(path))


def test_indonesian_sample_tells_the_same_story_in_indonesian() -> None:
    english, indonesian = _plain(paths.SAMPLE_PROJECT), _plain(paths.sample_project("id"))
    assert paths.sample_project("id") == paths.SAMPLE_DIR / "id" / "kopiloka.cjm.yaml"
    assert indonesian["language"] == "id" and english["language"] == "en"
    en_texts, id_texts = _texts(english), _texts(indonesian)
    assert [k for k, _ in en_texts] == [k for k, _ in id_texts], (
        "the same fields, in the same order"
    )
    untranslated = sorted(
        {e for (_, e), (_, i) in zip(en_texts, id_texts) if e == i} - SAME_IN_EVERY_LANGUAGE
    )
    assert not untranslated, (
        f"still English in sample_data/id/kopiloka.cjm.yaml: {untranslated[:5]}"
    )

    def skeleton(data):
        return {
            key: [item.get("id") for item in data.get(key) or []]
            for key in (
                "personas",
                "stages",
                "touchpoints",
                "journeys",
                "resources",
                "kpis",
                "opportunities",
                "actions",
            )
        }

    assert skeleton(indonesian) == skeleton(english), "same ids as the English Kopiloka"


def test_indonesian_tickets_land_where_the_english_ones_do() -> None:
    from cjm_helpers.overlay import load_tickets

    english = load_tickets(paths.SAMPLE_TICKETS, load_project(paths.SAMPLE_PROJECT))
    indonesian = load_tickets(paths.SAMPLE_TICKETS, load_project(paths.sample_project("id")))
    assert indonesian["touchpoint"].fillna("").tolist() == english["touchpoint"].fillna("").tolist()


def test_new_project_in_a_language(tmp_path: Path) -> None:
    sample = paths.create_project(tmp_path / "contoh", "sample", lang="id")
    project = load_project(sample)
    assert project.language == "id" and project.stages[0].description.startswith(
        "Rina pertama kali"
    )
    assert sorted(p.name for p in sample.parent.glob("*.csv")) == [
        "events.csv",
        "survey.csv",
        "tickets.csv",
    ]
    starter = paths.create_project(tmp_path / "baru", "current_state", lang="pl")
    assert load_project(starter).language == "pl"


def test_run_data_of_the_indonesian_sample_is_the_shared_data() -> None:
    project = paths.sample_project("id")
    assert paths.resolve_data("", project, "events.csv") == paths.SAMPLE_EVENTS.resolve()
    assert (
        paths.resolve_data("", project, "survey.csv")
        == (paths.SAMPLE_DIR / "id" / "survey.csv").resolve()
    )


def test_indonesian_survey_is_the_english_one_in_indonesian() -> None:
    import pandas as pd

    english = pd.read_csv(paths.SAMPLE_SURVEY, dtype=str, keep_default_na=False)
    indonesian = pd.read_csv(
        paths.SAMPLE_DIR / "id" / "survey.csv", dtype=str, keep_default_na=False
    )
    words = ["segment", "goal", "pain"]
    pd.testing.assert_frame_equal(english.drop(columns=words), indonesian.drop(columns=words))
    for column in words:
        same = set(english[column]) & set(indonesian[column])
        assert not same, f"sample_data/id/survey.csv: {column} still in English: {sorted(same)[:3]}"


def test_notebook_without_project_opens_its_languages_sample(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cjm_helpers.notebook import start_step

    monkeypatch.delenv(paths.PROJECT_ENV, raising=False)
    monkeypatch.setenv("CJM_HOME", str(tmp_path))
    step = start_step(4, language="id")
    assert step.project_path == tmp_path / "sample-id" / paths.PROJECT_FILE_NAME
    assert step.project.language == "id" and step.language == "id"
    assert "titik sentuh" in step.empty_stages().data
    english = start_step(4)
    assert (
        english.project_path == tmp_path / "sample" / paths.PROJECT_FILE_NAME
        and english.language == "en"
    )


def test_empty_language_follows_the_project(tmp_path: Path) -> None:
    from cjm_helpers.notebook import start_step

    project = paths.create_project(tmp_path / "p", "current_state", lang="pl")
    assert start_step(4, str(project)).language == "pl"
    assert start_step(4, str(project), language="id").language == "id"


# --- built notebooks and the commands -------------------------------------------------


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_committed_translated_notebooks_match_their_sources(lang: str) -> None:
    from cjm_helpers.nbbuild import stale_notebooks

    stale = stale_notebooks(paths.notebooks_dir(lang), lang)
    assert stale == [], (
        f"notebooks/{lang}/: run `cjm notebooks refresh --lang {lang}` ({stale[:3]} out of date)"
    )


def test_stale_check_reads_the_language_folders(tmp_path: Path) -> None:
    from cjm_helpers.execute import normalise
    from cjm_helpers.nbbuild import stale_notebooks

    (tmp_path / "src" / "id").mkdir(parents=True)
    source = tmp_path / "src" / "id" / "04_touchpoints.md"
    source.write_text("# Langkah 4\n\n{{ setup }}\n", encoding="utf-8")
    folder = tmp_path / "id"
    assert stale_notebooks(folder, "id") == ["04_touchpoints.ipynb"]
    folder.mkdir()
    import nbformat

    (folder / "04_touchpoints.ipynb").write_text(
        nbformat.writes(normalise(build_notebook(source))), encoding="utf-8"
    )
    assert stale_notebooks(folder, "id") == []


def test_refresh_picks_languages_and_refuses_unknown_ones() -> None:
    from cjm_helpers.errors import CJMError
    from cjm_helpers.execute import choose_chapters

    chosen = choose_chapters(["04_"], ["id"])
    assert list(chosen) == ["id"] and [s.name for s in chosen["id"]] == ["04_touchpoints.md"]
    assert set(choose_chapters(["04_"])) == set(source_languages())
    with pytest.raises(CJMError, match="not available"):
        choose_chapters(None, ["fr"])


def test_cli_new_with_a_language(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cjm_helpers.cli import main

    assert main(["new", str(tmp_path / "kedai"), "--template", "sample", "--lang", "id"]) == 0
    project = load_project(tmp_path / "kedai" / paths.PROJECT_FILE_NAME)
    assert project.language == "id" and project.name.startswith("Kopiloka — pesan kopi")
    assert main(["new", str(tmp_path / "warsztat"), "--lang", "pl"]) == 0
    assert load_project(tmp_path / "warsztat" / paths.PROJECT_FILE_NAME).language == "pl"


def test_lab_serves_the_language_of_the_project(tmp_path: Path) -> None:
    from cjm_helpers.commands.project import lab_command
    from cjm_helpers.lab import lab_notebooks_dir

    command = lab_command(paths.SAMPLE_PROJECT, 8899, open_browser=False, lang="id")
    assert f"--ServerApp.root_dir={lab_notebooks_dir(paths.SAMPLE_PROJECT, 'id')}" in command
    command = lab_command(paths.SAMPLE_PROJECT, 8899, open_browser=False)
    assert f"--ServerApp.root_dir={lab_notebooks_dir(paths.SAMPLE_PROJECT, 'en')}" in command


def test_lab_without_lang_uses_the_projects_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess

    import nbformat

    from cjm_helpers.cli import main

    project = paths.create_project(tmp_path / "p", "current_state", lang="id")
    seen: dict[str, list[str]] = {}
    monkeypatch.setattr(subprocess, "call", lambda cmd, env=None: seen.setdefault("cmd", cmd) and 0)
    assert main(["lab", str(project), "--no-browser"]) == 0
    assert f"--ServerApp.root_dir={project.parent / 'notebooks-id'}" in seen["cmd"]
    copy = nbformat.read(project.parent / "notebooks-id" / "00_start_here.ipynb", as_version=4)
    served = nbformat.read(paths.notebooks_dir("id") / "00_start_here.ipynb", as_version=4)
    assert copy.cells[0].source == served.cells[0].source  # the Indonesian chapter


def test_runs_fall_back_to_english_notebooks_until_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", tmp_path)
    (tmp_path / "00_start_here.ipynb").write_text("{}", encoding="utf-8")
    assert paths.run_notebooks_dir("id") == tmp_path
    (tmp_path / "id").mkdir()
    (tmp_path / "id" / "00_start_here.ipynb").write_text("{}", encoding="utf-8")
    assert paths.run_notebooks_dir("id") == tmp_path / "id"


def test_export_takes_the_language_of_the_notebooks(tmp_path: Path) -> None:
    import nbformat

    from cjm_helpers.commands.export import notebooks_language

    nb = build_notebook(chapter_sources(lang="id")[1])
    (tmp_path / nb.metadata["cjm"]["source"].split("/")[-1].replace(".md", ".ipynb")).write_text(
        nbformat.writes(nb), encoding="utf-8"
    )
    assert notebooks_language(tmp_path) == "id"
    assert notebooks_language(tmp_path / "empty") == "en"


@pytest.mark.parametrize("name", [n for n in paths.starter_names() if n != "sample"])
def test_indonesian_starters_speak_indonesian(name: str, tmp_path: Path) -> None:
    english = load_project(paths.starter_path(name))
    project = load_project(paths.create_project(tmp_path / name, name, lang="id"))
    assert paths.starter_path(name, "id") == paths.MAP_STARTERS_DIR / "id" / f"{name}.cjm.yaml"
    assert project.language == "id"
    assert [s.id for s in project.stages] == [s.id for s in english.stages]
    pairs = [
        (project.name, english.name),
        (project.description, english.description),
        (project.personas[0].name, english.personas[0].name),
        (project.journeys[0].name, english.journeys[0].name),
    ]
    pairs += [(a.name, b.name) for a, b in zip(project.stages, english.stages)]
    assert all(ours != theirs for ours, theirs in pairs), [p for p in pairs if p[0] == p[1]]


def test_run_speaks_the_projects_language_unless_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cjm_helpers.cli import main
    from cjm_helpers.commands import run as run_command

    seen: list[str] = []

    class Done:
        notebooks: ClassVar[list] = []
        report = None

    def fake_run(project, out, params, notebooks, progress=True, **_):
        seen.append(params.language)
        return Done()

    monkeypatch.setattr("cjm_helpers.run.run_suite", fake_run)
    project = paths.create_project(tmp_path / "p", "current_state", lang="pl")
    assert main(["run", str(project), "--out", str(tmp_path / "a"), "--no-progress"]) == 0
    assert (
        main(["run", str(project), "--out", str(tmp_path / "b"), "--lang", "id", "--no-progress"])
        == 0
    )
    params = tmp_path / "params.yaml"
    params.write_text("language: en\n", encoding="utf-8")
    assert (
        main(
            [
                "run",
                str(project),
                "--out",
                str(tmp_path / "c"),
                "--params",
                str(params),
                "--no-progress",
            ]
        )
        == 0
    )
    assert seen == ["pl", "id", "en"]
    assert run_command.language_chosen(type("A", (), {"lang": None, "params": None})()) is False
