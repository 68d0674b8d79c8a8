"""Room sockets against real servers: a waiting participant hears session_ready the moment a session is
created in the room; the admin's presence socket follows arrivals and departures; several workers agree."""

from __future__ import annotations

import json
import re
import time

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from otree import rooms
from tests.support.rooms import make_rooms_project, wait_socket_url


@pytest.fixture
def project(tmp_path):
    yield make_rooms_project(tmp_path)
    from otree.db.engine import set_engine

    set_engine(None)


def receive(ws, timeout: float = 5) -> dict:
    return json.loads(ws.recv(timeout=timeout))


def silent(ws, seconds: float = 0.3) -> None:
    with pytest.raises(TimeoutError):
        ws.recv(timeout=seconds)


def waiting_socket(live, client: httpx.Client, room: str, label: str | None = None):
    """Open the room link past the welcome page to the waiting page, then connect its socket."""
    params = {"welcome_page_ok": "1"}
    if label:
        params["participant_label"] = label
    page = client.get(f"/room/{room}", params=params)
    assert page.status_code == 200 and "otree-wait-page" in page.text, page.text[:500]
    return connect(live.ws_url + wait_socket_url(page.text))


def create_via_rest(live, room: str, num: int = 3) -> str:
    response = httpx.post(live.url + "/api/sessions",
                          json=dict(session_config_name="game", num_participants=num, room_name=room))
    assert response.status_code == 200, response.text
    return response.json()["code"]


def test_waiting_participant_hears_session_ready(project, db_url, live_server):
    live = live_server(project, db_url)
    with httpx.Client(base_url=live.url) as client:
        with waiting_socket(live, client, "lab", "Alice") as ws:
            silent(ws)  # no session yet: nothing to hear
            sent = time.monotonic()
            code = create_via_rest(live, "lab")
            assert receive(ws, timeout=4) == {"status": "session_ready"}
            # Pushed, not found by the socket's periodic check of the database.
            assert time.monotonic() - sent < rooms.SESSION_POLL_SECONDS
        # The page reloads: straight to the participant's start link.
        reload = client.get("/room/lab", params={"participant_label": "Alice", "welcome_page_ok": "1"})
        assert reload.status_code == 302
        start = reload.headers["location"]
        assert start.startswith("/InitializeParticipant/") and start.endswith("?participant_label=Alice")
        first_page = client.get(start)
        assert first_page.status_code == 302 and "/game/Contribute/1" in first_page.headers["location"]
        info = httpx.post(live.url + f"/api/get_session/{code}", json={}).json()
        assert [p["label"] for p in info["participants"] if p["label"]] == ["Alice"]


def test_socket_of_a_room_that_has_a_session_hears_it_at_once(project, db_url, live_server):
    live = live_server(project, db_url)
    with httpx.Client(base_url=live.url) as client:
        page = client.get("/room/open", params={"welcome_page_ok": "1"})
        create_via_rest(live, "open")
        # The session came between the page load and the socket: the socket says so on connecting.
        with connect(live.ws_url + wait_socket_url(page.text)) as ws:
            assert receive(ws) == {"status": "session_ready"}


def test_session_from_another_process_is_found_by_polling(project, db_url, live_server):
    """`otree create_session --room` runs in its own process: no channel message reaches the server."""
    from otree.db import unit_of_work
    from otree.project import load_project
    from otree.session import create_session

    live = live_server(project, db_url)
    with httpx.Client(base_url=live.url) as client, waiting_socket(live, client, "lab", "Bob") as ws:
        silent(ws)
        load_project(project, database_url=db_url)
        with unit_of_work():
            create_session("game", 3, room_name="lab")
        assert receive(ws, timeout=rooms.SESSION_POLL_SECONDS + 5) == {"status": "session_ready"}


def test_admin_presence_with_labels(project, db_url, live_server):
    live = live_server(project, db_url)
    with httpx.Client(base_url=live.url) as client:
        alice_1 = waiting_socket(live, client, "lab", "Alice")
        with connect(live.ws_url + "/room_without_session/lab") as admin:
            assert receive(admin) == {"status": "init", "present_labels": ["Alice"]}
            bob = waiting_socket(live, client, "lab", "Bob")
            assert receive(admin) == {"status": "add_participant", "participant": "Bob"}
            alice_2 = waiting_socket(live, client, "lab", "Alice")  # a second tab: Alice is already here
            silent(admin)
            alice_1.close()
            silent(admin)  # her other tab is still waiting
            alice_2.close()
            assert receive(admin) == {"status": "remove_participant", "participant": "Alice"}
            bob.close()
            assert receive(admin) == {"status": "remove_participant", "participant": "Bob"}
        with connect(live.ws_url + "/room_without_session/lab") as admin:
            assert receive(admin) == {"status": "init", "present_labels": []}
        # The admin page shows it too.
        page = client.get("/room_without_session/lab")
        assert 'id="otree-room-present-count">0<' in page.text


