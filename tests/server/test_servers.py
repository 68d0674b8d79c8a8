"""`otree devserver` and `otree prodserver` as real processes: they serve, reload, and stop cleanly.

Every server runs in its own process group on a free port of 127.0.0.1, from a copy of
tests/projects/basic. Each test is bounded in time and kills whatever it started, even
when it fails. "Stops cleanly" means: after one SIGINT / SIGTERM to the `otree` process,
that process exits within 15 s and none of the processes it started is still running.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from tests.support.projects import copy_project
from tests.support.servers import (
    OTREE,
    REDIS_URL,
    START_TIMEOUT_S,
    STOP_TIMEOUT_S,
    Server,
    free_port,
    is_running,
    server_workers,
)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

@pytest.fixture
def project(tmp_path):
    return copy_project("basic", tmp_path)


def _wait_for(condition, timeout: float, what: str, server: Server):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if server.proc.poll() is not None:
            pytest.fail(f"server exited with {server.proc.returncode} while waiting for {what}\n{server.output()}")
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout} s waiting for {what}\n{server.output()}")


def _environ(pid: int) -> dict[str, str]:
    with open(f"/proc/{pid}/environ", "rb") as f:
        items = f.read().split(b"\0")
    return dict(item.decode(errors="replace").split("=", 1) for item in items if b"=" in item)


# -- devserver ------------------------------------------------------------------------


def test_devserver_serves_and_stops_on_sigint(start_server, project):
    port = free_port()
    server = start_server(["devserver", str(port)], project)
    response = server.wait_until_answers(port)
    assert response.status_code < 500, response.text[:2000]
    assert f"http://127.0.0.1:{port}/" in server.output()
    workers = server_workers(server.proc.pid)
    assert len(workers) == 1
    assert _environ(workers[0]).get("OTREE_DEVSERVER") == "1"
    server.stop_and_check(signal.SIGINT)


def test_devserver_restarts_when_a_py_file_changes(start_server, project):
    port = free_port()
    server = start_server(["devserver", str(port)], project)
    server.wait_until_answers(port)
    (old_worker,) = _wait_for(lambda: server_workers(server.proc.pid), 10, "the server process", server)
    server.record_children()

    app_file = os.path.join(project, "game", "__init__.py")
    with open(app_file, "a", encoding="utf-8") as f:
        f.write("\n# edited while the devserver runs\n")

    def restarted():
        workers = server_workers(server.proc.pid)
        return workers if workers and old_worker not in workers else None

    _wait_for(restarted, START_TIMEOUT_S, "the server to restart after the edit", server)
    assert not is_running(old_worker, server.seen[old_worker])
    response = server.wait_until_answers(port)
    assert response.status_code < 500, response.text[:2000]
    server.stop_and_check(signal.SIGINT)


def test_devserver_ignores_changes_to_non_python_files_and_virtualenvs(start_server, project):
    # A virtualenv inside the project folder (pip install while the server runs) and hidden folders.
    for folder in ("venv/lib/site-packages/pkg", ".hidden", "myenv/lib"):
        os.makedirs(os.path.join(project, folder))
    with open(os.path.join(project, "myenv", "pyvenv.cfg"), "w") as f:
        f.write("home = /usr/bin\n")
    port = free_port()
    server = start_server(["devserver", str(port)], project)
    server.wait_until_answers(port)
    (worker,) = _wait_for(lambda: server_workers(server.proc.pid), 10, "the server process", server)
    with open(os.path.join(project, "_static", "notes.txt"), "w", encoding="utf-8") as f:
        f.write("not code")
    with open(os.path.join(project, "game", "notes.html"), "w", encoding="utf-8") as f:
        f.write("a template")
    for folder in ("venv/lib/site-packages/pkg", ".hidden", "myenv/lib"):
        with open(os.path.join(project, folder, "module.py"), "w", encoding="utf-8") as f:
            f.write("x = 1\n")
    time.sleep(2)  # uvicorn's reloader looks for changes every 0.25 s
    assert server_workers(server.proc.pid) == [worker]
    server.stop_and_check(signal.SIGTERM)


def test_devserver_with_a_syntax_error_exits_1_without_serving(project, tmp_path):
    app_file = os.path.join(project, "game", "__init__.py")
    with open(app_file, encoding="utf-8") as f:
        lines = f.read().splitlines()
    lines.append("def broken(:")
    with open(app_file, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "OTREE_DEVSERVER")}
    result = subprocess.run(
        [OTREE, "devserver", str(port)], cwd=project, env=env, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert os.path.join("game", "__init__.py") in result.stderr
    assert f"line {len(lines)}" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Open your browser" not in result.stdout
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0, "something listens on the port: uvicorn was started"


def test_devserver_port_in_use_is_one_clear_message(project):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "OTREE_DEVSERVER")}
        result = subprocess.run(
            [OTREE, "devserver", str(port)], cwd=project, env=env, stdin=subprocess.DEVNULL,
            capture_output=True, text=True, timeout=30,
        )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "already in use" in result.stderr
    assert "Traceback" not in result.stderr


def test_devserver_rejects_a_bad_port(project):
    result = subprocess.run(
        [OTREE, "devserver", "eighty"], cwd=project, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 1
    assert "not a valid port" in result.stderr


# -- prodserver -----------------------------------------------------------------------


WORKER_PID_URLS = """\
import os
import time

