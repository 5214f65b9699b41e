"""`cjm new`, `cjm validate` and `cjm lab`: create, check and open projects."""

from __future__ import annotations

__all__ = [
    "ORDER",
    "TOKEN_ENV",
    "check_port_free",
    "lab_command",
    "lab_environment",
    "register",
    "run_lab",
    "run_new",
    "run_validate",
]

import argparse
import os
import secrets
import subprocess
import sys
from pathlib import Path

from ..errors import CJMError, ProjectFileError, ProjectInvalid
from ..i18n import t

ORDER = 10


def register(sub: argparse._SubParsersAction) -> None:
    from ..i18n import LANGUAGES
    from ..paths import starter_names
    from ..starters import ListStarters

    new = sub.add_parser("new", help="create a project folder from a template")
    new.add_argument("folder", help="folder to create the project in")
    new.add_argument(
        "--template",
        default="current_state",
        choices=starter_names(),
        metavar="NAME",
        help="starter to begin from (default: current_state); see --list-templates",
    )
    new.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=None,
        help="the project's language: notebooks, forms and reports speak it; "
        "with a starter or the sample written in that language, that one (default: en)",
    )
    new.add_argument("--list-templates", action=ListStarters)
    new.set_defaults(handler=run_new)

    validate = sub.add_parser("validate", help="check project files and list every problem")
    validate.add_argument("files", nargs="+", help="project YAML files")
    validate.set_defaults(handler=run_validate)

    lab = sub.add_parser("lab", help="open JupyterLab on the notebooks with a project")
    lab.add_argument(
        "project", nargs="?", default="", help="project file (default: a copy of the sample)"
    )
    lab.add_argument("--port", type=int, default=8888)
    lab.add_argument("--no-browser", action="store_true", help="do not open a browser window")
    lab.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=None,
        help="serve the notebooks written in this language (default: the project's language)",
    )
    lab.add_argument(
        "--collaborate",
        action="store_true",
        help="real-time collaboration: several people edit the same notebooks at once and see "
        "each other's cursors and edits",
    )
    lab.set_defaults(handler=run_lab)


def run_new(args: argparse.Namespace) -> int:
    from ..paths import create_project
    from ..store import load_project

    target = create_project(args.folder, args.template, lang=args.lang)
    project = load_project(target)
    print(f"created {target} ({project.name!r}, from the {args.template} template)")
    print(f"next: cjm lab {target}")
    return 0


def run_validate(args: argparse.Namespace) -> int:
    from ..store import load_project
    from ..terminal import terminal_text

    failed = 0
    for name in args.files:
        try:
            p = load_project(name)
        except (ProjectInvalid, ProjectFileError) as exc:
            failed += 1
            print(terminal_text(str(exc)))
            continue
        print(
            terminal_text(
                f"{name}: ok ({len(p.personas)} personas, {len(p.touchpoints)} touchpoints, "
                f"{len(p.journeys)} journeys)"
            )
        )
    return 1 if failed else 0


TOKEN_ENV = "JUPYTER_TOKEN"
"""JupyterLab reads its token from here: the environment of a process is readable by its user
only (``/proc/PID/environ`` is mode 0400), while its command line is readable by everyone."""


def lab_command(
    project: Path, port: int, open_browser: bool, collaborate: bool = False, lang: str = "en"
) -> list[str]:
    """The JupyterLab command line: loopback only, on one port, on the notebooks folder of ``lang``.

    The token is never on it (see :func:`lab_environment`); ``port_retries=0`` makes
    JupyterLab stop rather than move to another port than the address we print. Real-time
    collaboration (jupyter-collaboration) is on only when asked for: alone, a learner's
    notebook behaves as in plain JupyterLab.
    """
    from ..paths import notebooks_dir

    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={notebooks_dir(lang)}",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
    ]
    cmd.append(f"--YDocExtension.disable_rtc={not collaborate}")
    if not open_browser:
        cmd.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    return cmd


def lab_environment(project: Path, token: str) -> dict[str, str]:
    """The server's environment: the project to open and the token, kept off the command line."""
    from ..paths import PROJECT_ENV

    env = {k: v for k, v in os.environ.items() if k != "JUPYTER_TOKEN_FILE"}
    env.update({PROJECT_ENV: str(project), TOKEN_ENV: token})
    return env


def check_port_free(port: int) -> None:
    """Refuse a port outside 1-65535 or one that something already listens on at 127.0.0.1.

    Whoever holds the port would otherwise receive the address with the token.
    """
    import socket

    from ..i18n import t

    if not 1 <= port <= 65535:
        raise CJMError(t("files.lab.bad_port", port=port))
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(
            socket.SOL_SOCKET, socket.SO_REUSEADDR, 1
        )  # as JupyterLab binds: a listener still blocks
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise CJMError(t("files.lab.port_busy", port=port, other=port + 1)) from None


def run_lab(args: argparse.Namespace) -> int:
    from ..paths import resolve_project
    from ..store import load_project

    project = resolve_project(args.project, lang=args.lang or "")
    lang = (
        args.lang or load_project(project).language
    )  # refuse a broken file: say what is wrong first
    check_port_free(args.port)
    token = secrets.token_hex(24)
    print(f"opening JupyterLab with {project}")
    print(f"address: http://127.0.0.1:{args.port}/lab?token={token}")
    try:
        return subprocess.call(
            lab_command(project, args.port, not args.no_browser, args.collaborate, lang),
            env=lab_environment(project, token),
        )
    except FileNotFoundError as exc:
        raise CJMError(t("errors.cli.no_jupyterlab", reason=exc)) from None
