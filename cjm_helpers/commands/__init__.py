"""Subcommands of ``cjm``, one module per group.

Each module exposes ``register(subparsers)`` and an ``ORDER`` number that places
its commands in ``cjm --help``; modules are found automatically, so a new group
of commands is one new file here.
"""

from __future__ import annotations

__all__ = ["command_modules"]

import importlib
import pkgutil
from types import ModuleType


def command_modules() -> list[ModuleType]:
    modules = [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in pkgutil.iter_modules(__path__)
        if not info.name.startswith("_")
    ]
    return sorted(modules, key=lambda m: (getattr(m, "ORDER", 100), m.__name__))
