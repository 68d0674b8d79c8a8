"""Fixtures of the admin tests: the `admin` test project served in-process by Starlette's TestClient.

`make_client(level=...)` loads the project with OTREE_AUTH_LEVEL=level and the admin password
PASSWORD, and returns a TestClient (cookies kept, redirects not followed) with the app running.
"""

from __future__ import annotations

import contextlib
import os
import re

import pytest
from starlette.testclient import TestClient

PASSWORD = "correct horse"


def _setup_env(monkeypatch, level: str | None) -> None:
    monkeypatch.setenv("OTREE_ADMIN_PASSWORD", PASSWORD)
    monkeypatch.delenv("OTREE_SKIP_CSRF", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    if level:
        monkeypatch.setenv("OTREE_AUTH_LEVEL", level)
    else:
        monkeypatch.delenv("OTREE_AUTH_LEVEL", raising=False)


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


def csrf_token(client: TestClient) -> str:
    """The CSRF token of this client's cookie session (as printed in every admin form)."""
    page = client.get("/login")
    match = re.search(r'name="csrftoken" value="([^"]+)"', page.text)
    assert match, "no csrftoken in the login form"
    return match.group(1)


def login(client: TestClient, password: str = PASSWORD):
    return client.post("/login", data=dict(username="admin", password=password, csrftoken=csrf_token(client)))


def post(client: TestClient, url: str, data: dict | None = None, **kwargs):
    """A form POST with the CSRF token, as the admin's browser sends it."""
    return client.post(url, data=dict(data or {}, csrftoken=csrf_token(client)), **kwargs)


def new_session(config: str = "report", num: int = 2, **kwargs) -> str:
    from otree.db import unit_of_work
    from otree.session import create_session

    with unit_of_work():
        return create_session(config, num, **kwargs).code


def receive_until_done(ws) -> tuple[list[str], dict]:
    """(progress messages, final message) of a session-creating socket."""
    progress = []
    while True:
        message = ws.receive_json()
        if "progress" not in message:
            return progress, message
        progress.append(message["progress"])


def all_sessions() -> list:
    """Every session, as plain snapshots (code, config, label, is_demo, archived, ...) in creation order."""
    from types import SimpleNamespace

    from sqlalchemy import select

    from otree.db import unit_of_work
    from otree.db.core import Session

    with unit_of_work(readonly=True) as db:
        return [
            SimpleNamespace(code=s.code, config=dict(s.config), label=s.label, comment=s.comment,
                            is_demo=s.is_demo, archived=s.archived, num_participants=s.num_participants,
                            _room_name=s._room_name, id=s.id)
            for s in db.scalars(select(Session).order_by(Session.id))
        ]
