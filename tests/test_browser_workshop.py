"""The workshop app in a real browser: no code on the page, saves that survive a reload, and two
people editing one project at once without losing either's work (Debian's Chromium, Playwright)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from browser.lab import CHROMIUM, CHROMIUM_ARGS
from browser.workshop import WorkshopServer, workshop_server

ARTIFACTS = Path(__file__).resolve().parent.parent / "ci-artifacts" / "browser" / "workshop"

pytestmark = pytest.mark.browser

QUESTION = ".cjm-form-step1 .cjm-field-objectives-business-question textarea"
QUOTE = ".cjm-form-step2 .cjm-field-personas-quote input"


@contextmanager
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


def open_app(chromium: object, server: WorkshopServer) -> object:
    page = chromium.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(120_000)
    page.goto(server.url, wait_until="commit")
    page.locator(".cjm-workshop-nav").wait_for(state="visible", timeout=300_000)
    return page


def open_step(page: object, number: int, form: str) -> None:
    page.locator(".cjm-workshop-nav button", has_text=f"{number} ·").click()
    page.locator(f".{form}").first.wait_for(state="visible")


def save(page: object, form: str) -> str:
    """Click Save and return the status line once it has changed (or after a while if it reads the same)."""
    selector = f".{form} .cjm-form-status"
    before = page.locator(selector).first.inner_text()
    page.locator(f".{form} .cjm-form-save").first.click()
    try:
        page.wait_for_function(
            "([s, old]) => { const t = (document.querySelector(s)?.textContent || '').trim();"
            " return t.length > 0 && t !== old.trim(); }",
            arg=[selector, before],
            timeout=30_000,
        )
    except Exception:  # the same message as before (a second save of the same kind)
        pass
    return page.locator(selector).first.inner_text()


def eventually(check, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.3)
    return check()


def on_disk(project: Path) -> dict:
    from cjm_helpers.store import load_project, project_to_data

    return project_to_data(load_project(project))


def test_a_persona_saved_in_the_app_is_there_after_a_reload(tmp_path: Path) -> None:
    from cjm_helpers.paths import create_project

    project = create_project(tmp_path / "room", "sample")
    quote = "Kalau antre lebih dari 5 menit, saya batal pesan <b>& pergi</b>."
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with workshop_server(project, tmp_path / "server.log") as server, browser() as chromium:
        cmdlines = [p.read_bytes() for p in Path("/proc").glob("[0-9]*/cmdline") if p.exists()]
        assert not any(server.token.encode() in line for line in cmdlines), (
            "the token is on a command line"
        )

        page = open_app(chromium, server)
        assert page.locator(".jp-InputArea-editor, .jp-CodeMirrorEditor, .cm-editor").count() == 0
        assert "cjm_helpers" not in page.locator("body").inner_text(), "code is visible in the app"
        open_step(page, 2, "cjm-form-step2")
        page.locator(QUOTE).first.fill(quote)
        assert "Saved to" in save(page, "cjm-form-step2")
        page.screenshot(path=str(ARTIFACTS / "01-persona-saved.png"))
        assert eventually(lambda: on_disk(project)["personas"][0]["quote"] == quote)

        page.reload()
        page.locator(".cjm-workshop-nav").wait_for(state="visible", timeout=300_000)
        open_step(page, 2, "cjm-form-step2")
        assert page.locator(QUOTE).first.input_value() == quote
        page.screenshot(path=str(ARTIFACTS / "02-after-reload.png"))


def test_two_people_at_once_keep_both_edits_and_see_a_conflict(tmp_path: Path) -> None:
    from cjm_helpers.paths import create_project

    project = create_project(tmp_path / "room", "sample")
    question = "Apa yang membuat pelanggan kembali memesan setiap minggu?"
    quote = "Saya pesan dari kereta, asal outletnya dekat stasiun."
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with workshop_server(project, tmp_path / "server.log") as server, browser() as chromium:
        ana, budi = open_app(chromium, server), open_app(chromium, server)
        open_step(ana, 1, "cjm-form-step1")
        open_step(budi, 2, "cjm-form-step2")

        ana.locator(QUESTION).first.fill(question)
        assert "Saved to" in save(ana, "cjm-form-step1")
        budi.locator(QUOTE).first.fill(quote)  # Budi's form was opened before Ana saved
        assert "Saved to" in save(budi, "cjm-form-step2")
        saved = on_disk(project)
        assert saved["objectives"]["business_question"] == question
        assert saved["personas"][0]["quote"] == quote

        open_step(budi, 1, "cjm-form-step1")  # opened after Ana's save: sees her question
        assert budi.locator(QUESTION).first.input_value() == question
        ana.locator(QUESTION).first.fill(question + " (Ana)")
        assert "Saved to" in save(ana, "cjm-form-step1")
        assert eventually(
            lambda: on_disk(project)["objectives"]["business_question"] == question + " (Ana)"
        )
        budi.locator(QUESTION).first.fill(question + " (Budi)")
        status = save(budi, "cjm-form-step1")
        budi.screenshot(path=str(ARTIFACTS / "03-conflict.png"))
        assert "Saved to" not in status
        assert budi.locator(QUESTION).first.input_value() == question + " (Budi)", (
            "Budi's text stays in the form"
        )
        assert on_disk(project)["objectives"]["business_question"] == question + " (Ana)"
