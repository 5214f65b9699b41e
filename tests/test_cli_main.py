"""The command line's own edges: a reader that goes away, an interrupted command."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import pytest

from cjm_helpers import cli
from cjm_helpers.i18n import t


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
