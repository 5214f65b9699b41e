"""The project file store: one YAML file per project, saved atomically, with history.

* Reading is safe (no tags, no aliases), UTF-8, and migrates older schemas.
* Writing goes to a temporary file that is flushed, fsynced and renamed over the
  old one, so the file on disk is always either the old or the new version.
* Every saved version is also kept in ``.<file>.history/`` beside the project
  (the newest :data:`HISTORY_KEEP`), for undo and for comparing versions, with
  who saved it (``$CJM_AUTHOR``, else the login name) in a ``.who`` file beside it.
* A :class:`ProjectStore` remembers what it loaded; when another session saved in
  the meantime it merges both edits and refuses only real conflicts.
"""

from __future__ import annotations

__all__ = [
    "HISTORY_KEEP",
    "LOCK_TIMEOUT_S",
    "SAVE_FAILED",
    "ProjectStore",
    "Version",
    "atomic_write_bytes",
    "atomic_write_text",
    "check_history_dir",
    "history_dir",
    "list_versions",
    "load_project",
    "project_from_text",
    "project_to_data",
    "project_to_yaml",
    "save_project",
]

import datetime as dt
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from .errors import ProjectFileError, ProjectInvalid, SaveConflict, SaveFailed
from .files import SAVE_FAILED, atomic_write_bytes, atomic_write_text, read_text_bounded
from .i18n import t
from .merge import three_way_merge
from .migrations import migrate
from .model import Project
from .validation import validate_project
from .yamlio import MAX_YAML_BYTES, YamlError, dump_yaml, parse_yaml

HISTORY_KEEP = 50
LOCK_TIMEOUT_S = 10.0
AUTHOR_ENV = "CJM_AUTHOR"
"""Who saves, as the project's history records it; empty: the operating system's login name."""
AUTHOR_SUFFIX = ".who"


def current_author() -> str:
    """The name a save is recorded under: ``$CJM_AUTHOR``, else the login name, else ''."""
    import getpass

    name = os.environ.get(AUTHOR_ENV, "").strip()
    if name:
        return name[:100]
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (e.g. a container with an unknown user id)
        return ""


# --- plain data <-> project ----------------------------------------------------


def _prune(value: Any) -> Any:
    """Drop empty values (None, '', [], {}) so files show only what was filled in."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            item = _prune(item)
            if item is None or item == "" or item == [] or item == {}:
                continue
            out[key] = item
        return out
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def project_to_data(project: Project) -> dict[str, Any]:
    """The canonical plain-data form of a project, as written to its file."""
    data = project.model_dump(mode="json")
    order = {stage_id: i for i, stage_id in enumerate(project.stage_ids())}
    for journey in data["journeys"]:
        journey["stages"] = dict(
            sorted(journey["stages"].items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))
        )
    pruned = _prune(data)
    pruned["schema_version"] = data["schema_version"]
    pruned["name"] = data["name"]
    return pruned


def project_to_yaml(project: Project) -> str:
    """The exact text a project is saved as."""
    return dump_yaml(project_to_data(project))


def project_from_text(text: str, source: str = "<text>") -> Project:
    """Parse, migrate and validate project YAML text."""
    try:
        data = parse_yaml(text)
    except YamlError as exc:
        raise ProjectFileError(t("errors.store.bad_yaml", source=source, reason=exc)) from None
    if data is None:
        raise ProjectFileError(t("errors.store.empty", source=source))
    return validate_project(migrate(data, source), source)


# --- reading -------------------------------------------------------------------


def _read_text(path: Path) -> str:
    """A project file's text: a regular file of at most MAX_YAML_BYTES, read with the limit applied."""
    return read_text_bounded(path, MAX_YAML_BYTES, "project", ProjectFileError)


def load_project(path: str | os.PathLike[str]) -> Project:
    """Load and validate a project file."""
    path = Path(path)
    return project_from_text(_read_text(path), str(path))


# --- writing ---------------------------------------------------------------------


def history_dir(path: Path) -> Path:
    return path.with_name(f".{path.name}.history")


def _lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


