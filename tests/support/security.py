"""Helpers of the security tests: one live server with an admin password and a REST key."""

from __future__ import annotations

import httpx
from sqlalchemy import create_engine, text

from tests.support.live_server import LiveServer

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


