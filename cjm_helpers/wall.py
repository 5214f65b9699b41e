"""The wall: the journey map as a page that redraws itself whenever the project file is saved.

Put on a projector during a workshop, it shows the map as the room edits it. The
page asks the server for the file's version every few seconds and reloads when it
changes; nothing else runs in it, and every piece of project text is escaped by the
map's renderer. ``cjm wall`` serves it (see ``commands/wall.py``).
"""

from __future__ import annotations

__all__ = ["POLL_SECONDS", "content_security_policy", "project_version", "wall_page"]

import hashlib
from pathlib import Path

from .errors import CJMError
from .i18n import t
from .mapping.html import esc, wrap_document
from .mapping.journey_map import JourneyMap
from .store import load_project

POLL_SECONDS = 2


def project_version(path: Path) -> str:
    """A short fingerprint of the file's bytes: it changes with every save that changes the file."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except OSError:
        return "missing"


def _reload_script(nonce: str, version: str) -> str:
    """Poll ``version`` with the page's own token and reload once it differs from the shown one."""
    return (
        f'<script nonce="{esc(nonce)}">(function(){{'
        f'var shown="{esc(version)}";var token=new URLSearchParams(location.search).get("token")||"";'
        'function look(){fetch("version?token="+encodeURIComponent(token),{cache:"no-store"})'
        ".then(function(r){return r.ok?r.text():shown;})"
        ".then(function(v){if(v!==shown){location.reload();}})"
        ".catch(function(){});}"
        f"setInterval(look,{POLL_SECONDS * 1000});}})();</script>"
    )


def wall_page(path: Path, journey_id: str | None, lang: str, nonce: str) -> str:
    """The map of ``journey_id`` (or the first journey) as a self-reloading page.

    A file that cannot be read right now (a hand edit half done) gives a page that
    says why and keeps waiting for the next save.
    """
    version = project_version(path)
    try:
        project = load_project(path)
        body = JourneyMap(project, journey_id, lang).html()
        title = t("wall.title", lang, project=project.name)
    except CJMError as exc:
        body = (
            f'<p class="cjm-wall-problem">{esc(t("wall.unreadable", lang, problem=str(exc)))}</p>'
        )
        title = t("wall.title", lang, project=path.name)
    footer = f'<p class="cjm-wall-note">{esc(t("wall.note", lang, seconds=POLL_SECONDS))}</p>'
    return wrap_document(body + footer + _reload_script(nonce, version), title, lang)


def content_security_policy(nonce: str) -> str:
    """Only the page's own reload script runs; it may talk only to the server it came from."""
    return (
        f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src 'nonce-{nonce}'; connect-src 'self'; base-uri 'none'; form-action 'none'"
    )
