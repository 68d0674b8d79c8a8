"""Who may open which admin page (reference §4.2 / §8.1), for every auth level, logged in or not.

"demo" pages are open under DEMO and need login under STUDY; "admin" pages need login under
both. Without an auth level everything is open. Refused pages answer 302 to /login; refused
admin WebSockets are accepted and then closed with code 1008. Participant pages never ask.
"""

from __future__ import annotations

import pytest
from starlette.websockets import WebSocketDisconnect

from tests.support.admin import PASSWORD, csrf_token, login, new_session, post

DEMO, ADMIN = "demo", "admin"

# (path, area); {code} is a session of the `report` config.
PAGES = [
    ("/demo", DEMO),
    ("/demo/report", DEMO),
    ("/sessions", ADMIN),
    ("/sessions?archived=1", ADMIN),
    ("/create_session", ADMIN),
    ("/SessionDescription/{code}", DEMO),
    ("/SessionStartLinks/{code}", DEMO),
    ("/SessionSplitScreen/{code}", DEMO),
    ("/SessionDemoGridView/{code}", DEMO),
    ("/SessionData/{code}", DEMO),
    ("/session_data/{code}", DEMO),
    ("/SessionPayments/{code}", DEMO),
    ("/AdminReport/{code}", DEMO),
    ("/SessionEditProperties/{code}", ADMIN),
    ("/server_check", ADMIN),
]

# (path, area, form data): POSTs that change something.
POSTS = [
    ("/ToggleArchivedSessions", ADMIN, {"session": "{code}"}),
    ("/DeleteSessions", ADMIN, {"session": "nonexistent"}),
    ("/SessionEditProperties/{code}", ADMIN,
     {"participation_fee": "1", "real_world_currency_per_point": "1", "label": "x", "comment": ""}),
    ("/create_session", ADMIN, {"session_config": "report", "num_participants": "2"}),
    ("/demo/report", DEMO, {}),
]

# (path, area, a harmless first message, what an allowed client hears back)
SOCKETS = [
    ("/create_session", ADMIN, {"session_config": "nope"}, "validation_errors"),
    ("/create_demo_session", DEMO, {"session_config": "nope"}, "validation_errors"),
    ("/delete_sessions", ADMIN, [], "ok"),
]

LEVELS = [None, "DEMO", "STUDY"]


def allowed(level: str | None, area: str, logged_in: bool) -> bool:
    if level is None or logged_in:
        return True
    return level == "DEMO" and area == DEMO


def _client(make_client, level, logged_in):
    client = make_client(level)
    if logged_in:
        response = login(client)
        assert response.status_code == 302 and response.headers["location"] == "/demo"
    return client


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "logged_in"])
@pytest.mark.parametrize("level", LEVELS, ids=["no_level", "DEMO", "STUDY"])
def test_pages(make_client, level, logged_in):
    client = _client(make_client, level, logged_in)
    code = new_session()
    for path, area in PAGES:
        response = client.get(path.format(code=code))
        if allowed(level, area, logged_in):
            assert response.status_code == 200, (path, response.status_code, response.headers.get("location"))
        else:
            assert response.status_code == 302, (path, response.status_code)
            assert response.headers["location"].startswith("/login"), path


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "logged_in"])
@pytest.mark.parametrize("level", LEVELS, ids=["no_level", "DEMO", "STUDY"])
def test_posts(make_client, level, logged_in):
    client = _client(make_client, level, logged_in)
    code = new_session()
    for path, area, data in POSTS:
        form = {k: v.format(code=code) for k, v in data.items()}
        response = post(client, path.format(code=code), form)
        if allowed(level, area, logged_in):
            assert response.status_code == 302, (path, response.status_code, response.text[:300])
            assert not response.headers["location"].startswith("/login"), path
            # The same POST without the CSRF token is refused.
            refused = client.post(path.format(code=code), data=form)
            assert refused.status_code == 403, path
            assert "CSRF verification failed" in refused.text
        else:
            assert response.status_code == 302, path
            assert response.headers["location"].startswith("/login"), path


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "logged_in"])
@pytest.mark.parametrize("level", LEVELS, ids=["no_level", "DEMO", "STUDY"])
def test_sockets(make_client, level, logged_in):
    client = _client(make_client, level, logged_in)
    for path, area, message, answer in SOCKETS:
        with client.websocket_connect(path) as ws:
            if allowed(level, area, logged_in):
                ws.send_json(message)
                reply = ws.receive_json()
                assert reply == answer or answer in reply, (path, reply)
            else:
                with pytest.raises(WebSocketDisconnect) as closed:
                    ws.receive_json()
                assert closed.value.code == 1008, path


def test_login_with_wrong_password_fails(make_client):
    client = make_client("STUDY")
    response = login(client, password="wrong")
    assert response.status_code == 200
    assert "Login failed" in response.text
    assert client.get("/sessions").status_code == 302


def test_login_post_without_csrf_is_refused(make_client):
    client = make_client("STUDY")
    client.get("/login")
    response = client.post("/login", data=dict(username="admin", password=PASSWORD))
    assert response.status_code == 403
    assert client.get("/sessions").status_code == 302


def test_wrong_csrf_token_is_refused(make_client):
    client = make_client("STUDY")
    login(client)
    code = new_session()
    response = client.post(f"/SessionEditProperties/{code}", data=dict(
        participation_fee="1", real_world_currency_per_point="1", csrftoken="forged"))
    assert response.status_code == 403


def test_logout_closes_the_admin(make_client):
    client = make_client("STUDY")
    login(client)
    assert client.get("/sessions").status_code == 200
    client.get("/logout")
    response = client.get("/sessions")
    assert response.status_code == 302 and response.headers["location"].startswith("/login")


def test_login_redirects_back_to_the_page_asked_for(make_client):
    client = make_client("STUDY")
    refused = client.get("/server_check")
    assert refused.headers["location"] == "/login?next=/server_check"
    token = csrf_token(client)
    response = client.post("/login", data=dict(username="admin", password=PASSWORD, csrftoken=token,
                                               next="/server_check"))
    assert response.headers["location"] == "/server_check"


@pytest.mark.parametrize("level", ["DEMO", "STUDY"])
def test_participant_pages_stay_open(make_client, level):
    client = make_client(level)
    from sqlalchemy import select

    from otree.db import unit_of_work
    from otree.db.core import Participant, Session

    code = new_session()
    with unit_of_work(readonly=True) as db:
        session = db.scalars(select(Session).filter_by(code=code)).one()
        participant_code = db.scalars(select(Participant.code).filter_by(session_id=session.id)).first()
        anonymous = session._anonymous_code
    start = client.get(f"/InitializeParticipant/{participant_code}")
    assert start.status_code == 302
    assert start.headers["location"] == f"/p/{participant_code}/reported/Guess/1"
    page = client.get(start.headers["location"])
    assert page.status_code == 200 and 'name="guess"' in page.text
    joined = client.get(f"/join/{anonymous}")
    assert joined.status_code == 302 and "/login" not in joined.headers["location"]
    with client.websocket_connect(f"/auto_advance?participant_code={participant_code}&page_index=1") as ws:
        ws.close()
