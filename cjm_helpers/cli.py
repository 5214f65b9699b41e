"""The ``cjm`` command: a thin shell over the package.

Each group of subcommands lives in its own module under :mod:`cjm_helpers.commands`
and registers itself through ``register(subparsers)``; this module only builds
the parser, runs the chosen command and turns our errors into plain messages
with exit code 1 (problems in the input) or 2 (wrong command line).
"""

from __future__ import annotations

__all__ = ["SYMLINK_LOOP", "build_parser", "command", "main"]

import argparse
import os
import re
import sys
from collections.abc import Sequence

from . import __version__, collector
from .commands import command_modules
from .errors import CJMError
from .terminal import terminal_text

SYMLINK_LOOP = re.compile(r"Symlink loop from '(.*)'")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cjm",
        description="Customer journey mapping: projects, maps, data overlays and reports.",
    )
    parser.add_argument("--version", action="version", version=f"cjm {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in command_modules():
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _run(argv)
    except BrokenPipeError:  # the reader went away (`cjm new --list-templates | head`)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush fails quietly
        return 141


def command() -> int:
    """The installed ``cjm`` command: :func:`main` in a process that ends when the command does,
    so Python's cycle collector is tuned for one run (see :mod:`.collector`)."""
    collector.tune_for_one_run()
    return main()


def _run(argv: Sequence[str] | None) -> int:
    """Parse the command line and run its command, turning our errors into one line each."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except CJMError as exc:
        print(f"cjm {args.command}: {terminal_text(str(exc))}", file=sys.stderr)
        return 1
    except RuntimeError as exc:  # pathlib's resolve() on a symlink that leads back to itself
        loop = SYMLINK_LOOP.fullmatch(str(exc))
        if loop is None:
            raise
        from .i18n import t

        print(f"cjm {args.command}: {t('files.loop', path=loop.group(1))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        from .i18n import t

        print(f"cjm {args.command}: {t('common.interrupted')}", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(command())
