"""A private JupyterLab on 127.0.0.1 and Debian's Chromium driven by Playwright.

The server gets its own config, runtime, settings and workspace folders (so nothing of the
machine's Jupyter set-up leaks in), a random token, and no retries on a busy port. The page
helpers wrap the few JupyterLab gestures a learner makes: open a notebook, run all cells,
restart the kernel, fill a widget, click a button.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = Path(os.environ.get("CJM_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LabServer:
    """A running JupyterLab server; ``url(path)`` gives an address with the token."""

    def __init__(
        self, root: Path, home: Path, env: dict[str, str], collaborate: bool = False
    ) -> None:
        self.root = root
        self.port = free_port()
        self.token = secrets.token_hex(24)
        settings = home / "settings"
        news = settings / "@jupyterlab" / "apputils-extension"
        news.mkdir(parents=True, exist_ok=True)
        (news / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
        self.env = dict(
            os.environ,
            JUPYTER_CONFIG_DIR=str(home / "config"),
            JUPYTER_RUNTIME_DIR=str(home / "runtime"),
            JUPYTERLAB_SETTINGS_DIR=str(settings),
            JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
            IPYTHONDIR=str(home / "ipython"),
            JUPYTER_TOKEN=self.token,  # as `cjm lab` does: never on the command line
            **env,
        )
        self.env.pop("MPLBACKEND", None)
        cmd = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={root}",
            "--LabApp.news_url=None",
            "--ServerApp.open_browser=False",
            f"--YDocExtension.disable_rtc={not collaborate}",  # as `cjm lab` (--collaborate) does
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        self.log = (home / "server.log").open("w")
        self.process = (
            subprocess.Popen(  # in its own folder: the collaboration store is written there
                cmd,
                cwd=home,
                env=self.env,
                stdout=self.log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        self._wait_ready()

    def url(self, path: str = "lab") -> str:
        return f"http://127.0.0.1:{self.port}/{path}?token={self.token}"

    def _wait_ready(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"JupyterLab exited with {self.process.returncode}; see {self.log.name}"
                )
            try:
                with urllib.request.urlopen(self.url("api/status"), timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"JupyterLab did not answer within {timeout:.0f} s; see {self.log.name}")

    def kernel_pids(self) -> list[int]:
        """Process ids of kernels this server started (they run in sessions of their own)."""
        return kernel_pids(str(Path(self.env["JUPYTER_RUNTIME_DIR"])))

    def stop(self) -> None:
        kernels = self.kernel_pids()
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        kill_all(kernels)
        self.log.close()


def kernel_pids(marker: str) -> list[int]:
    """Kernels whose command line holds ``marker`` (their connection folder).

    Read from /proc, so the test needs no `ps` (minimal images lack procps).
    """
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            args = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "ipykernel_launcher" in args and marker in args:
            pids.append(int(entry.name))
    return pids


def kill_all(pids: list[int]) -> None:
    """Kernels can outlive a stopped server: end them too."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@contextmanager
def lab_server(
    root: Path, home: Path, env: dict[str, str] | None = None, collaborate: bool = False
) -> Iterator[LabServer]:
    server = LabServer(root, home, env or {}, collaborate)
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def chromium_page(profile: Path) -> Iterator[object]:
    """A Playwright page in headless Debian Chromium with an empty profile."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise RuntimeError(
            f"{CHROMIUM} is missing; install Debian's chromium (scripts/setup.sh --test does)"
        )
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.set_default_timeout(60_000)
            yield page
        finally:
            context.close()


class Learner:
    """What a learner does in JupyterLab, as Playwright gestures, with screenshots along the way."""

    def __init__(self, page: object, server: LabServer, shots: Path) -> None:
        self.page = page
        self.server = server
        self.shots = shots
        self.shot_count = 0
        shots.mkdir(parents=True, exist_ok=True)

    def screenshot(self, name: str) -> Path:
        self.shot_count += 1
        path = self.shots / f"{self.shot_count:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=False)
        return path

    @contextmanager
    def shot_on_failure(self) -> Iterator[None]:
        """Keep a screenshot of the page as it was when a step failed."""
        try:
            yield
        except BaseException:
            try:
                self.screenshot("failure")
            finally:
                raise

    def open_notebook(self, relative: str) -> None:
        """Open one notebook in a fresh workspace (``reset``), so no other tab's kernel interferes."""
        self.page.goto(self.server.url(f"lab/tree/{relative}") + "&reset")
        self.page.wait_for_selector(".jp-NotebookPanel", state="visible")
        self.wait_idle()

    def wait_idle(self, timeout_ms: int = 120_000) -> None:
        """The status bar ends in '| Idle' once the kernel has started and finished its work."""
        self.page.wait_for_function(
            """() => [...document.querySelectorAll('.jp-StatusBar-TextItem')]
                     .some(e => /\\|\\s*Idle\\s*$/.test(e.textContent.trim()))""",
            timeout=timeout_ms,
        )

    def menu(self, label: str, command: str) -> None:
        self.page.locator(".lm-MenuBar-itemLabel", has_text=label).first.click()
        self.page.locator(f'.lm-Menu-item[data-command="{command}"]').first.click()

    def run_all(self, timeout_ms: int = 180_000) -> None:
        """Run every cell and wait until each code cell of the visible notebook has run.

        A cell that raises stops the run: fail at once with the error the learner would see.
        """
        self.page.wait_for_timeout(300)
        self.menu(
            "Edit", "editmenu:clear-all"
        )  # stored outputs and prompts would look like a finished run
        self.page.wait_for_function(
            """() => ![...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputPrompt')]
                     .some(e => /\\[\\d+\\]/.test(e.textContent))"""
        )
        self.menu("Run", "runmenu:run-all")
        state = self.page.wait_for_function(
            """() => {
                 const panel = [...document.querySelectorAll('.jp-NotebookPanel')]
                   .find(p => !p.classList.contains('lm-mod-hidden'));
                 if (!panel) return false;
                 const error = [...panel.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]')]
                   .find(e => /^\\w*(Error|Exception)\\b|Traceback/m.test(e.textContent));
                 if (error) return 'error: ' + error.textContent.trim().split('\\n').slice(-3).join(' | ');
                 const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
                 return prompts.length > 0 && prompts.every(e => /\\[\\d+\\]/.test(e.textContent)) && 'done';
               }""",
            timeout=timeout_ms,
        ).json_value()
        if state != "done":
            self.screenshot("cell-error")
            raise AssertionError(f"a notebook cell failed: {state}")
        self.wait_idle()

    def restart_kernel(self) -> None:
        self.menu("Kernel", "kernelmenu:restart")
        accept = self.page.locator(".jp-Dialog .jp-mod-accept")
        accept.wait_for(state="visible")
        accept.click()
        self.page.wait_for_timeout(1000)
        self.wait_idle()

    def save_notebook_quietly(self) -> None:
        """Close without the 'unsaved changes' dialog getting in the way of the next open."""
        self.page.keyboard.press("Control+s")
        self.page.wait_for_timeout(300)
