"""Every public module of cjm_helpers says what a notebook may call from it (``__all__``)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import cjm_helpers


def _public_modules() -> list[str]:
    """cjm_helpers and every module under it whose dotted name has no part starting with '_'."""
    names = [cjm_helpers.__name__]
    for info in pkgutil.walk_packages(cjm_helpers.__path__, prefix=f"{cjm_helpers.__name__}."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return names


PUBLIC_MODULES = _public_modules()


def test_the_package_has_many_public_modules() -> None:
    assert len(PUBLIC_MODULES) > 50  # the walk found the package, not an empty folder


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_public_module_declares_its_api(name: str) -> None:
    module = importlib.import_module(name)
    declared = getattr(module, "__all__", None)
    assert isinstance(declared, (list, tuple)), f"{name} has no __all__"
    assert declared, f"{name}.__all__ is empty"
    assert len(set(declared)) == len(declared), f"{name}.__all__ names something twice"
    missing = [item for item in declared if not hasattr(module, item)]
    assert not missing, f"{name}.__all__ names what the module does not have: {missing}"
    private = [item for item in declared if item.startswith("_") and item != "__version__"]
    assert not private, f"{name}.__all__ exports private names: {private}"
