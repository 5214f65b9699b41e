"""Errors of our own, worded for the person who has to fix the input.

The CLI, the forms and the notebooks turn these into plain text; a traceback
never reaches a learner for a mistake in their own file.
"""

from __future__ import annotations

__all__ = [
    "CJMError",
    "DataError",
    "Problem",
    "ProjectFileError",
    "ProjectInvalid",
    "SaveConflict",
    "SaveFailed",
]

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .i18n import Message

from .i18n import DEFAULT_LANGUAGE, t


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is and what to do about it.

    ``message`` is the English text; ``said`` (when the message comes from the
    catalogue) lets a form say the same in the learner's language.
    """

    path: str
    message: str
    said: Message | None = None

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message

    def text(self, lang: str = "en") -> str:
        """The message in ``lang``; as written when it has no catalogue key."""
        return self.said.text(lang) if self.said is not None else self.message

    def in_language(self, lang: str = "en") -> str:
        """Like ``str(problem)``, in ``lang``."""
        text = self.text(lang)
        return f"{self.path}: {text}" if self.path else text


class CJMError(Exception):
    """Base class: every error the suite raises on purpose."""


class ProjectInvalid(CJMError):
    """A project file or object breaks the schema or its own cross-references."""

    def __init__(
        self, problems: list[Problem], source: str | None = None, lang: str = DEFAULT_LANGUAGE
    ) -> None:
        self.problems = list(problems)
        self.source = source
        self.lang = lang
        super().__init__(self._render())

    def _render(self) -> str:
        where = f"{self.source}: " if self.source else ""
        count = len(self.problems)
        head = where + t(f"errors.invalid.{_plural(count, self.lang)}", self.lang, count=count)
        return head + "\n" + "\n".join(f"  - {p}" for p in self.problems)


class ProjectFileError(CJMError):
    """A project file cannot be read at all (missing, not YAML, not UTF-8, ...)."""


class SaveConflict(CJMError):
    """Two edits of the same project changed the same thing differently."""

    def __init__(self, path: str, conflicts: list[str], lang: str = DEFAULT_LANGUAGE) -> None:
        self.path = path
        self.conflicts = list(conflicts)
        lines = "\n".join(f"  - {c}" for c in self.conflicts)
        super().__init__(t("errors.conflict", lang, path=path, lines=lines))


class SaveFailed(CJMError):
    """The operating system refused the write; the previous file is untouched."""


class DataError(CJMError):
    """An input data file (event log, survey, tickets, params) is not usable as given."""


def _plural(count: int, lang: str) -> str:
    """Which plural form a count takes: 'one', 'few' (Polish 2-4, 22-24, ...) or 'many'."""
    if count == 1:
        return "one"
    if lang == "pl" and count % 10 in (2, 3, 4) and count % 100 not in (12, 13, 14):
        return "few"
    return "many"
