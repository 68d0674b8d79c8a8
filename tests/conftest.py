"""Shared fixtures: test projects copied to a temporary folder, on real SQLite and PostgreSQL databases.

Tests that take the `db_url` fixture (directly or through `load`) run once per backend.
PostgreSQL comes from OTREE_TEST_POSTGRES_URL (default: the local server, user postgres);
each test run gets its own database, dropped at the end. Where PostgreSQL is not running,
those cases are skipped locally but fail under CI (CI=true), so CI cannot hide them.

`load` and `load_sqlite` give each test an AppState of its own (installed with
`otree.state.using`), so nothing a test loads or connects outlives it.
"""

from __future__ import annotations

import os

import pytest

from otree.state import AppState, activate, using
from tests.support.live_server import LiveServer
from tests.support.pg_report import report_before_timeout
from tests.support.postgres import create_postgres_database, drop_postgres_database
from tests.support.projects import copy_project
from tests.support.servers import Server


@pytest.fixture(scope="session")
def postgres_database():
    """A fresh PostgreSQL database for this test run's tests, one after another; yields its URL.

    A server that outlives one test (a module's or package's shared server) must not use it:
    the next test empties it, and that server's task loop would claim the next test's tasks.
    Such servers take a database of their own from create_postgres_database.
    """
    url = create_postgres_database("test")
    yield url
    # Tests that loaded a project without a state of their own left their engine in the process's.
    _close(activate(AppState()))
    drop_postgres_database(url)


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path):
    """A database URL, once for a SQLite file in tmp_path and once for PostgreSQL (emptied first)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db.sqlite3'}"
    url = request.getfixturevalue("postgres_database")
    from otree.db.engine import build_engine
    from otree.db.schema import drop_everything

    engine = build_engine(url)
    drop_everything(engine)
    engine.dispose()
    # A hanging PostgreSQL test shows who holds the lock it waits for, not only its Python stacks.
    timeout = _timeout_of(request)
    if timeout:
        timer = report_before_timeout(url, max(1.0, timeout - 10))
        request.addfinalizer(timer.cancel)
    return url


def _timeout_of(request) -> float:
    marker = request.node.get_closest_marker("timeout")
    if marker is not None and marker.args:
        return float(marker.args[0])
    return float(request.config.getoption("timeout", None) or request.config.getini("timeout") or 0)


@pytest.fixture
def project_dir(tmp_path, monkeypatch):
    """Returns a function that copies a test project to tmp_path and makes it the current folder."""

    def make(name: str) -> str:
        path = copy_project(name, tmp_path)
        monkeypatch.chdir(path)
        return path

    return make


def _close(state: AppState) -> None:
    """Close the database connections of a state that is no longer used."""
    if state.engine is not None:
        state.engine.dispose()


@pytest.fixture
def load(project_dir, db_url):
    """Returns a function that loads a test project on the parametrized database, in the test's own AppState."""
    from otree.project import load_project

    def do_load(name: str, **kwargs):
        return load_project(project_dir(name), database_url=db_url, **kwargs)

    with using(AppState()) as state:
        yield do_load
    _close(state)


@pytest.fixture
def load_sqlite(project_dir):
    """Load a test project on a SQLite file (for tests about loading, not databases), in the test's own AppState."""
    from otree.project import load_project

    def do_load(name: str, **kwargs):
        path = project_dir(name)
        return load_project(path, database_url=f"sqlite:///{os.path.join(path, 'db.sqlite3')}", **kwargs)

    with using(AppState()) as state:
        yield do_load
    _close(state)


@pytest.fixture
def live_server(request):
    """Returns a function that starts a LiveServer; every server is stopped after the test.

    A traceback in a server's log fails the test (an exception the participant may never have
    seen, in a view, a consumer or a task), unless the test is marked `server_errors_expected`.
    """
    servers: list[LiveServer] = []

    def start(project_path: str, db_url: str, env: dict | None = None) -> LiveServer:
        server = LiveServer(project_path, db_url, env)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
    if request.node.get_closest_marker("server_errors_expected") is None:
        logged = [(server.url, tb) for server in servers for tb in server.tracebacks()]
        if logged:
            pytest.fail("the server logged a traceback (mark the test server_errors_expected if it must):\n"
                        + "\n\n".join(f"--- {url} ---\n{tb}" for url, tb in logged), pytrace=False)


@pytest.fixture
def start_server(tmp_path):
    """Returns a function that starts an `otree ...` command as a Server; every one is killed after the test."""
    started: list[Server] = []

    def start(args: list[str], cwd: str, env: dict[str, str] | None = None) -> Server:
        server = Server(args, cwd, tmp_path, env)
        started.append(server)
        return server

    yield start
    for server in started:
        server.kill()


REDIS_URL = os.environ.get("OTREE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_url() -> str:
    """The test Redis (OTREE_TEST_REDIS_URL); missing Redis skips locally but fails under CI (CI=true)."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is required in CI but not reachable at {REDIS_URL}: {exc}")
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    return REDIS_URL


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def chromium():
    """Debian's headless chromium driven by Playwright (never a downloaded browser).

    Missing chromium or Playwright skips locally but fails under CI (CI=true).
    """
    if os.environ.get("CI"):
        from playwright import sync_api
    else:
        sync_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is required in CI (apt-get install chromium)")
        pytest.skip("chromium is not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        try:
            yield browser
        finally:
            browser.close()
