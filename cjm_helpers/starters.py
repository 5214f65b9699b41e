"""The starters `cjm new --template` offers, each with the one line that says what it is.

A starter is a project file in ``templates/maps/``: ``NAME.cjm.yaml`` in English,
``id/NAME.cjm.yaml`` and ``pl/NAME.cjm.yaml`` in translation, with the same ids.
Its ``description`` field is the line shown in the list, in the language asked
for when a translation exists, else in English.
"""

from __future__ import annotations

__all__ = ["SUFFIX", "ListStarters", "format_starters", "starter_file", "starters"]

import argparse
from pathlib import Path
from typing import Any

from .errors import CJMError
from .i18n import check_language, t
from .paths import MAP_STARTERS_DIR, SAMPLE_PROJECT
from .yamlio import YamlError, parse_yaml

SUFFIX = ".cjm.yaml"


def _header(path: Path) -> tuple[str, str]:
    """(name, description) of a project file, read without validating the whole project."""
    try:
        data = parse_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YamlError) as exc:
        raise CJMError(t("starters.unreadable", path=path, reason=exc)) from None
    if not isinstance(data, dict):
        raise CJMError(t("starters.not_project", path=path))
    return str(data.get("name") or ""), " ".join(str(data.get("description") or "").split())


def starter_file(name: str, lang: str = "en") -> Path:
    """The starter's file in ``lang`` when translated, else the English one."""
    translated = MAP_STARTERS_DIR / check_language(lang) / f"{name}{SUFFIX}"
    return (
        translated
        if lang != "en" and translated.is_file()
        else MAP_STARTERS_DIR / f"{name}{SUFFIX}"
    )


def starters(lang: str = "en") -> list[tuple[str, str]]:
    """Every starter as (name, one line), sorted by name, then the worked example 'sample'."""
    names = sorted(p.name.removesuffix(SUFFIX) for p in MAP_STARTERS_DIR.glob(f"*{SUFFIX}"))
    listed = []
    for name in names:
        title, line = _header(starter_file(name, lang))
        listed.append((name, line or title))
    listed.append(("sample", t("starters.sample", lang, name=_header(SAMPLE_PROJECT)[0])))
    return listed


def format_starters(lang: str = "en") -> str:
    """The list as text, one starter a line, names aligned."""
    listed = starters(lang)
    width = max(len(name) for name, _ in listed)
    lines = [t("starters.heading", lang)]
    lines += [f"  {name.ljust(width)}  {line}" for name, line in listed]
    return "\n".join(lines)


class ListStarters(argparse.Action):
    """`cjm new --list-templates`: list the starters instead of making a project.

    Only noted here; the command prints the list once every option is read, so
    ``--list-templates --lang pl`` lists in Polish whatever the order of the two.
    """

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        kwargs.setdefault("help", "list the templates with one line each, then stop")
        super().__init__(option_strings, dest, nargs=0, default=False, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        setattr(namespace, self.dest, True)
