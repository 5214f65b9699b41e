"""The IPython shell a notebook cell runs in, looked up in one place (``None`` outside a kernel)."""

from __future__ import annotations

from typing import Any

__all__ = ["kernel_shell"]


def kernel_shell() -> Any | None:
    """The running IPython shell, or ``None`` in a plain Python process (or without IPython).

    Notebook-only behaviour (message-only errors, human tables, inline figures) is
    switched on through this, so scripts, tests and the CLI keep plain Python's.
    """
    try:
        from IPython import get_ipython  # optional: the CLI runs without IPython
    except ImportError:
        return None
    return get_ipython()