@dataclass(frozen=True)
class Version:
    """One saved version of a project, kept in its history folder."""

    path: Path
    saved_at: dt.datetime
    author: str = ""
    """Who saved it, when the history recorded that (older versions: empty)."""

    def load(self) -> Project:
        return load_project(self.path)

    def text(self) -> str | None:
        """The version's text, or None when it can no longer be read."""
        try:
            return _read_text(self.path)
        except ProjectFileError:
            return None


_VERSION_NAME = re.compile(r"^\d{8}T\d{12}Z(-\d+)?\.yaml$")
"""How the store names a saved version; pruning never touches any other file."""


def check_history_dir(path: Path) -> None:
    """Refuse a history folder that is a symlink, not a folder, or another user's.

    Saving prunes old versions there, so a shared project whose ``.NAME.history``
    points elsewhere must not make a save delete files in that other place.
    """
    folder = history_dir(path)
    try:
        info = folder.lstat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise SaveFailed(
            t("files.history.unreadable", path=str(folder), reason=exc.strerror or exc)
        ) from None
    if stat.S_ISLNK(info.st_mode):
        raise SaveFailed(t("files.history.symlink", path=str(folder), project=str(path)))
    if not stat.S_ISDIR(info.st_mode):
        raise SaveFailed(t("files.history.not_folder", path=str(folder), project=str(path)))
    if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        raise SaveFailed(t("files.history.not_ours", path=str(folder), project=str(path)))


def _record_history(path: Path, text: str, author: str = "") -> None:
    folder = history_dir(path)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    try:
        folder.mkdir(exist_ok=True)
        check_history_dir(path)  # made by someone else between the check before saving and now
        target = folder / f"{stamp}.yaml"
        n = 1
        while target.exists():
            target = folder / f"{stamp}-{n}.yaml"
            n += 1
        if author:
            atomic_write_text(target.with_suffix(AUTHOR_SUFFIX), author, durable=False)
        atomic_write_text(target, text, durable=False)
        ours = sorted(
            p for p in folder.glob("*.yaml") if _VERSION_NAME.match(p.name) and not p.is_symlink()
        )
        for old in ours[:-HISTORY_KEEP]:
            old.unlink(missing_ok=True)
            old.with_suffix(AUTHOR_SUFFIX).unlink(missing_ok=True)
    except (OSError, SaveFailed):
        pass  # history is a convenience; the project itself is already saved


def list_versions(path: str | os.PathLike[str]) -> list[Version]:
    """Saved versions of a project, oldest first."""
    folder = history_dir(Path(path))
    versions = []
    for file in sorted(folder.glob("*.yaml")):
        stamp = file.stem.split("-")[0]
        try:
            when = dt.datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=dt.UTC)
        except ValueError:
            continue
        versions.append(Version(file, when, _author_of(file)))
    return versions


def _author_of(version: Path) -> str:
    """Who saved a version, from the ``.who`` file beside it ('' when there is none)."""
    who = version.with_suffix(AUTHOR_SUFFIX)
    try:
        if who.is_symlink():
            return ""
        return who.read_text(encoding="utf-8", errors="replace").strip()[:100]
    except OSError:
        return ""


def _lock(path: Path) -> FileLock:
    return FileLock(str(_lock_path(path)), timeout=LOCK_TIMEOUT_S)


def _read_current(path: Path) -> str | None:
    """The file's text as it is now, or None when there is no readable file."""
    try:
        return _read_text(path)
    except ProjectFileError:
        return None


def _remove_stale_temps(path: Path) -> None:
    """Delete temporary files a killed save left behind; called under the lock, so none is live."""
    for folder, pattern in ((path.parent, f".{path.name}.*.tmp"), (history_dir(path), ".*.tmp")):
        for stale in folder.glob(pattern):
            try:
                stale.unlink(missing_ok=True)
            except OSError:
                pass  # the save itself will say why the folder cannot be written


def _write_if_changed(path: Path, text: str, current: str | None) -> None:
    if current == text:
        return
    check_history_dir(path)
    _remove_stale_temps(path)
    atomic_write_text(path, text)
    _record_history(path, text, current_author())


