"""Where the suite's own files live, and which project a notebook works on.

Notebooks run from different folders (nbval uses the notebook's folder,
papermill its ``--cwd``), so every path goes through here, never through the
current directory.
"""

from __future__ import annotations

__all__ = [
    "DEFAULT_LANGUAGE",
    "MAP_STARTERS_DIR",
    "NOTEBOOKS_DIR",
    "PACKAGE_DIR",
    "PROJECT_ENV",
    "PROJECT_FILE_NAME",
    "REPO_DIR",
    "SAMPLE_DATA_NAMES",
    "SAMPLE_DIR",
    "SAMPLE_EVENTS",
    "SAMPLE_PROJECT",
    "SAMPLE_REFERENCE_DATE",
    "SAMPLE_SURVEY",
    "SAMPLE_TICKETS",
    "TEMPLATES_DIR",
    "TODAY_ENV",
    "WINDOWS_DEVICE_NAMES",
    "chapter_sources_dir",
    "create_project",
    "notebooks_dir",
    "reference_date",
    "resolve_data",
    "resolve_project",
    "run_notebooks_dir",
    "sample_data_file",
    "sample_project",
    "starter_names",
    "starter_path",
    "with_language",
    "workspace_dir",
]

import datetime as dt
import os
import re
from pathlib import Path

from .errors import CJMError
from .i18n import t

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
NOTEBOOKS_DIR = REPO_DIR / "notebooks"
TEMPLATES_DIR = REPO_DIR / "templates"
MAP_STARTERS_DIR = TEMPLATES_DIR / "maps"
SAMPLE_DIR = REPO_DIR / "sample_data"
SAMPLE_PROJECT = SAMPLE_DIR / "kopiloka.cjm.yaml"
SAMPLE_EVENTS = SAMPLE_DIR / "events.csv"
SAMPLE_SURVEY = SAMPLE_DIR / "survey.csv"
SAMPLE_TICKETS = SAMPLE_DIR / "tickets.csv"
SAMPLE_DATA_NAMES: tuple[str, ...] = ("events.csv", "survey.csv", "tickets.csv")
DEFAULT_LANGUAGE = "en"
"""The course's first language: its chapters and sample sit at the top of their folders."""
PROJECT_ENV = "CJM_PROJECT"
"""Environment variable `cjm lab` sets so every notebook opens the same project."""
PROJECT_FILE_NAME = "project.cjm.yaml"
TODAY_ENV = "CJM_TODAY"
"""Environment variable that fixes 'today' (YYYY-MM-DD), so review dates read the same in every run."""
SAMPLE_REFERENCE_DATE = "2026-11-23"
"""The day the committed notebook outputs are computed for; tests and `cjm notebooks refresh` use it."""


def reference_date() -> dt.date:
    """Today, unless ``CJM_TODAY`` (YYYY-MM-DD) fixes the date for reproducible runs."""
    fixed = os.environ.get(TODAY_ENV, "").strip()
    if fixed:
        try:
            return dt.date.fromisoformat(fixed)
        except ValueError:
            raise CJMError(
                t("errors.notebook.bad_today", name=TODAY_ENV, value=repr(fixed))
            ) from None
    return dt.date.today()


def notebooks_dir(lang: str = DEFAULT_LANGUAGE) -> Path:
    """Where a language's notebooks live: ``notebooks/`` for English, ``notebooks/<lang>/`` otherwise."""
    return NOTEBOOKS_DIR if lang == DEFAULT_LANGUAGE else NOTEBOOKS_DIR / lang


def run_notebooks_dir(lang: str = DEFAULT_LANGUAGE) -> Path:
    """The built notebooks a run in ``lang`` executes: that language's, else the English ones.

    Translated notebooks exist once `cjm notebooks refresh` built them; until then a run
    still works, with the labels and messages in ``lang`` around English prose.
    """
    folder = notebooks_dir(lang)
    return folder if any(folder.glob("[0-9][0-9]_*.ipynb")) else NOTEBOOKS_DIR


def chapter_sources_dir(lang: str = DEFAULT_LANGUAGE) -> Path:
    """Where a language's chapter sources live: ``notebooks/src/`` or ``notebooks/src/<lang>/``."""
    src = NOTEBOOKS_DIR / "src"
    return src if lang == DEFAULT_LANGUAGE else src / lang


def sample_project(lang: str = DEFAULT_LANGUAGE) -> Path:
    """The sample project written in ``lang``; English Kopiloka when that language has none yet."""
    if lang != DEFAULT_LANGUAGE:
        found = sorted((SAMPLE_DIR / lang).glob("*.cjm.yaml"))
        if found:
            return found[0]
    return SAMPLE_PROJECT


def sample_data_file(project: Path, name: str) -> Path | None:
    """A data file of a sample: beside its project file, else the shared one in ``sample_data/``.

    The Indonesian Kopiloka tells the same story as the English one, so it reads the
    same event log and tickets (its survey names segments, goals and pains in
    Indonesian, so it has its own); a sample business of its own keeps its own files.
    """
    for candidate in (project.parent / name, SAMPLE_DIR / name):
        if candidate.is_file():
            return candidate
    return None


def _in_sample_dir(path: Path) -> bool:
    try:
        path.resolve().relative_to(SAMPLE_DIR.resolve())
    except ValueError:
        return False
    return True


def workspace_dir() -> Path:
    """Where learners' own projects go by default: $CJM_HOME or ~/cjm-projects."""
    return Path(os.environ.get("CJM_HOME") or Path.home() / "cjm-projects")


