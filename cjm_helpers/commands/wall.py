"""`cjm wall`: the journey map for a projector, redrawn whenever the project file is saved.

A small HTTP server of the standard library: 127.0.0.1 and a random token by
default, ``--host`` to share it on a room's network. Two addresses exist: the page
(``/``) and its version (``/version``); both need the token, anything else is 404.
"""

from __future__ import annotations

__all__ = ["ORDER", "make_handler", "register", "run_wall", "serve"]

import argparse
import secrets
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from ..errors import CJMError
from ..i18n import t
from .workshop import add_server_options, address

ORDER = 36


def register(sub: argparse._SubParsersAction) -> None:
    wall = sub.add_parser(
        "wall", help="the map for a projector: redrawn whenever the project is saved"
    )
    wall.add_argument("project", help="project file (.cjm.yaml)")
    wall.add_argument("--journey", help="journey id (default: the first journey)")
    add_server_options(wall, "page", 8877)
    wall.set_defaults(handler=run_wall)


def make_handler(
    project: Path, journey: str | None, lang: str, token: str
) -> type[BaseHTTPRequestHandler]:
    """A request handler bound to one project, journey, language and token."""
    # Imported when the wall starts, not when `cjm` builds its parser: the page draws the map,
    # and the map package costs every other command seconds of start-up.
    from ..wall import content_security_policy, project_version, wall_page

    class WallHandler(BaseHTTPRequestHandler):
        server_version = "cjm-wall"
        sys_version = ""

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            given = parse_qs(url.query).get("token", [""])[0]
            if not secrets.compare_digest(given.encode(), token.encode()):
                self._send(HTTPStatus.FORBIDDEN, "text/plain", t("wall.forbidden", lang).encode())
                return
            if url.path == "/":
                nonce = secrets.token_urlsafe(16)
                page = wall_page(project, journey, lang, nonce).encode("utf-8")
                self._send(
                    HTTPStatus.OK,
                    "text/html; charset=utf-8",
                    page,
                    {"Content-Security-Policy": content_security_policy(nonce)},
                )
            elif url.path == "/version":
                self._send(HTTPStatus.OK, "text/plain", project_version(project).encode())
            else:
                self._send(HTTPStatus.NOT_FOUND, "text/plain", b"")

        def _send(
            self, status: HTTPStatus, kind: str, body: bytes, headers: dict[str, str] | None = None
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Referrer-Policy", "no-referrer")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: one line per poll every two seconds would bury the address."""

    return WallHandler


def serve(
    project: Path, journey: str | None, lang: str, host: str, port: int, token: str
) -> ThreadingHTTPServer:
    """A bound, not yet serving, wall server (a busy port is our error, not a traceback)."""
    try:
        return ThreadingHTTPServer((host, port), make_handler(project, journey, lang, token))
    except OSError:
        raise CJMError(t("workshop.port_busy", lang, port=port)) from None


def run_wall(args: argparse.Namespace) -> int:
    from ..store import load_project

    project = Path(args.project).resolve()
    loaded = load_project(project)
    lang = args.lang or loaded.language
    token = secrets.token_hex(24)
    server = serve(project, args.journey, lang, args.host, args.port, token)
    print(t("wall.serving", lang, project=project.name))
    print(t("workshop.address", lang, url=address(args.host, args.port, token)))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        return 130
    finally:
        server.server_close()
    return 0
