"""`cjm workshop`: the eight step forms as an app without code, served by Voilà.

The app is one generated notebook whose only cell shows :func:`cjm_helpers.workshop.show`;
Voilà runs it and strips the code. The server listens on 127.0.0.1 with a random
token unless ``--host`` shares it on a room's network. The token travels in a config
file only the user can read, never on a command line, and a busy port is refused
instead of silently moved.
"""

from __future__ import annotations

__all__ = [
    "APP_NOTEBOOK",
    "ORDER",
    "add_server_options",
    "address",
    "app_notebook",
    "port_free",
    "prepare",
    "register",
    "run_workshop",
    "server_config",
]

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import CJMError
from ..i18n import t
from ._options import add_lang_option

if TYPE_CHECKING:  # nbformat takes seconds to import: only the workshop command needs it
    import nbformat

ORDER = 35
APP_NOTEBOOK = "workshop.ipynb"


def register(sub: argparse._SubParsersAction) -> None:
    workshop = sub.add_parser(
        "workshop", help="serve the eight steps as an app without code, for a workshop"
    )
    workshop.add_argument("project", help="project file (.cjm.yaml)")
    add_server_options(workshop, "app", 8866)
    workshop.set_defaults(handler=run_workshop)


def add_server_options(parser: argparse.ArgumentParser, what: str, port: int) -> None:
    """--lang, --host and --port, as the workshop app and the wall both take them."""
    add_lang_option(parser, f"language of the {what} (default: the project's)")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1; 0.0.0.0 shares it on the room's network)",
    )
    parser.add_argument("--port", type=int, default=port)


def app_notebook(project: Path, lang: str) -> nbformat.NotebookNode:
    """The notebook Voilà serves: a title and one cell that shows the app for ``project``."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            f"from cjm_helpers.workshop import show\nshow({str(project)!r}, {lang!r})"
        )
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["title"] = t("workshop.title", lang)
    return nb


def server_config(host: str, port: int, token: str, runtime: Path) -> dict[str, object]:
    """Voilà's settings, written to a private config file (never a command line anyone can read)."""
    return {
        "Voila": {
            "ip": host,
            "port": port,
            "port_retries": 0,
            "open_browser": False,
            "token": token,
            "connection_dir_root": str(runtime),
        },
        "VoilaConfiguration": {"show_tracebacks": False, "strip_sources": True},
    }


def prepare(
    project: Path, lang: str, host: str, port: int, token: str, folder: Path
) -> tuple[list[str], dict[str, str]]:
    """Write the app notebook and the private config into ``folder``; return Voilà's command and environment."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    config_dir = folder / "config"
    config_dir.mkdir(mode=0o700, exist_ok=True)
    (folder / "runtime").mkdir(mode=0o700, exist_ok=True)
    config_file = config_dir / "voila.json"
    fd = os.open(config_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(server_config(host, port, token, folder / "runtime"), handle)
    notebook = folder / APP_NOTEBOOK
    import nbformat

    nbformat.write(app_notebook(project, lang), notebook)
    env = dict(
        os.environ, JUPYTER_CONFIG_DIR=str(config_dir), JUPYTER_RUNTIME_DIR=str(folder / "runtime")
    )
    env.pop("MPLBACKEND", None)
    return [sys.executable, "-m", "voila", str(notebook)], env


def port_free(host: str, port: int) -> bool:
    """Whether ``port`` can be listened on at ``host`` now."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def address(host: str, port: int, token: str) -> str:
    shown = "127.0.0.1" if host in ("127.0.0.1", "localhost") else host
    if host in ("0.0.0.0", "::"):
        shown = socket.gethostname()
    return f"http://{shown}:{port}/?token={token}"


def run_workshop(args: argparse.Namespace) -> int:
    from ..store import load_project

    project = Path(args.project).resolve()
    loaded = load_project(project)  # refuse to start on a broken file: say what is wrong first
    lang = args.lang or loaded.language
    if not port_free(args.host, args.port):
        raise CJMError(t("workshop.port_busy", lang, port=args.port))
    token = secrets.token_hex(24)
    with tempfile.TemporaryDirectory(prefix="cjm-workshop-") as tmp:
        cmd, env = prepare(project, lang, args.host, args.port, token, Path(tmp))
        print(t("workshop.serving", lang, project=project.name))
        print(t("workshop.address", lang, url=address(args.host, args.port, token)))
        if args.host not in ("127.0.0.1", "localhost", "::1"):
            print(t("workshop.shared", lang))
        try:
            return subprocess.call(cmd, env=env)
        except FileNotFoundError as exc:
            raise CJMError(t("workshop.no_voila", lang, error=str(exc))) from None
        except KeyboardInterrupt:
            return 130
