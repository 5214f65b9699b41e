"""`cjm new`, `cjm validate` and `cjm lab`: create, check and open projects."""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
from pathlib import Path

from ..errors import CJMError, ProjectFileError, ProjectInvalid

ORDER = 10


def register(sub: argparse._SubParsersAction) -> None:
    from ..paths import starter_names
    from ..starters import ListStarters

    new = sub.add_parser("new", help="create a project folder from a template")
    new.add_argument("folder", help="folder to create the project in")
    new.add_argument("--template", default="current_state", choices=starter_names(), metavar="NAME",
                     help="starter to begin from (default: current_state); see --list-templates")
    new.add_argument("--list-templates", action=ListStarters)
    new.set_defaults(handler=run_new)

    validate = sub.add_parser("validate", help="check project files and list every problem")
    validate.add_argument("files", nargs="+", help="project YAML files")
    validate.set_defaults(handler=run_validate)

    lab = sub.add_parser("lab", help="open JupyterLab on the notebooks with a project")
    lab.add_argument("project", nargs="?", default="", help="project file (default: a copy of the sample)")
    lab.add_argument("--port", type=int, default=8888)
    lab.add_argument("--no-browser", action="store_true", help="do not open a browser window")
    lab.set_defaults(handler=run_lab)


def run_new(args: argparse.Namespace) -> int:
    from ..paths import create_project
    from ..store import load_project

    target = create_project(args.folder, args.template)
    project = load_project(target)
    print(f"created {target} ({project.name!r}, from the {args.template} template)")
    print(f"next: cjm lab {target}")
    return 0


def run_validate(args: argparse.Namespace) -> int:
    from ..store import load_project

    failed = 0
    for name in args.files:
        try:
            p = load_project(name)
        except (ProjectInvalid, ProjectFileError) as exc:
            failed += 1
            print(str(exc))
            continue
        print(f"{name}: ok ({len(p.personas)} personas, {len(p.touchpoints)} touchpoints, "
              f"{len(p.journeys)} journeys)")
    return 1 if failed else 0


def lab_command(project: Path, port: int, token: str, open_browser: bool) -> list[str]:
    """The JupyterLab command line: loopback only, with a token, on the notebooks folder."""
    from ..paths import NOTEBOOKS_DIR

    cmd = [
        sys.executable, "-m", "jupyterlab",
        f"--ServerApp.root_dir={NOTEBOOKS_DIR}",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        f"--IdentityProvider.token={token}",
    ]
    if not open_browser:
        cmd.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    return cmd


def run_lab(args: argparse.Namespace) -> int:
    from ..paths import PROJECT_ENV, resolve_project
    from ..store import load_project

    project = resolve_project(args.project)
    load_project(project)  # refuse to start on a broken file: say what is wrong first
    token = secrets.token_hex(24)
    env = dict(os.environ, **{PROJECT_ENV: str(project)})
    print(f"opening JupyterLab with {project}")
    print(f"address: http://127.0.0.1:{args.port}/lab?token={token}")
    try:
        return subprocess.call(lab_command(project, args.port, token, not args.no_browser), env=env)
    except FileNotFoundError as exc:
        raise CJMError(f"cannot start JupyterLab ({exc}); install the suite with pip first") from None