def test_admin_presence_count_without_labels(project, db_url, live_server):
    live = live_server(project, db_url)
    with httpx.Client(base_url=live.url) as one, httpx.Client(base_url=live.url) as two:
        with connect(live.ws_url + "/room_without_session/open") as admin:
            assert receive(admin) == {"status": "init", "present_count": 0}
            first = waiting_socket(live, one, "open")
            assert receive(admin) == {"status": "add_participant", "present_count": 1}
            second = waiting_socket(live, two, "open")
            assert receive(admin) == {"status": "add_participant", "present_count": 2}
            first.close()
            assert receive(admin) == {"status": "remove_participant", "present_count": 1}
            page = one.get("/room_without_session/open")
            assert 'id="otree-room-present-count">1<' in page.text
            # A session created in the room tells the admin page to move on to it.
            create_via_rest(live, "open")
            assert receive(admin) == {"status": "session_changed"}
            second.close()


def test_bad_sockets_are_refused(project, db_url, live_server):
    live = live_server(project, db_url)
    for path in ("/wait_for_session_in_room?room_name=nowhere&participant_label=&tab_unique_id=x",
                 "/wait_for_session_in_room?room_name=lab&participant_label=Mallory&tab_unique_id=x",
                 "/wait_for_session_in_room?room_name=lab&participant_label=&tab_unique_id=x",
                 "/room_without_session/nowhere"):
        with connect(live.ws_url + path) as ws:
            assert "error" in receive(ws)
            with pytest.raises(ConnectionClosed) as closed:
                ws.recv(timeout=5)
            assert closed.value.rcvd.code == 1008


def test_admin_presence_socket_needs_login(project, db_url, live_server):
    live = live_server(project, db_url, env={"OTREE_AUTH_LEVEL": "STUDY", "OTREE_ADMIN_PASSWORD": "secret"})
    with connect(live.ws_url + "/room_without_session/lab") as ws:
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=5)
        assert closed.value.rcvd.code == 1008
    with httpx.Client(base_url=live.url) as client:
        assert client.get("/room_without_session/lab").status_code == 302
        login = client.get("/login")
        token = re.search(r'name="csrftoken" value="([^"]+)"', login.text).group(1)
        done = client.post("/login", data={"username": "admin", "password": "secret", "csrftoken": token})
        assert done.status_code == 302
        cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        with connect(live.ws_url + "/room_without_session/lab", additional_headers={"Cookie": cookie}) as ws:
            assert receive(ws) == {"status": "init", "present_labels": []}
        # The participant side stays open.
        with waiting_socket(live, httpx.Client(base_url=live.url), "lab", "Alice") as ws:
            silent(ws)


def test_workers_share_presence_and_sessions_through_the_database(project, db_url, live_server):
    """Two worker processes without REDIS_URL: presence and the room's session are in the database."""
    a = live_server(project, db_url)
    b = live_server(project, db_url)
    with httpx.Client(base_url=a.url) as client, waiting_socket(a, client, "lab", "Charlie") as ws:
        with connect(b.ws_url + "/room_without_session/lab") as admin:
            assert receive(admin) == {"status": "init", "present_labels": ["Charlie"]}
        assert 'data-participant-label="Charlie" class="table-success"' in httpx.get(
            b.url + "/room_without_session/lab").text
        create_via_rest(b, "lab")  # on the other worker: found by the socket's check of the database
        assert receive(ws, timeout=rooms.SESSION_POLL_SECONDS + 5) == {"status": "session_ready"}
        reload = client.get("/room/lab", params={"participant_label": "Charlie", "welcome_page_ok": "1"})
        assert reload.status_code == 302



def test_with_redis_messages_cross_workers_at_once(project, db_url, live_server, redis_url):
    a = live_server(project, db_url, env={"REDIS_URL": redis_url})
    b = live_server(project, db_url, env={"REDIS_URL": redis_url})
    with connect(b.ws_url + "/room_without_session/lab") as admin, httpx.Client(base_url=a.url) as client:
        assert receive(admin) == {"status": "init", "present_labels": []}
        with waiting_socket(a, client, "lab", "Alice") as ws:
            assert receive(admin) == {"status": "add_participant", "participant": "Alice"}
            sent = time.monotonic()
            create_via_rest(b, "lab")
            assert receive(ws, timeout=4) == {"status": "session_ready"}
            assert time.monotonic() - sent < rooms.SESSION_POLL_SECONDS
        # Published by different workers: their order is not guaranteed.
        heard = [receive(admin), receive(admin)]
        assert {"status": "session_changed"} in heard
        assert {"status": "remove_participant", "participant": "Alice"} in heard
