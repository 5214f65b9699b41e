"""The data files a project names in its ``data:`` section, as a learner attaches them in step 1.

A path typed in the form is checked before saving (the file exists and is a table the
notebooks can read) and stored the way the notebooks look for it: relative to the
project file when it lies in the project folder, in full otherwise.
"""

from __future__ import annotations

__all__ = ["DATA_FILES", "data_file_problems", "resolve_data_file", "stored_path"]

from pathlib import Path
from typing import Any

from ..errors import CJMError, Problem
from ..files import check_table_file
from ..i18n import Message
from ..model import Project

DATA_FILES = ("events", "survey", "tickets")
"""The data files a project can name, by their key under ``data:``."""


def resolve_data_file(typed: str, folder: Path) -> Path | None:
    """The file a learner typed: a full path, or one relative to the project folder; None if absent."""
    path = Path(typed).expanduser()
    found = path if path.is_absolute() else folder / path
    return found.resolve() if found.is_file() else None


def stored_path(found: Path, folder: Path) -> str:
    """How the project file names a data file: relative to its folder when inside it, else in full."""
    try:
        return found.relative_to(folder.resolve()).as_posix()
    except ValueError:
        return str(found)


def data_file_problems(
    data: dict[str, Any], folder: Path, loaded: Project | None, lang: str
) -> list[Problem]:
    """Problems with the data files named in ``data['data']``, which is updated to the stored paths.

    Only a path that differs from the one loaded is checked: the sample's files live
    beside the shipped sample, not beside a copy of its project file.
    """
    files = data.get("data") or {}
    out = []
    for kind in DATA_FILES:
        typed = str(files.get(kind) or "").strip()
        if not typed or (loaded is not None and getattr(loaded.data, kind) == typed):
            continue
        found = resolve_data_file(typed, folder)
        if found is None:
            said = Message("learner.data.missing", {"path": typed, "folder": str(folder)})
            out.append(Problem(f"data.{kind}", said.text("en"), said))
            continue
        try:
            check_table_file(found, lang)
        except CJMError as exc:
            said = Message("learner.data.not_a_table", {"reason": str(exc)})
            out.append(Problem(f"data.{kind}", str(exc), said))
            continue
        files[kind] = stored_path(found, folder)
    return out
