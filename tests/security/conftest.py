"""One production-mode server (OTREE_PRODUCTION=1, OTREE_AUTH_LEVEL=STUDY) on PostgreSQL for the whole suite.

PostgreSQL because it is the stricter database (it refuses NUL in text, 32-bit integers
overflow); one server so that Hypothesis examples cost a request, not a start-up.
"""

from __future__ import annotations

import os

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.conftest import LiveServer, copy_project

PASSWORD = "pässword-1"  # not ASCII on purpose: comparisons must cope
REST_KEY = "rest-key-for-tests"


class Server:
    def __init__(self, live: LiveServer, db_url: str):
        self.live = live
        self.url = live.url
        self.ws_url = live.ws_url
        self.db = create_engine(db_url)
        self.http = httpx.Client(base_url=live.url, timeout=30)

    def rest(self, method: str, path: str, **kwargs) -> httpx.Response:
        headers = {"otree-rest-key": REST_KEY, **kwargs.pop("headers", {})}
        return self.http.request(method, path, headers=headers, **kwargs)

    def create_session(self, num_participants: int = 2, **fields) -> str:
        response = self.rest("POST", "/api/sessions", json=dict(
            session_config_name="fuzz", num_participants=num_participants, **fields))
        assert response.status_code == 200, response.text
        return response.json()["code"]

    def participant_codes(self, session_code: str) -> list[str]:
        response = self.rest("GET", f"/api/sessions/{session_code}")
        assert response.status_code == 200, response.text
        return [p["code"] for p in response.json()["participants"]]

    def query(self, sql: str, **params):
        with self.db.connect() as conn:
            return conn.execute(text(sql), params).all()

    def count(self, table: str) -> int:
        return self.query(f"SELECT count(*) FROM {table}")[0][0]

    def log(self) -> str:
        return self.live.read_log()

    def assert_no_tracebacks(self) -> None:
        log = self.log()
        assert "Traceback" not in log, log[-5000:]


@pytest.fixture(scope="session")
def server(tmp_path_factory, postgres_database):
    path = copy_project("security", tmp_path_factory.mktemp("security"))
    from otree.db.engine import build_engine
    from otree.db.schema import drop_everything

    engine = build_engine(postgres_database)
    drop_everything(engine)
    engine.dispose()
    env = dict(OTREE_PRODUCTION="1", OTREE_AUTH_LEVEL="STUDY", OTREE_ADMIN_PASSWORD=PASSWORD,
               OTREE_REST_KEY=REST_KEY)
    live = LiveServer(path, postgres_database, env)
    server = Server(live, postgres_database)
    yield server
    server.http.close()
    server.db.dispose()
    live.stop()


def logged_in_client(server: Server) -> httpx.Client:
    """An httpx client with an admin login (cookie) and the CSRF token in `client.csrftoken`."""
    import re

    client = httpx.Client(base_url=server.url, timeout=30)
    page = client.get("/login")
    token = re.search(r'name="csrftoken" value="([^"]+)"', page.text).group(1)
    response = client.post("/login", data=dict(username="admin", password=PASSWORD, csrftoken=token, next="/demo"))
    assert response.status_code == 302, response.text
    client.csrftoken = token
    return client


__all__ = ["Server", "logged_in_client", "PASSWORD", "REST_KEY", "os"]
