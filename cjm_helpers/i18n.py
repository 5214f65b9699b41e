"""Message catalogues: every label, heading and message of the suite, per language.

Catalogues live in ``locales/<lang>/<area>.yaml`` (one file per area of the
package, so areas grow independently); keys are dotted, e.g.
``map.lane.actions``. English is complete by definition; Bahasa Indonesia and
Polish fall back to English for a missing key, and a test lists what is missing.
"""

from __future__ import annotations

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LOCALES_DIR",
    "Message",
    "catalogue",
    "check_language",
    "format_date",
    "format_number",
    "format_percent",
    "t",
]

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal as _babel_decimal
from babel.numbers import format_percent as _babel_percent

from .yamlio import parse_yaml

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
LANGUAGES: tuple[str, ...] = ("en", "id", "pl")
DEFAULT_LANGUAGE = "en"
_BABEL_LOCALE = {"en": "en_GB", "id": "id_ID", "pl": "pl_PL"}


def _flatten(prefix: str, value: Any, out: dict[str, str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), item, out)
    else:
        out[prefix] = str(value)


@cache
def catalogue(lang: str) -> dict[str, str]:
    """All messages of one language as a flat {dotted key: text} mapping."""
    messages: dict[str, str] = {}
    for file in sorted((LOCALES_DIR / lang).glob("*.yaml")):
        _flatten(file.stem, parse_yaml(file.read_text(encoding="utf-8")) or {}, messages)
    return messages


def check_language(lang: str) -> str:
    from .errors import CJMError

    if lang not in LANGUAGES:
        raise CJMError(t("errors.language", lang=repr(lang), languages=", ".join(LANGUAGES)))
    return lang


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **values: Any) -> str:
    """The text for ``key`` in ``lang`` (English when missing), formatted with ``values``.

    The key starts with the catalogue file's name: ``t("map.lane.actions")``
    reads ``lane.actions`` from ``locales/<lang>/map.yaml``.
    """
    text = catalogue(lang).get(key) or catalogue(DEFAULT_LANGUAGE).get(key)
    if text is None:
        raise KeyError(f"no message {key!r} in the English catalogue")
    return text.format(**values) if values else text


@dataclass(frozen=True)
class Message:
    """A catalogue message not yet put into words: its key and values, said in any language later.

    Problems are found once (in English for the command line) and shown in a form in
    the learner's language; a value may itself be a :class:`Message` (a word such as
    'none defined yet' inside a sentence).
    """

    key: str
    values: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The message in ``lang`` (English where the catalogue lacks it)."""
        values = {k: v.text(lang) if isinstance(v, Message) else v for k, v in self.values.items()}
        return t(self.key, lang, **values)


def format_number(value: float, lang: str = DEFAULT_LANGUAGE, digits: int = 1) -> str:
    """1234.5 -> '1,234.5' (en), '1.234,5' (id), '1 234,5' (pl)."""
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return _babel_decimal(value, format=pattern, locale=_BABEL_LOCALE[lang])


def format_percent(value: float, lang: str = DEFAULT_LANGUAGE, digits: int = 1) -> str:
    """0.256 -> '25.6%' in the language's style."""
    pattern = "#,##0" + ("." + "#" * digits if digits else "") + "%"
    return _babel_percent(value, format=pattern, locale=_BABEL_LOCALE[lang])


def format_date(value: dt.date, lang: str = DEFAULT_LANGUAGE) -> str:
    """A date written the way readers of the language expect ('15 Feb 2027', '15 Feb 2027', …)."""
    return _babel_date(value, format="medium", locale=_BABEL_LOCALE[lang])
