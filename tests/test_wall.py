"""The wall page: the map, a version that follows saves, a token, and a script allowed to do one thing."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from cjm_helpers.commands.wall import serve
from cjm_helpers.paths import create_project
from cjm_helpers.store import ProjectStore
from cjm_helpers.wall import project_version, wall_page

TOKEN = "a" * 48


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return create_project(tmp_path / "room", "sample")


@pytest.fixture()
def server(project: Path) -> Iterator[str]:
    httpd = serve(project, None, "en", "127.0.0.1", 0, TOKEN)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _rename_persona(project: Path, name: str) -> None:
    store = ProjectStore(project)
    data = store.load()
    data.personas[0].name = name
    store.save(data)


def get(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()


class Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append(dict(attrs))


def test_the_version_follows_saves_and_only_saves(project: Path) -> None:
    first = project_version(project)
    assert project_version(project) == first
    _rename_persona(project, "Rina Wulandari")
    assert project_version(project) != first


def test_the_page_escapes_project_text_and_runs_one_nonced_script(project: Path) -> None:
    _rename_persona(project, "<script>alert(1)</script> & Co")
    page = wall_page(project, None, "pl", nonce="n0nce")
    parser = Scripts()
    parser.feed(page)
    assert parser.scripts == [{"nonce": "n0nce"}]
    assert (
        "<script>alert(1)</script>" not in page
        and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in page
    )
    assert "cjmmap" in page and 'lang="pl"' in page


def test_an_unreadable_file_says_why_and_keeps_waiting(project: Path) -> None:
    project.write_text("name: [unclosed\n", encoding="utf-8")
    page = wall_page(project, None, "en", nonce="n")
    assert "cannot be read right now" in page and "line 2, column 1" in page
    assert 'nonce="n"' in page


def test_the_server_wants_the_token_and_sends_a_strict_policy(project: Path, server: str) -> None:
    assert get(f"{server}/")[0] == 403
    assert get(f"{server}/?token=wrong")[0] == 403
    assert get(f"{server}/version?token=wrong")[0] == 403
    status, headers, body = get(f"{server}/?token={TOKEN}")
    assert status == 200 and "cjmmap" in body
    policy = headers["Content-Security-Policy"]
    assert (
        "default-src 'none'" in policy
        and "script-src 'nonce-" in policy
        and "connect-src 'self'" in policy
    )
    assert get(f"{server}/etc/passwd?token={TOKEN}")[0] == 404

    before = get(f"{server}/version?token={TOKEN}")[2]
    _rename_persona(project, "Rina W.")
    after = get(f"{server}/version?token={TOKEN}")[2]
    assert before != after and after == project_version(project)


@pytest.mark.browser
def test_the_wall_in_a_browser_redraws_after_a_save(
    project: Path, server: str, tmp_path: Path
) -> None:
    from browser.lab import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = chromium.new_page(viewport={"width": 1400, "height": 900})
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(f"{server}/?token={TOKEN}")
            page.locator(".cjmmap").first.wait_for(state="visible")
            assert "Rina Sedang Menunggu" not in page.content()
            _rename_persona(project, "Rina Sedang Menunggu")
            page.get_by_text("Rina Sedang Menunggu").first.wait_for(state="visible", timeout=20_000)
            assert errors == [], errors  # the policy let the reload script run
        finally:
            chromium.close()
