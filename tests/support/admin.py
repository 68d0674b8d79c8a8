"""Helpers of the admin tests: logging in, CSRF tokens, posting forms, creating and listing sessions."""

from __future__ import annotations

import re

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
