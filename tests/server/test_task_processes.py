"""Which `otree` processes run the task loop, and that stopping the parent stops them all.

prodserver and devserver run it in their server processes; prodserver1of2 runs only the
web processes and prodserver2of2 only the loop. Participants open a 2 s timed page and
close their browser: where a loop runs, the page is timed out; where none does, it is not.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time

import httpx
import pytest

from tests.support.projects import copy_project
from tests.support.servers import OTREE, REDIS_URL, STOP_TIMEOUT_S, free_port, server_workers

TIMEOUT_S = 2


@pytest.fixture
def timeouts_project(tmp_path):
    return copy_project("timeouts", tmp_path)


def create_participants(project: str, n: int) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "OTREE_DEVSERVER")}
    result = subprocess.run([OTREE, "create_session", "timed", str(n)], cwd=project, env=env,
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    with sqlite3.connect(os.path.join(project, "db.sqlite3")) as conn:
        return [code for (code,) in conn.execute("SELECT code FROM otree_participant ORDER BY id")]


def page_index(project: str, code: str) -> int:
    with sqlite3.connect(os.path.join(project, "db.sqlite3"), timeout=30) as conn:
        (index,) = conn.execute("SELECT _index_in_pages FROM otree_participant WHERE code = ?", (code,)).fetchone()
    return index


def open_and_close(port: int, code: str) -> float:
    """Open the start link (the 2 s timer starts), then send nothing more; returns when it was opened."""
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10, follow_redirects=True) as client:
        opened = time.time()
        page = client.get(f"/InitializeParticipant/{code}")
        assert "/timed/Question/1" in str(page.url), page.text[:500]
    return opened


def wait_for_index(project: str, code: str, index: int, timeout: float, server) -> float:
    limit = time.monotonic() + timeout
    while time.monotonic() < limit:
        if page_index(project, code) >= index:
            return time.time()
        time.sleep(0.1)
    pytest.fail(f"{code} not on page {index} within {timeout} s\n{server.output()}")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_prodserver_workers_run_the_loop_and_all_stop(start_server, timeouts_project, sig):
    (code,) = create_participants(timeouts_project, 1)
    port = free_port()
    server = start_server(["prodserver", f"127.0.0.1:{port}", "--workers", "2"], timeouts_project,
                          env={"REDIS_URL": REDIS_URL})
    server.wait_until_answers(port)
    opened = open_and_close(port, code)
    timed_out = wait_for_index(timeouts_project, code, 2, TIMEOUT_S + 5, server)
    assert timed_out - opened < TIMEOUT_S + 1.5
    assert len(server_workers(server.proc.pid)) == 2
    server.stop_and_check(sig)


def test_devserver_runs_the_loop(start_server, timeouts_project):
    (code,) = create_participants(timeouts_project, 1)
    port = free_port()
    server = start_server(["devserver", str(port)], timeouts_project)
    server.wait_until_answers(port)
    opened = open_and_close(port, code)
    assert wait_for_index(timeouts_project, code, 2, TIMEOUT_S + 5, server) - opened < TIMEOUT_S + 1.5
    server.stop_and_check(signal.SIGINT)


def test_web_processes_and_task_worker_apart(start_server, timeouts_project):
    first, second = create_participants(timeouts_project, 2)
    port = free_port()
    env = {"REDIS_URL": REDIS_URL}
    web = start_server(["prodserver1of2", f"127.0.0.1:{port}", "--workers", "2"], timeouts_project, env=env)
    web.wait_until_answers(port)
    open_and_close(port, first)
    time.sleep(TIMEOUT_S + 1.5)
    assert page_index(timeouts_project, first) == 1, "the web processes ran a timeout: they must not"

    worker = start_server(["prodserver2of2"], timeouts_project, env=env)
    wait_for_index(timeouts_project, first, 2, 10, worker)  # fell due before the worker started
    opened = open_and_close(port, second)
    assert wait_for_index(timeouts_project, second, 2, TIMEOUT_S + 5, worker) - opened < TIMEOUT_S + 1.5

    web.stop_and_check(signal.SIGTERM)
    os.kill(worker.proc.pid, signal.SIGTERM)
    assert worker.proc.wait(timeout=STOP_TIMEOUT_S) == 0, worker.output()


def test_task_worker_stops_on_sigint(start_server, timeouts_project):
    worker = start_server(["timeoutworker"], timeouts_project)
    limit = time.monotonic() + 30
    while "Task worker started" not in worker.out_path.read_text() and time.monotonic() < limit:
        time.sleep(0.2)
    assert "Task worker started" in worker.out_path.read_text(), worker.output()
    os.kill(worker.proc.pid, signal.SIGINT)
    assert worker.proc.wait(timeout=STOP_TIMEOUT_S) == 0, worker.output()
