"""Playing participants over real HTTP against a LiveServer."""

from __future__ import annotations

import json
import re

import httpx

from otree.db import unit_of_work
from otree.project import load_project
from otree.session import create_session


def create(project_path: str, db_url: str, config: str, n: int) -> list[str]:
    """Create a session from the test process (as `otree create_session` would); participant codes."""
    load_project(project_path, database_url=db_url)
    with unit_of_work():
        return [p.code for p in create_session(config, n).get_participants()]


def socket_url(html: str, element_id: str) -> str:
    """The page's socket: `data-socket-url` of an element, or (wait pages, as in oTree) the
    argument of makeReconnectingWebSocket("...") in the page."""
    match = re.search(rf'id="{element_id}" data-socket-url="([^"]+)"', html)
    if match is None and element_id == "otree-wait-page":
        match = re.search(r'makeReconnectingWebSocket\("([^"]+)"\)', html)
    assert match, f"no {element_id} socket in page"
    return match.group(1).replace("&amp;", "&")


def start(client: httpx.Client, code: str) -> httpx.Response:
    """Open the start link and follow to the first page."""
    response = client.get(f"/InitializeParticipant/{code}")
    assert response.status_code == 302, response.text
    return client.get(response.headers["location"])


def receive_json(ws, timeout: float) -> dict:
    return json.loads(ws.recv(timeout=timeout))
