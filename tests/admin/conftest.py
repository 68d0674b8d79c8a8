"""Fixtures of the admin tests: the `admin` test project served in-process by Starlette's TestClient.

`make_client(level=...)` loads the project with OTREE_AUTH_LEVEL=level and the admin password
PASSWORD, and returns a TestClient (cookies kept, redirects not followed) with the app running.
"""

from __future__ import annotations

import contextlib
import os

import pytest
from starlette.testclient import TestClient

from tests.support.admin import (
    _setup_env,
)


@pytest.fixture
def _clients():
    with contextlib.ExitStack() as stack:
        yield stack
    from otree.db.engine import set_engine

    set_engine(None)


@pytest.fixture
def make_client(project_dir, monkeypatch, _clients, request):
    """make_client(level=None) on SQLite; tests that take `db_url` get that database instead."""
    from otree.project import load_project
    from otree.web.app import create_app

    db_url = request.getfixturevalue("db_url") if "db_url" in request.fixturenames else None

    def make(level: str | None = None) -> TestClient:
        _setup_env(monkeypatch, level)
        path = project_dir("admin")
        url = db_url or f"sqlite:///{os.path.join(path, 'db.sqlite3')}"
        project = load_project(path, database_url=url)
        client = TestClient(create_app(project), follow_redirects=False)
        return _clients.enter_context(client)

    return make
