"""Package names imported when first used, so a command loads only the modules its work needs."""

from __future__ import annotations

__all__ = ["exports_on_use"]

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def exports_on_use(package: str, modules: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``: each name in ``modules`` (name -> submodule) is
    imported from its submodule when first asked for, then kept on the package."""

    def __getattr__(name: str) -> Any:
        module = modules.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
