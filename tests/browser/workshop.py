"""`cjm workshop` as a learner's browser meets it: the server in its own session, its token from stdout."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from browser.lab import free_port, kernel_pids, kill_all


class WorkshopServer:
    """A running `cjm workshop`; ``url`` carries the token it printed."""

    def __init__(self, project: Path, log: Path, lang: str = "en") -> None:
        self.port = free_port()
        env = dict(os.environ)
        env.pop("MPLBACKEND", None)
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cjm_helpers.cli",
                "workshop",
                str(project),
                "--port",
                str(self.port),
                "--lang",
                lang,
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            start_new_session=True,
        )
        self.printed: list[str] = []
        self.url = self._read_url()
        self._wait_ready()

    def _read_url(self) -> str:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.printed.append(line)
            match = re.search(r"(http://\S+\?token=[0-9a-f]+)", line)
            if match:
                return match.group(1)
        raise RuntimeError(f"cjm workshop printed no address: {self.printed}; see {self.log.name}")

    @property
    def token(self) -> str:
        return self.url.rsplit("=", 1)[1]

    def _wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"cjm workshop exited with {self.process.returncode}; see {self.log.name}"
                )
            try:
                with urllib.request.urlopen(self.url, timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(
            f"the workshop app did not answer within {timeout:.0f} s; see {self.log.name}"
        )

    def kernel_pids(self) -> list[int]:
        """Kernels Voilà started for this server (their connection files sit in its private folder)."""
        return kernel_pids("cjm-workshop-")

    def stop(self) -> None:
        kernels = self.kernel_pids()
        try:
            os.killpg(self.process.pid, signal.SIGINT)
            self.process.wait(timeout=20)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            self.process.kill()
            self.process.wait(timeout=10)
        kill_all(kernels)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.log.close()


@contextmanager
def workshop_server(project: Path, log: Path, lang: str = "en") -> Iterator[WorkshopServer]:
    server = WorkshopServer(project, log, lang)
    try:
        yield server
    finally:
        server.stop()
