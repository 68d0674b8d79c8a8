"""`otree devserver/prodserver` processes started by a test, and the processes they leave in /proc."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

REDIS_URL = os.environ.get("OTREE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
OTREE = os.path.join(os.path.dirname(sys.executable), "otree")
START_TIMEOUT_S = 30
STOP_TIMEOUT_S = 15


# -- helpers --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stat(pid: int) -> tuple[int, str, int] | None:
    """(ppid, state, starttime) of a process, or None if there is no such process."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            data = f.read()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may contain spaces.
    fields = data[data.rindex(")") + 2:].split()
    return int(fields[1]), fields[0], int(fields[19])


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def descendants(pid: int) -> dict[int, int]:
    """All processes below `pid` (children, grandchildren, ...): pid -> start time."""
    children: dict[int, list[int]] = {}
    starts: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        info = _stat(int(entry))
        if info is None:
            continue
        children.setdefault(info[0], []).append(int(entry))
        starts[int(entry)] = info[2]
    found: dict[int, int] = {}
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found[child] = starts[child]
                todo.append(child)
    return found


def is_running(pid: int, start_time: int) -> bool:
    """True if that very process (same start time, so not a reused pid) exists and is not a zombie."""
    info = _stat(pid)
    return info is not None and info[2] == start_time and info[1] != "Z"


def server_workers(pid: int) -> list[int]:
    """The uvicorn server processes under `pid` (multiprocessing spawn children)."""
    return sorted(p for p in descendants(pid) if "spawn_main" in _cmdline(p))


class Server:
    """An `otree ...` process started in its own process group, with output in files."""

    def __init__(self, args: list[str], cwd: str, tmp_path, env: dict[str, str] | None = None):
        extra = env or {}
        env = dict(os.environ)
        for name in ("OTREE_DEVSERVER", "DATABASE_URL", "PORT", "REDIS_URL", "OTREE_PRODUCTION"):
            env.pop(name, None)
        env.update(extra)
        env["PYTHONUNBUFFERED"] = "1"
        self.out_path = tmp_path / f"out-{time.monotonic_ns()}.txt"
        self.err_path = tmp_path / f"err-{time.monotonic_ns()}.txt"
        self.out = open(self.out_path, "wb")
        self.err = open(self.err_path, "wb")
        self.proc = subprocess.Popen(
            [OTREE, *args], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
            stdout=self.out, stderr=self.err, start_new_session=True,
        )
        self.seen: dict[int, int] = {}

    def output(self) -> str:
        self.out.flush()
        self.err.flush()
        return (
            "--- stdout ---\n" + self.out_path.read_text(errors="replace")
            + "\n--- stderr ---\n" + self.err_path.read_text(errors="replace")
        )

    def record_children(self) -> dict[int, int]:
        self.seen.update(descendants(self.proc.pid))
        return self.seen

    def wait_until_answers(self, port: int, timeout: float = START_TIMEOUT_S, path: str = "/") -> httpx.Response:
        deadline = time.monotonic() + timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"server exited with {self.proc.returncode} before answering\n{self.output()}")
            try:
                return httpx.get(f"http://127.0.0.1:{port}{path}", timeout=3, follow_redirects=False)
            except httpx.HTTPError as exc:
                last_error = exc
            time.sleep(0.2)
        pytest.fail(f"server did not answer {path} within {timeout} s ({last_error!r})\n{self.output()}")

    def stop_and_check(self, sig: int, expect_children: bool = True) -> None:
        """Send `sig` to the otree process only; it must exit in time and leave no process behind."""
        self.record_children()
        if expect_children:
            assert self.seen, "the server started no child process (expected uvicorn's server processes)"
        os.kill(self.proc.pid, sig)
        try:
            self.proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            pytest.fail(f"otree did not exit within {STOP_TIMEOUT_S} s of {signal.Signals(sig).name}\n{self.output()}")
        # Children notice the end of their parent through a closed pipe: give them a moment.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            survivors = [pid for pid, start in self.seen.items() if is_running(pid, start)]
            if not survivors:
                break
            time.sleep(0.1)
        described = [f"{pid}: {_cmdline(pid)}" for pid in survivors]
        assert not survivors, f"processes left running after the server stopped: {described}\n{self.output()}"

    def kill(self) -> None:
        """Last resort cleanup: kill the process group and every child we saw."""
        if self.proc.poll() is None:
            self.record_children()
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        for pid, start in self.seen.items():
            if is_running(pid, start):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self.out.close()
        self.err.close()
