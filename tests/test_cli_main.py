"""The command line's own edges: a reader that goes away, an interrupted command."""

from __future__ import annotations

import argparse
import subprocess
import sys
from types import SimpleNamespace

import pytest

from cjm_helpers import cli
from cjm_helpers.i18n import LANGUAGES, t


def test_a_closed_pipe_ends_quietly() -> None:
    script = (
        "import sys\n"
        "from cjm_helpers.cli import main\n"
        "sys.exit(main(['new', '--list-templates']))\n"
    )
    reader = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert reader.stdout is not None and reader.stderr is not None
    reader.stdout.close()  # like `| head` that has read enough
    stderr = reader.stderr.read().decode()
    reader.wait(timeout=120)
    assert "Traceback" not in stderr
    assert "BrokenPipeError" not in stderr


def test_an_interrupted_command_says_so_in_the_catalogue_language(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(_args: object) -> int:
        raise KeyboardInterrupt

    parser = SimpleNamespace(
        parse_args=lambda _argv: SimpleNamespace(handler=interrupted, command="run"),
        print_help=lambda: None,
    )
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    assert cli.main([]) == 130
    assert capsys.readouterr().err.strip() == f"cjm run: {t('common.interrupted')}"


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """Every subcommand parser under ``parser``, nested ones too, by their full name."""
    found = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found[name] = sub
                found |= {f"{name} {k}": v for k, v in _subcommands(sub).items()}
    return found


def test_every_lang_option_offers_the_suites_languages_and_says_what_it_changes() -> None:
    options = {
        name: action
        for name, sub in _subcommands(cli.build_parser()).items()
        for action in sub._actions
        if "--lang" in action.option_strings
    }
    assert len(options) >= 8  # the walk found the commands
    for name, action in options.items():
        assert tuple(action.choices) == LANGUAGES, name
        assert action.help and "language" in action.help, f"cjm {name} --lang says nothing"
