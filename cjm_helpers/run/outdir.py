"""The output folder of `cjm run`: take it over safely, and remember what the run writes there.

A run writes a manifest (``.cjm-run.json``) listing the files it is about to write. The next
run into the same folder removes only those files, so a page or notebook the user added
beside them survives; a non-empty folder without a manifest is refused, and the notebooks
a run is about to execute are never removed or written over.
"""

from __future__ import annotations

__all__ = ["MANIFEST_LIMIT", "MANIFEST_NAME", "PREPARED", "claim_output_folder", "planned_outputs"]

import json
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from .. import paths
from ..errors import CJMError
from ..files import read_bytes_bounded
from ..i18n import t

MANIFEST_NAME = ".cjm-run.json"
MANIFEST_LIMIT = 1 << 20
PREPARED = frozenset({"data", ".cjm-home", MANIFEST_NAME})
"""Entries a folder may hold before its first run: the data a `--for-each` run puts there first."""


def planned_outputs(notebooks: Sequence[Path]) -> list[str]:
    """What a run of these notebooks writes, relative to its output folder."""
    names = [paths.PROJECT_FILE_NAME, "report.html", "brief.html", "html/index.html"]
    for notebook in notebooks:
        names += [f"notebooks/{notebook.name}", f"html/{notebook.stem}.html"]
    return names


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def _earlier_outputs(out: Path, lang: str) -> list[str]:
    """The files an earlier run listed in its manifest (only plain relative names)."""
    raw = read_bytes_bounded(out / MANIFEST_NAME, MANIFEST_LIMIT, "manifest", CJMError, lang)
    try:
        listed = json.loads(raw.decode("utf-8")).get("files", [])
    except (ValueError, AttributeError):
        raise CJMError(t("files.run.bad_manifest", lang, path=str(out / MANIFEST_NAME))) from None
    names = []
    for name in listed if isinstance(listed, list) else []:
        pure = PurePosixPath(name) if isinstance(name, str) else None
        if pure is not None and name and not pure.is_absolute() and ".." not in pure.parts:
            names.append(name)
    return names


def claim_output_folder(out: Path, notebooks: Sequence[Path], lang: str = "en") -> None:
    """Make ``out`` ready for a run of ``notebooks``, or refuse it with a message; write the manifest.

    Called after the inputs are checked and before anything is written.
    """
    out = Path(out)
    sources = {nb.resolve() for nb in notebooks}
    planned = planned_outputs(notebooks)
    for name in planned:
        if (out / name).resolve() in sources:
            raise CJMError(
                t(
                    "files.run.notebooks_inside",
                    lang,
                    folder=str(out),
                    notebooks=str(notebooks[0].parent),
                )
            )
    if out.exists() and not out.is_dir():
        raise CJMError(t("files.run.not_folder", lang, path=str(out)))
    if (out / MANIFEST_NAME).is_file() and not (out / MANIFEST_NAME).is_symlink():
        for name in _earlier_outputs(out, lang):
            target = out / name
            if target.is_symlink() or not target.is_file() or target.resolve() in sources:
                continue
            if _inside(target.resolve(), out.resolve()):
                target.unlink()
    elif out.exists():
        foreign = sorted(p.name for p in out.iterdir() if p.name not in PREPARED)
        if foreign:
            raise CJMError(
                t(
                    "files.run.not_ours",
                    lang,
                    folder=str(out),
                    names=", ".join(foreign[:3]),
                    manifest=MANIFEST_NAME,
                )
            )
    from ..store import atomic_write_text

    out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(
        out / MANIFEST_NAME, json.dumps({"files": planned}, indent=1) + "\n", durable=False
    )