def starter_names() -> list[str]:
    """Names accepted by `cjm new --template`: the map starters and 'sample'."""
    names = sorted(p.name.removesuffix(".cjm.yaml") for p in MAP_STARTERS_DIR.glob("*.cjm.yaml"))
    return names + ["sample"]


def starter_path(name: str, lang: str = DEFAULT_LANGUAGE) -> Path:
    """The file `cjm new --template NAME --lang LANG` copies: the language's own, else the English one."""
    if name == "sample":
        return sample_project(lang)
    path = MAP_STARTERS_DIR / f"{name}.cjm.yaml"
    translated = MAP_STARTERS_DIR / lang / path.name
    if lang != DEFAULT_LANGUAGE and translated.is_file():
        return translated
    if not path.is_file():
        raise CJMError(
            t("errors.paths.no_template", name=repr(name), names=", ".join(starter_names()))
        )
    return path


WINDOWS_DEVICE_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"{d}{n}" for d in ("COM", "LPT") for n in range(1, 10)]
)
"""Names Windows reserves for devices: a project folder so named cannot be shared there."""


def _check_folder_name(name: str) -> None:
    """Refuse folder names that are empty, hold a NUL byte, or are Windows device names."""
    if not name.strip():
        raise CJMError(t("errors.paths.empty_name"))
    if "\x00" in name:
        raise CJMError(t("errors.paths.nul", name=repr(name)))
    last = Path(name).name
    if last.split(".")[0].strip().upper() in WINDOWS_DEVICE_NAMES:
        raise CJMError(t("errors.paths.device", name=repr(last)))


def _write_new(target: Path, data: bytes) -> None:
    """Write a file that must not exist yet: never through a symlink, never over a file."""
    with open(target, "xb") as out:  # O_CREAT | O_EXCL: a link, even a dangling one, is refused
        out.write(data)


def create_project(
    folder: str | os.PathLike[str], template: str = "current_state", lang: str | None = None
) -> Path:
    """Copy a starter into ``folder/project.cjm.yaml``; never overwrite an existing project.

    With ``lang`` the starter (or sample) written in that language is used, and the
    project's ``language`` is set to it so every notebook speaks it by default.
    """
    source = starter_path(template, lang or DEFAULT_LANGUAGE)
    _check_folder_name(str(folder))
    target_dir = Path(folder)
    if target_dir.exists() and not target_dir.is_dir():
        raise CJMError(t("errors.paths.not_folder", path=target_dir))
    target = target_dir / PROJECT_FILE_NAME
    if target.is_symlink() and not target.exists():
        raise CJMError(t("files.new.dangling", path=str(target), to=os.readlink(target)))
    if target.exists():
        raise CJMError(t("errors.paths.exists", path=target))
    try:
        target_dir.mkdir(parents=True, exist_ok=True)
        data = source.read_bytes()
        if lang:
            from .i18n import check_language

            data = with_language(data.decode("utf-8"), check_language(lang)).encode("utf-8")
        _write_new(target, data)
        if template == "sample":
            for name in SAMPLE_DATA_NAMES:
                data_file = sample_data_file(source, name)
                if data_file is not None and not os.path.lexists(target_dir / name):
                    _write_new(target_dir / name, data_file.read_bytes())
    except FileExistsError:
        raise CJMError(t("errors.paths.exists", path=target)) from None
    except OSError as exc:
        raise CJMError(
            t("errors.paths.cannot_create", path=target, reason=exc.strerror or exc)
        ) from None
    return target


_LANGUAGE_LINE = re.compile(r"^language:.*$", re.MULTILINE)


def with_language(text: str, lang: str) -> str:
    """A project file's text with its top-level ``language`` set to ``lang`` (added when absent)."""
    line = f"language: {lang}"
    if _LANGUAGE_LINE.search(text):
        return _LANGUAGE_LINE.sub(line, text, count=1)
    head, _sep, rest = text.partition("\n")
    if head.startswith("schema_version:"):
        return f"{head}\n{line}\n{rest}"
    return f"{line}\n{text}"


def resolve_project(project_file: str | os.PathLike[str] | None = "", lang: str = "") -> Path:
    """The project a notebook should open.

    An explicit path wins; then the ``CJM_PROJECT`` environment variable that
    `cjm lab` sets; otherwise a personal copy of the sample project (in ``lang``,
    English when empty) in the workspace folder, made on first use so the shipped
    sample stays clean.
    """
    if project_file:
        return Path(project_file).expanduser().resolve()
    if os.environ.get(PROJECT_ENV):
        return Path(os.environ[PROJECT_ENV]).expanduser().resolve()
    lang = lang or DEFAULT_LANGUAGE
    folder = "sample" if lang == DEFAULT_LANGUAGE else f"sample-{lang}"
    target = workspace_dir() / folder / PROJECT_FILE_NAME
    if not target.exists():
        create_project(target.parent, "sample", lang=None if lang == DEFAULT_LANGUAGE else lang)
    return target


def resolve_data(
    data_file: str | os.PathLike[str] | None, project_path: Path, declared: str
) -> Path | None:
    """A data file given as a parameter, else the one the project declares (relative to it)."""
    if data_file:
        return Path(data_file).expanduser().resolve()
    if declared:
        beside = (project_path.parent / declared).resolve()
        if not beside.exists() and _in_sample_dir(project_path):
            shared = sample_data_file(project_path, Path(declared).name)
            return shared.resolve() if shared is not None else beside
        return beside
    return None