from otree.http import JsonResponse
from otree.urls import path, urlpatterns


async def worker_pid(request):
    time.sleep(0.3)  # holds this worker's event loop: requests meanwhile go to another worker
    return JsonResponse({"pid": os.getpid()})


urlpatterns.append(path("worker_pid/", worker_pid))
"""


def answering_pids(port: int, expected: set[int], rounds: int = 20) -> set[int]:
    """The pids of the processes that answered /worker_pid/, asked four at a time until all `expected` did."""
    from concurrent.futures import ThreadPoolExecutor

    seen: set[int] = set()
    with ThreadPoolExecutor(4) as pool:
        for _ in range(rounds):
            responses = list(pool.map(lambda _: httpx.get(f"http://127.0.0.1:{port}/worker_pid/", timeout=10),
                                      range(4)))
            assert all(r.status_code == 200 for r in responses), [r.text[:500] for r in responses]
            seen.update(r.json()["pid"] for r in responses)
            if seen >= expected:
                break
    return seen


def test_prodserver_with_two_workers_serves_and_stops_on_sigterm(start_server, project):
    with open(os.path.join(project, "urls.py"), "w") as f:
        f.write(WORKER_PID_URLS)
    with open(os.path.join(project, "settings.py"), "a") as f:
        f.write("\nROOT_URLCONF = 'urls'\n")
    port = free_port()
    server = start_server(["prodserver", f"127.0.0.1:{port}", "--workers", "2"], project,
                          env={"REDIS_URL": REDIS_URL})
    response = server.wait_until_answers(port)
    assert response.status_code < 500, response.text[:2000]
    workers = _wait_for(lambda: (w := server_workers(server.proc.pid)) and len(w) == 2 and w, 10,
                        "two worker processes", server)
    for pid in workers:
        assert "OTREE_DEVSERVER" not in _environ(pid)
    # Several requests: both workers take their share without errors.
    for _ in range(10):
        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=5).status_code < 500
    assert answering_pids(port, set(workers)) == set(workers)
    server.stop_and_check(signal.SIGTERM)


def test_prodserver_with_several_workers_requires_redis(project):
    """Without a shared channel layer, wake-ups could not reach browsers on another worker."""
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    result = subprocess.run([OTREE, "prodserver", f"127.0.0.1:{free_port()}", "--workers", "2"], cwd=project,
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "needs REDIS_URL" in result.stderr and "Fix:" in result.stderr


def test_prodserver_single_worker_uses_port_env_and_stops_on_sigint(start_server, project):
    port = free_port()
    server = start_server(["runprodserver"], project, env={"PORT": str(port)})
    response = server.wait_until_answers(port)
    assert response.status_code < 500, response.text[:2000]
    assert "0.0.0.0:%d" % port in server.output()
    server.stop_and_check(signal.SIGINT, expect_children=False)


def test_prodserver2of2_runs_the_task_worker_and_stops_on_sigterm(start_server, project):
    server = start_server(["timeoutworker"], project)
    _wait_for(lambda: "Task worker started" in server.out_path.read_text(), 30, "the worker to start", server)
    os.kill(server.proc.pid, signal.SIGTERM)
    assert server.proc.wait(timeout=STOP_TIMEOUT_S) == 0


# -- open WebSockets and broken edits -------------------------------------------------


def _participant_on_its_page(project: str) -> tuple[str, int]:
    """Create a session with the CLI; return a participant's code and page index."""
    import sqlite3

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "OTREE_DEVSERVER")}
    result = subprocess.run(
        [OTREE, "create_session", "game", "3"], cwd=project, env=env, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    with sqlite3.connect(os.path.join(project, "db.sqlite3")) as conn:
        code, index = conn.execute("SELECT code, _index_in_pages FROM otree_participant LIMIT 1").fetchone()
    return code, index or 0


@pytest.mark.parametrize("args,sig", [
    (["devserver"], signal.SIGINT),
    (["prodserver", "--workers", "2"], signal.SIGTERM),
], ids=["devserver", "prodserver"])
def test_server_stops_in_time_with_an_open_websocket(start_server, project, args, sig):
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    code, index = _participant_on_its_page(project)
    port = free_port()
    address = str(port) if args[0] == "devserver" else f"127.0.0.1:{port}"
    env = {"REDIS_URL": REDIS_URL} if "--workers" in args else None
    server = start_server([args[0], address, *args[1:]], project, env=env)
    server.wait_until_answers(port)
    url = f"ws://127.0.0.1:{port}/auto_advance?participant_code={code}&page_index={index}"
    with connect(url, open_timeout=10, close_timeout=2) as ws:
        with pytest.raises(TimeoutError):
            ws.recv(timeout=1)  # on its page: nothing to say, the socket stays open
        started = time.monotonic()
        server.stop_and_check(sig)
        assert time.monotonic() - started < STOP_TIMEOUT_S
        with pytest.raises(ConnectionClosed):
            ws.recv(timeout=5)


def test_devserver_shows_a_broken_edit_and_recovers(start_server, project):
    port = free_port()
    server = start_server(["devserver", str(port)], project)
    server.wait_until_answers(port)
    app_file = os.path.join(project, "game", "__init__.py")
    with open(app_file, encoding="utf-8") as f:
        original = f.read()
    broken_line = len(original.splitlines()) + 1
    with open(app_file, "w", encoding="utf-8") as f:
        f.write(original.rstrip("\n") + "\ndef broken(:\n")

    def shows_error():
        try:
            response = httpx.get(f"http://127.0.0.1:{port}/", timeout=3)
        except httpx.HTTPError:
            return None
        return response if response.status_code == 500 else None

    response = _wait_for(shows_error, START_TIMEOUT_S, "the error page", server)
    assert f"line {broken_line}" in response.text
    assert os.path.join("game", "__init__.py") in response.text
    assert f"line {broken_line}" in server.output()

    with open(app_file, "w", encoding="utf-8") as f:
        f.write(original + "\n")

    def serves_again():
        try:
            response = httpx.get(f"http://127.0.0.1:{port}/", timeout=3)
        except httpx.HTTPError:
            return None
        return response if response.status_code < 500 else None

    _wait_for(serves_again, START_TIMEOUT_S, "the server to recover after the fix", server)
    server.stop_and_check(signal.SIGINT)
