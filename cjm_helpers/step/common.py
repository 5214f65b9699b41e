"""What every step shares and needs no data library: titles, today, file stamps, notes, error display."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from .. import paths
from ..errors import CJMError
from ..kernel import kernel_shell

__all__ = [
    "RUN_CACHE_ENV",
    "STEP_TITLES",
    "TODAY_ENV",
    "file_stamp",
    "note_html",
    "reference_date",
    "show_errors_as_messages",
]

RUN_CACHE_ENV = "CJM_RUN_CACHE"
"""The folder where the chapters of one run keep the tables they share; unset, none is kept."""

TODAY_ENV = paths.TODAY_ENV
reference_date = paths.reference_date
"""Fixes 'today' (YYYY-MM-DD) so executed notebooks do not change from day to day."""

STEP_TITLES: dict[int, str] = {
    0: "Start here",
    1: "Set clear objectives",
    2: "Profile your personas and their goals",
    3: "Highlight your target personas",
    4: "List all the touchpoints",
    5: "Identify the elements your map will show",
    6: "Determine the resources you have and need",
    7: "Take the customer journey yourself",
    8: "Make the necessary changes",
}


def file_stamp(path: Path) -> tuple[int, int, int] | None:
    """What tells a file's versions apart without reading it: modification time (ns), size, inode."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size, info.st_ino


def note_html(message: str, tone: str = "info") -> str:
    """A short boxed note in a notebook: information (info), something to fix (warn), all good (ok)."""
    colour = {"info": "#2a7ab0", "warn": "#b7791f", "ok": "#2f855a"}.get(tone, "#2a7ab0")
    return (
        f"<div class='cjm-note' style='border-left:4px solid {colour};padding:6px 12px;"
        f'margin:6px 0;background:#f7f9fb;font-family:"DejaVu Sans",Arial,sans-serif\'>'
        f"{html.escape(message)}</div>"
    )


def show_errors_as_messages() -> None:
    """In a kernel, show our own errors (a problem in the learner's input) as their message only.

    The cell still fails (papermill and nbval still see an error), but the learner reads
    "ProjectInvalid: project.cjm.yaml: ... names: is empty" instead of a traceback.
    """
    shell = kernel_shell()
    if shell is None:
        return

    def message_only(
        shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: Any = None
    ) -> None:
        shell._showtraceback(etype, value, [f"\x1b[0;31m{etype.__name__}\x1b[0m: {value}"])

    shell.set_custom_exc((CJMError,), message_only)
