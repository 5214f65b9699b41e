"""Environment variables set for a while and put back afterwards, whatever happens in between."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

__all__ = ["scoped_environ"]


@contextmanager
def scoped_environ(changes: Mapping[str, str | None]) -> Iterator[None]:
    """Set (a text) or remove (``None``) each variable, and restore every one of them on exit.

    Kernels and subprocesses started inside see the changed environment; the
    caller's own environment is the same after the block as before, even when
    the block fails.
    """
    saved = {key: os.environ.get(key) for key in changes}
    try:
        _apply(changes)
        yield
    finally:
        _apply(saved)


def _apply(values: Mapping[str, str | None]) -> None:
    """Set each variable to its text, or remove it where the value is ``None``."""
    for key, value in values.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
