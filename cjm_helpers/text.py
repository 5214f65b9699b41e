"""Small text jobs every part of the suite shares: ids made from names, HTML escaping and the page shell, step numbers.

This is the ground floor: it imports nothing of ours, so the model, the forms,
the importers, the runner and the HTML writers can all use it. Each job exists
here once, so an id made from "Świadomość" is the same everywhere.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Collection
from pathlib import PurePath

__all__ = [
    "ID_BODY",
    "ID_PATTERN",
    "esc",
    "fold",
    "html_page",
    "slug",
    "step_number",
    "unique_id",
]

_UNDECOMPOSED = str.maketrans(
    {
        "ł": "l",
        "đ": "d",
        "ø": "o",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ı": "i",
        "ħ": "h",
        "þ": "th",
        "ð": "d",
    }
)
"""Lower-case letters Unicode does not split into a base letter and an accent (``ł`` is not ``l`` + mark)."""
_NOT_ID = re.compile(r"[^a-z0-9]+")

ID_BODY = r"[a-z0-9][a-z0-9_-]{0,63}"
"""What an id is: lower-case letters, digits, '-' and '_', starting with a letter or digit, at most 64."""
ID_PATTERN = re.compile(f"^{ID_BODY}$")


def fold(text: str) -> str:
    """Lower-case ASCII-like text with accents removed: 'Świadomość' -> 'swiadomosc', 'Długa' -> 'dluga'.

    Case is folded first, so capitals (``Ł``, ``Ś``) go the same way as small letters.
    Letters with no Latin base (Thai, Arabic, ...) are kept; :func:`slug` drops them.
    """
    text = unicodedata.normalize("NFKD", str(text).casefold()).translate(_UNDECOMPOSED)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def slug(text: str, limit: int = 40, fallback: str = "x") -> str:
    """A valid id fragment made from free text: 'Kasir & antrean' -> 'kasir-antrean'.

    Only ``a-z``, ``0-9`` and single ``-`` between them, at most ``limit``
    characters; ``fallback`` when nothing usable is left (e.g. '???').
    """
    out = _NOT_ID.sub("-", fold(text)).strip("-")
    return out[:limit].strip("-") or fallback


def unique_id(base: str, taken: Collection[str]) -> str:
    """``base`` itself, or ``base-2``, ``base-3``, ... whichever is first not in ``taken``."""
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def esc(value: object) -> str:
    """Any value as text safe inside HTML text and attribute values (quotes escaped too)."""
    return html.escape(str(value), quote=True)


def html_page(title: str, body: str, lang: str, css: str = "") -> str:
    """A whole HTML page around ``body``: its language, UTF-8, inline styles; it loads nothing."""
    return (
        f'<!DOCTYPE html>\n<html lang="{esc(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{css}</style></head>"
        f"<body>{body}</body></html>\n"
    )


_STEP_PREFIX = re.compile(r"^(\d{2})_")


def step_number(path: str | PurePath) -> int:
    """The step a chapter file belongs to, from its name: '03_target_personas.ipynb' -> 3; -1 without a prefix."""
    match = _STEP_PREFIX.match(PurePath(path).name)
    return int(match.group(1)) if match else -1
