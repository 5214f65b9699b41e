"""Options several subcommands share, declared once so their names, choices and defaults agree."""

from __future__ import annotations

__all__ = ["add_lang_option"]

import argparse

from ..i18n import LANGUAGES


def add_lang_option(parser: argparse.ArgumentParser, help: str, default: str | None = None) -> None:
    """``--lang``: one of the suite's languages; ``help`` says what it changes and what the default is."""
    parser.add_argument("--lang", default=default, choices=LANGUAGES, help=help)
