"""Where the suite's own files live, and which project a notebook works on.

Notebooks run from different folders (nbval uses the notebook's folder,
papermill its ``--cwd``), so every path goes through here, never through the
current directory.
"""

from __future__ import annotations

import os
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
PROJECT_ENV = "CJM_PROJECT"
"""Environment variable `cjm lab` sets so every notebook opens the same project."""
PROJECT_FILE_NAME = "project.cjm.yaml"
TODAY_ENV = "CJM_TODAY"
"""Environment variable that fixes 'today' (YYYY-MM-DD), so review dates read the same in every run."""
SAMPLE_REFERENCE_DATE = "2026-11-23"
"""The day the committed notebook outputs are computed for; tests and `cjm notebooks refresh` use it."""


def workspace_dir() -> Path:
    """Where learners' own projects go by default: $CJM_HOME or ~/cjm-projects."""
    return Path(os.environ.get("CJM_HOME") or Path.home() / "cjm-projects")


def starter_names() -> list[str]:
    """Names accepted by `cjm new --template`: the map starters and 'sample'."""
    names = sorted(p.name.removesuffix(".cjm.yaml") for p in MAP_STARTERS_DIR.glob("*.cjm.yaml"))
    return names + ["sample"]


def starter_path(name: str) -> Path:
    if name == "sample":
        return SAMPLE_PROJECT
    path = MAP_STARTERS_DIR / f"{name}.cjm.yaml"
    if not path.is_file():
        raise CJMError(t("errors.paths.no_template", name=repr(name), names=", ".join(starter_names())))
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


def _copy_new(source: Path, target: Path) -> None:
    """Copy into a file that must not exist yet: never through a symlink, never over a file."""
    with open(target, "xb") as out:  # O_CREAT | O_EXCL: a link, even a dangling one, is refused
        out.write(source.read_bytes())


def create_project(folder: str | os.PathLike[str], template: str = "current_state") -> Path:
    """Copy a starter into ``folder/project.cjm.yaml``; never overwrite an existing project."""
    source = starter_path(template)
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
        _copy_new(source, target)
        if template == "sample":
            for data_file in (SAMPLE_EVENTS, SAMPLE_SURVEY, SAMPLE_TICKETS):
                if data_file.exists() and not os.path.lexists(target_dir / data_file.name):
                    _copy_new(data_file, target_dir / data_file.name)
    except FileExistsError:
        raise CJMError(t("errors.paths.exists", path=target)) from None
    except OSError as exc:
        raise CJMError(t("errors.paths.cannot_create", path=target, reason=exc.strerror or exc)) from None
    return target


def resolve_project(project_file: str | os.PathLike[str] | None = "") -> Path:
    """The project a notebook should open.

    An explicit path wins; then the ``CJM_PROJECT`` environment variable that
    `cjm lab` sets; otherwise a personal copy of the sample project in the
    workspace folder, made on first use so the shipped sample stays clean.
    """
    if project_file:
        return Path(project_file).expanduser().resolve()
    if os.environ.get(PROJECT_ENV):
        return Path(os.environ[PROJECT_ENV]).expanduser().resolve()
    target = workspace_dir() / "sample" / PROJECT_FILE_NAME
    if not target.exists():
        create_project(target.parent, "sample")
    return target


def resolve_data(data_file: str | os.PathLike[str] | None, project_path: Path, declared: str) -> Path | None:
    """A data file given as a parameter, else the one the project declares (relative to it)."""
    if data_file:
        return Path(data_file).expanduser().resolve()
    if declared:
        return (project_path.parent / declared).resolve()
    return None
