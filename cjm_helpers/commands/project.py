"""`cjm new`, `cjm validate` and `cjm lab`: create, check and open projects."""

from __future__ import annotations

__all__ = [
    "ORDER",
    "TOKEN_ENV",
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
from ._options import add_lang_option

ORDER = 10


def register(sub: argparse._SubParsersAction) -> None:
    from ..paths import starter_names
    from ..starters import ListStarters

    new = sub.add_parser("new", help="create a project folder from a template")
    new.add_argument("folder", nargs="?", help="folder to create the project in")
    new.add_argument(
        "--template",
        default="current_state",
        choices=starter_names(),
        metavar="NAME",
        help="starter to begin from (default: current_state); see --list-templates",
    )
    add_lang_option(
        new,
        "the project's language: notebooks, forms and reports speak it; "
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
    add_lang_option(
        lab, "serve the notebooks written in this language (default: the project's language)"
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
    from ..starters import format_starters
    from ..store import load_project

    lang = args.lang or "en"
    if args.list_templates:
        print(format_starters(lang))
        return 0
    if args.folder is None:  # an empty name is its own mistake, named by create_project
        raise CJMError(t("starters.folder_needed", lang))
    target = create_project(args.folder, args.template, lang=args.lang)
    project = load_project(target)
    print(t("starters.created", lang, path=target, name=project.name, template=args.template))
    print(t("starters.next", lang, path=target))
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


YSTORE_NAME = ".jupyter_ystore.db"
"""The collaboration history file jupyter-collaboration keeps beside the served notebooks."""


def lab_command(
    project: Path,
    port: int,
    open_browser: bool,
    collaborate: bool = False,
    lang: str = "en",
    root: Path | None = None,
) -> list[str]:
    """The JupyterLab command line: loopback only, on one port, on the project's notebooks.

    ``root`` is the folder served (default: the project's own copy of the chapters in
    ``lang``, see :mod:`..lab`), and the start chapter opens instead of the file browser.
    The token is never on it (see :func:`lab_environment`); ``port_retries=0`` makes
    JupyterLab stop rather than move to another port than the address we print. Real-time
    collaboration (jupyter-collaboration) is on only when asked for: alone, a learner's
    notebook behaves as in plain JupyterLab.
    """
    from ..lab import START_NOTEBOOK, lab_notebooks_dir

    served = root or lab_notebooks_dir(project, lang)
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={served}",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.default_url=/lab/tree/{START_NOTEBOOK}",
    ]
    cmd.append(f"--YDocExtension.disable_rtc={not collaborate}")
    # the collaboration store lives with the notebooks it records, not in the current folder
    cmd.append(f"--SQLiteYStore.db_path={served / YSTORE_NAME}")
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


def serving_port(port: int, lang: str = "en") -> int:
    """The port JupyterLab will serve on: ``port``, or the next free one when it is busy.

    The address printed is always that of our own server, never that of whatever holds a
    busy port (it would receive the token, and the learner would land on its login page).
    """
    from ..lab import PORT_TRIES, first_free_port

    if not 1 <= port <= 65535:
        raise CJMError(t("files.lab.bad_port", lang, port=port))
    free = first_free_port(port)
    if free is None:
        raise CJMError(t("lab.no_free_port", lang, port=port, last=port + PORT_TRIES - 1))
    if free != port:
        print(t("lab.port_moved", lang, port=port, free=free))
    return free


def run_lab(args: argparse.Namespace) -> int:
    from ..lab import lab_url, prepare_lab_notebooks
    from ..paths import resolve_project
    from ..store import load_project

    project = resolve_project(args.project, lang=args.lang or "")
    lang = (
        args.lang or load_project(project).language
    )  # refuse a broken file: say what is wrong first
    port = serving_port(args.port, lang)
    folder = prepare_lab_notebooks(project, lang)
    token = secrets.token_hex(24)
    print(t("lab.opening", lang, project=project))
    print(t("lab.notebooks", lang, folder=folder))
    print(t("lab.address", lang, url=lab_url(port, token)))
    try:
        return subprocess.call(
            lab_command(project, port, not args.no_browser, args.collaborate, lang, folder),
            env=lab_environment(project, token),
        )
    except FileNotFoundError as exc:
        raise CJMError(t("errors.cli.no_jupyterlab", reason=exc)) from None
