"""A real uvicorn process serving a project on 127.0.0.1, with its log in the project folder."""

from __future__ import annotations

import os

from tests.support.projects import free_port

TRACEBACK = "Traceback (most recent call last)"


def _find_all(text: str, needle: str) -> list[int]:
    found, start = [], text.find(needle)
    while start != -1:
        found.append(start)
        start = text.find(needle, start + 1)
    return found


class LiveServer:
    """A real uvicorn process serving a project on 127.0.0.1."""

    def __init__(self, project_path: str, db_url: str, env: dict | None = None):
        import subprocess
        import sys

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        full_env = dict(os.environ, DATABASE_URL=db_url, **(env or {}))
        self.log = open(os.path.join(project_path, f"server-{self.port}.log"), "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "otree.asgi:app", "--host", "127.0.0.1", "--port", str(self.port),
             "--ws", "websockets", "--log-level", "warning"],
            cwd=project_path, env=full_env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        self._wait_until_up()

    def _wait_until_up(self, timeout: float = 30) -> None:
        import time

        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}: {self.read_log()}")
            try:
                httpx.get(self.url + "/demo", timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not start within {timeout}s: {self.read_log()}")

    def read_log(self) -> str:
        if not self.log.closed:
            self.log.flush()
        with open(self.log.name) as f:
            return f.read()

    def tracebacks(self) -> list[str]:
        """The tracebacks the server logged (an error in a view, consumer or task), each with its context."""
        log = self.read_log()
        return [log[max(0, i - 300):i + 3000] for i in _find_all(log, TRACEBACK)]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except Exception:
                self.process.kill()
                self.process.wait(5)
        self.log.close()