def _checked_text(project: Project, path: Path) -> tuple[Project, str]:
    """Validate a project (structure and references) and give the exact text to save."""
    data = project_to_data(project)
    return validate_project(data, str(path)), dump_yaml(data)


def save_project(project: Project, path: str | os.PathLike[str]) -> Path:
    """Validate and write a project, replacing whatever the file held."""
    path = Path(path)
    _, text = _checked_text(project, path)
    with _locked(path):
        _write_if_changed(path, text, _read_current(path))
    return path


class _locked:
    """The project's lock file, turned into our errors when it cannot be taken."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = _lock(path)

    def __enter__(self) -> None:
        try:
            self.lock.acquire()
        except Timeout:
            raise SaveFailed(
                t("errors.store.locked", path=self.path, seconds=f"{LOCK_TIMEOUT_S:.0f}")
            ) from None
        except OSError as exc:
            raise SaveFailed(
                t(
                    "errors.store.cannot_save",
                    path=self.path,
                    folder=self.path.parent,
                    reason=exc.strerror or exc,
                )
            ) from None

    def __exit__(self, *exc: object) -> None:
        self.lock.release()


class ProjectStore:
    """A project file opened for editing: load once, save many times, merge with others.

    Use one store per notebook or form. ``save`` merges with whatever another
    session saved since this store last loaded or saved, and raises
    :class:`SaveConflict` (writing nothing) when both changed the same field.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._base_text: str | None = None
        self._opened_text: str | None = None
        self._opened_at: dt.datetime | None = None
        self._own_texts: set[str] = set()

    def load(self) -> Project:
        text = _read_text(self.path)
        project = project_from_text(text, str(self.path))
        self._base_text = text
        if self._opened_text is None:
            self._opened_text, self._opened_at = text, dt.datetime.now(dt.UTC)
        return project

    def changed_on_disk(self) -> bool:
        """Whether another session saved the file since this store last loaded or saved it."""
        return self._base_text is not None and _read_current(self.path) != self._base_text

    def loaded(self) -> Project | None:
        """The project as this store last loaded or saved it (the base a save merges against)."""
        return (
            None if self._base_text is None else project_from_text(self._base_text, str(self.path))
        )

    def save(self, project: Project) -> Project:
        """Save, merging with concurrent saves; return the project as now on disk."""
        result, text = _checked_text(project, self.path)
        with _locked(self.path):
            current = _read_current(self.path)
            if current is not None and self._base_text is not None and current != self._base_text:
                result, text = self._merge(result, current)
            _write_if_changed(self.path, text, current)
        self._base_text = text
        self._own_texts.add(text)
        return result

    def _merge(self, mine: Project, current: str) -> tuple[Project, str]:
        """Three-way merge of this store's edit with what another session saved meanwhile."""
        source = str(self.path)
        base = project_to_data(project_from_text(self._base_text or "", source))
        theirs = project_to_data(project_from_text(current, source))
        merged, conflicts = three_way_merge(base, project_to_data(mine), theirs)
        if conflicts:
            raise SaveConflict(source, conflicts)
        try:
            result = validate_project(merged, source)
        except ProjectInvalid as exc:
            raise SaveConflict(
                source, [t("errors.store.merged_problem", problem=p) for p in exc.problems]
            ) from None
        return result, project_to_yaml(result)

    def versions(self) -> list[Version]:
        return list_versions(self.path)

    def saved_by_others(self) -> list[tuple[Version, str, str]]:
        """Versions others saved since this store first loaded: (version, text before, text).

        The history is read from the moment of opening on; the versions this store saved
        itself are left out.
        """
        if self._opened_at is None or self._opened_text is None:
            return []
        versions = self.versions()
        out = []
        before: str | None = self._opened_text
        for version in versions:
            if version.saved_at <= self._opened_at:
                continue
            after = version.text()
            if before is not None and after is not None and after not in self._own_texts:
                out.append((version, before, after))
            before = after
        return out

    def undo(self) -> Project:
        """Restore the version saved before the current one (itself saved as a new version)."""
        versions = self.versions()
        if len(versions) < 2:
            raise ProjectFileError(t("errors.store.no_earlier", path=self.path))
        previous = versions[-2].load()
        self._base_text = None
        return self.save(previous)
