"""Who may watch and advance (reference §4.2, §8.1): the monitor is a "demo" area page.

No auth level or DEMO: open. STUDY: login needed; the page and the advance POST redirect to
/login, the socket is accepted and closed with 1008. Every POST needs the CSRF token.
"""

from __future__ import annotations

import pytest
from starlette.websockets import WebSocketDisconnect

from otree.conf import settings
from tests.support.monitor import csrf_token, new_session

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def study(client):
    with settings.override(AUTH_LEVEL="STUDY", ADMIN_USERNAME="admin", ADMIN_PASSWORD="s3cret"):
        yield client


def login(client) -> None:
    token = csrf_token(client.get("/login").text)
    response = client.post("/login", data=dict(username="admin", password="s3cret", csrftoken=token),
                           follow_redirects=False)
    assert response.status_code == 302


def test_study_needs_login(study):
    session_code, codes = new_session(2)
    page = study.get(f"/SessionMonitor/{session_code}", follow_redirects=False)
    assert page.status_code == 302 and page.headers["location"].startswith("/login")
    assert study.get(f"/presence_icons/{session_code}", follow_redirects=False).status_code == 302
    post = study.post(f"/AdvanceSession/{session_code}", data={}, follow_redirects=False)
    assert post.status_code == 302 and post.headers["location"].startswith("/login")
    with study.websocket_connect(f"/session_monitor/{session_code}") as ws:
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == 1008

    login(study)
    page = study.get(f"/SessionMonitor/{session_code}")
    assert page.status_code == 200 and codes[0] in page.text
    with study.websocket_connect(f"/session_monitor/{session_code}") as ws:
        assert [row["code"] for row in ws.receive_json()["rows"]] == codes
    token = csrf_token(page.text)
    response = study.post(f"/AdvanceSession/{session_code}", data={"csrftoken": token}, follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"].startswith(f"/SessionMonitor/{session_code}?advanced=")


@pytest.mark.parametrize("level", [None, "DEMO"])
def test_open_without_login(client, level):
    session_code, codes = new_session(2)
    with settings.override(AUTH_LEVEL=level):
        assert client.get(f"/SessionMonitor/{session_code}").status_code == 200
        assert [row["code"] for row in client.get(f"/presence_icons/{session_code}").json()["rows"]] == codes
        with client.websocket_connect(f"/session_monitor/{session_code}") as ws:
            assert len(ws.receive_json()["rows"]) == 2


def test_advance_needs_the_csrf_token(client):
    session_code, codes = new_session(2)
    client.get(f"/InitializeParticipant/{codes[0]}")
    response = client.post(f"/AdvanceSession/{session_code}", data={"participant_code": codes[0]})
    assert response.status_code == 403
    token = csrf_token(client.get(f"/SessionMonitor/{session_code}").text)
    response = client.post(f"/AdvanceSession/{session_code}", data={"participant_code": codes[0], "csrftoken": token},
                           headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.json()["advanced"] == [codes[0]]


def test_unknown_session(client):
    assert client.get("/SessionMonitor/nosuchcode").status_code == 404
    assert client.get("/presence_icons/nosuchcode").status_code == 404
    with client.websocket_connect("/session_monitor/nosuchcode") as ws:
        assert ws.receive_json() == {"error": "Session not found"}
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == 1008
