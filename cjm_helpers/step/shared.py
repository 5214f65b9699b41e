"""Tables that several chapters of one run show, computed by the first and read back by the others.

``cjm run`` names a private folder in ``CJM_RUN_CACHE`` for its kernels. A shared view
(``SHARED_VIEWS``) computed there is kept as a file named by a fingerprint of what it was
computed from: the view, the language, the project file's bytes and each data file's path,
modification time and size. A later chapter asking for the same view on the same files reads
it back instead of loading the data again; any change to a file gives another name, so a
table is never reused for inputs it was not computed from. Without the variable (a notebook
opened in JupyterLab) nothing is kept on disk.
"""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pandas as pd

from ..errors import SaveFailed
from ..store import atomic_write_bytes
from .common import RUN_CACHE_ENV, file_stamp

__all__ = ["SHARED_VIEWS", "fingerprint", "read_shared", "write_shared"]

SHARED_VIEWS = frozenset({"persona_scores", "kpis"})
"""Views more than one chapter shows: persona scores (steps 2 and 3), the KPIs (steps 7 and 8)."""


def fingerprint(name: str, language: str, project_path: Path, data_paths: list[Path | None]) -> str:
    """A name for one view computed from these files as they are now (their bytes or stamps)."""
    digest = hashlib.sha256(f"{name}\0{language}\0".encode())
    digest.update(project_path.read_bytes())
    for path in data_paths:
        digest.update(f"\0{path}\0{file_stamp(path) if path else None}".encode())
    return digest.hexdigest()[:32]


def _folder() -> Path | None:
    folder = os.environ.get(RUN_CACHE_ENV, "")
    return Path(folder) if folder else None


def read_shared(key: str) -> pd.DataFrame | None:
    """The table kept under ``key`` in this run, or None (no run folder, not kept yet, unreadable)."""
    folder = _folder()
    if folder is None:
        return None
    try:
        return pd.read_parquet(folder / f"{key}.parquet")  # data only: a planted file runs nothing
    except Exception:  # a missing or damaged file, whatever the reader says: compute the view again
        return None


def write_shared(key: str, frame: pd.DataFrame) -> None:
    """Keep ``frame`` under ``key`` for the run's later chapters (nothing outside a run)."""
    folder = _folder()
    if folder is None:
        return
    buffer = io.BytesIO()
    try:
        frame.to_parquet(buffer)
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(folder / f"{key}.parquet", buffer.getvalue(), durable=False)
    except (OSError, SaveFailed, ValueError, TypeError, ImportError):
        pass  # not kept (or a column Parquet cannot hold): a later chapter computes it again
