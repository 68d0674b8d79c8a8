"""Rooms over HTTP, in process, on SQLite and PostgreSQL: the room link, labels, secure URLs, the welcome
page, participant assignment, REST (/api/rooms, participant_vars by room), the admin pages and CloseRoom."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from otree import rooms
from otree.conf import settings
from otree.db import unit_of_work
from otree.db.core import Participant, Session
from otree.db.rooms_tables import RoomParticipantVars
from otree.session import create_session
from tests.support.rooms import LABELS, csrf_of, wait_socket_url


def path_of(response) -> str:
    parts = urlsplit(response.headers["location"])
    return parts.path + (f"?{parts.query}" if parts.query else "")


def expected_hash(label: str) -> str:
    secret = f"{settings.SECRET_KEY or ''}{settings.ADMIN_PASSWORD or ''}"
    return hashlib.sha224(f"{label}{secret}".encode()).hexdigest()[:8]


def create_in_room(b, room: str, num: int = 3, config: str = "game") -> str:
    response = b.post("/api/sessions", json=dict(session_config_name=config, num_participants=num, room_name=room))
    assert response.status_code == 200, response.text
    return response.json()["code"]


class Seen:
    """What the database holds about a participant (read in its own unit of work)."""

    def __init__(self, code: str):
        with unit_of_work(readonly=True) as db:
            p = db.scalars(select(Participant).filter_by(code=code)).one()
            self.label, self.vars, self.session_code = p.label, dict(p.vars), p.session.code


def participant(code: str) -> Seen:
    return Seen(code)


def joined_code(response) -> str:
    """The participant code of a room redirect to /InitializeParticipant/<code>."""
    assert response.status_code == 302, response.text
    path = urlsplit(response.headers["location"]).path
    assert path.startswith("/InitializeParticipant/"), path
    return path.rsplit("/", 1)[1]


def room_session_code(name: str) -> str | None:
    return rooms.session_code_of(name)


# -- the room link ---------------------------------------------------------------------------------


def test_unknown_room_is_404_naming_settings(browser):
    response = browser().get("/room/nowhere")
    assert response.status_code == 404
    assert "There is no room named &#39;nowhere&#39; in settings.ROOMS" in response.text
    assert "lab, secure, open, consent" in response.text


def test_welcome_page_comes_first_then_welcome_page_ok(browser):
    b = browser()
    first = b.get("/room/lab", params={"participant_label": "Alice"})
    assert first.status_code == 200
    assert 'name="welcome_page_ok" value="1"' in first.text
    assert 'name="participant_label" value="Alice"' in first.text
    assert "otree-wait-page" not in first.text
    waiting = b.get("/room/lab", params={"participant_label": "Alice", "welcome_page_ok": "1"})
    assert waiting.status_code == 200
    assert "otree-wait-page" in waiting.text


def test_room_without_labels_shows_welcome_then_waits(browser):
    b = browser()
    welcome = b.get("/room/open")
    assert welcome.status_code == 200 and 'name="welcome_page_ok"' in welcome.text
    assert 'id="id_participant_label"' not in welcome.text  # nobody is asked for a label
    waiting = b.get("/room/open?welcome_page_ok=1")
    url = urlsplit(wait_socket_url(waiting.text))
    assert url.path == "/wait_for_session_in_room"
    query = parse_qs(url.query, keep_blank_values=True)
    assert query["room_name"] == ["open"] and query["participant_label"] == [""]
    assert len(query["tab_unique_id"][0]) >= 8


def test_waiting_page_socket_url_carries_room_label_and_tab(browser):
    b = browser()
    first = wait_socket_url(b.get("/room/lab?participant_label=Bob&welcome_page_ok=1").text)
    second = wait_socket_url(b.get("/room/lab?participant_label=Bob&welcome_page_ok=1").text)
    q1, q2 = parse_qs(urlsplit(first).query), parse_qs(urlsplit(second).query)
    assert q1["room_name"] == ["lab"] and q1["participant_label"] == ["Bob"]
    assert q1["tab_unique_id"] != q2["tab_unique_id"]  # one per page load (tab)


def test_label_room_asks_for_a_label(browser):
    page = browser().get("/room/lab")
    assert page.status_code == 200
    assert 'id="id_participant_label"' in page.text
    # Typed into the form, the label arrives as a GET with welcome_page_ok=1 (no second welcome page).
    assert 'name="welcome_page_ok" value="1"' in page.text
    page = browser().get("/room/lab?welcome_page_ok=1")
    assert 'id="id_participant_label"' in page.text


def test_unlisted_label_is_404(browser):
    for query in ("participant_label=Mallory", "participant_label=Mallory&welcome_page_ok=1"):
        response = browser().get(f"/room/lab?{query}")
        assert response.status_code == 404
        assert "This participant label was not found" in response.text


def test_labels_file_lines_are_stripped(browser):
    assert rooms.get_room("lab").get_participant_labels() == LABELS
    assert browser().get("/room/lab?participant_label=Bob").status_code == 200


def test_json_post_validates_the_label_only(browser):
    b = browser()
    assert b.post("/room/lab", json={"participant_label": "Alice"}).json() == {"status": "ok"}
    bad = b.post("/room/lab", json={"participant_label": "Mallory"}).json()
    assert bad == {"errors": {"participant_label": "This participant label was not found"}}
    assert "participant_label" in b.post("/room/lab", json={}).json()["errors"]
    assert b.post("/room/open", json={}).json() == {"status": "ok"}
    assert b.post("/room/secure", json={"participant_label": "Alice", "hash": expected_hash("Alice")}).json() == {
        "status": "ok"}
    assert "hash" in b.post("/room/secure", json={"participant_label": "Alice", "hash": "00000000"}).json()["errors"]
    assert b.post("/room/nowhere", json={}).status_code == 404
    # Validation creates nothing and assigns nobody.
    create_in_room(b, "lab")
    assert b.post("/room/lab", json={"participant_label": "Alice"}).json() == {"status": "ok"}
    with unit_of_work(readonly=True) as db:
        assert db.scalars(select(Participant).where(Participant.label.is_not(None))).all() == []


# -- secure URLs ----------------------------------------------------------------------------------


def test_secure_url_with_good_hash(browser):
    b = browser()
    good = expected_hash("Alice")
    assert rooms.participant_label_hash("Alice") == good
    welcome = b.get(f"/room/secure?participant_label=Alice&hash={good}")
    assert welcome.status_code == 200 and f'name="hash" value="{good}"' in welcome.text
    code = create_in_room(b, "secure")
    response = b.get(f"/room/secure?participant_label=Alice&hash={good}&welcome_page_ok=1")
    p = participant(joined_code(response))
    assert p.label == "Alice" and p.session_code == code


@pytest.mark.parametrize("query", [
    "participant_label=Alice&hash=deadbeef",
    "participant_label=Alice&hash=deadbeef&welcome_page_ok=1",
    "participant_label=Alice",
    "participant_label=Alice&welcome_page_ok=1",
    f"participant_label=Bob&hash={hashlib.sha224(b'x').hexdigest()[:8]}",
])
def test_secure_url_with_bad_or_missing_hash_is_404(browser, query):
    response = browser().get(f"/room/secure?{query}")
    assert response.status_code == 404
    assert "hash" in response.text


def test_secure_room_without_label_is_404(browser):
    response = browser().get("/room/secure")
    assert response.status_code == 404
    assert "personal link" in response.text
    assert 'id="id_participant_label"' not in response.text


def test_hash_of_one_label_does_not_open_another(browser):
    response = browser().get(f"/room/secure?participant_label=Bob&hash={expected_hash('Alice')}")
    assert response.status_code == 404


# -- custom welcome page ----------------------------------------------------------------------------


def test_custom_welcome_page(browser):
    b = browser()
    page = b.get("/room/consent")
    assert page.status_code == 200
    assert "<h1>Consent form of Consent room</h1>" in page.text
    assert 'href="/room/consent?welcome_page_ok=1"' in page.text
    # Its form posts back to the room link: that is consent given, as welcome_page_ok=1.
    agreed = b.post("/room/consent", data={})
    assert agreed.status_code == 302 and path_of(agreed) == "/room/consent?welcome_page_ok=1"
    labelled = b.post("/room/consent?participant_label=Zoe", data={})
    assert path_of(labelled) == "/room/consent?welcome_page_ok=1&participant_label=Zoe"
    assert "otree-wait-page" in b.get(path_of(agreed)).text


def test_missing_custom_welcome_page_is_a_clear_error(browser, rooms_project):
    import os

    os.remove(os.path.join(rooms_project, "_rooms", "consent.html"))
    response = browser().get("/room/consent")
    assert response.status_code == 500
    assert "welcome_page" in response.text and "settings.py" in response.text


# -- assignment ----------------------------------------------------------------------------------------


def test_same_label_always_gets_the_same_participant(browser):
    b = browser()
    session_code = create_in_room(b, "lab")
    codes = {}
    for label in LABELS:
        response = browser().get(f"/room/lab?participant_label={label}&welcome_page_ok=1")
        assert path_of(response) == f"/InitializeParticipant/{joined_code(response)}?participant_label={label}"
        codes[label] = joined_code(response)
    assert len(set(codes.values())) == 3
    for label in LABELS:  # again, from other browsers
        assert joined_code(browser().get(f"/room/lab?participant_label={label}&welcome_page_ok=1")) == codes[label]
    for label, code in codes.items():
        p = participant(code)
        assert p.label == label and p.session_code == session_code
    # The start link works and keeps the label.
    started = b.get(f"/InitializeParticipant/{codes['Alice']}?participant_label=Alice")
    assert started.status_code == 302 and "/game/Contribute/1" in started.headers["location"]


def test_labels_in_a_room_without_label_file(browser):
    create_in_room(browser(), "open")
    first = joined_code(browser().get("/room/open?participant_label=guest7&welcome_page_ok=1"))
    again = joined_code(browser().get("/room/open?participant_label=guest7&welcome_page_ok=1"))
    other = joined_code(browser().get("/room/open?participant_label=guest8&welcome_page_ok=1"))
    assert first == again != other
    assert participant(first).label == "guest7"


def test_cookie_keeps_a_browser_on_its_participant(browser):
    one, two = browser(), browser()
    create_in_room(one, "open")
    first = joined_code(one.get("/room/open?welcome_page_ok=1"))
    assert joined_code(one.get("/room/open?welcome_page_ok=1")) == first  # reload, same browser
    second = joined_code(two.get("/room/open?welcome_page_ok=1"))
    assert second != first
    assert joined_code(two.get("/room/open?welcome_page_ok=1")) == second
    third = joined_code(browser().get("/room/open?welcome_page_ok=1"))
    assert len({first, second, third}) == 3
    full = browser().get("/room/open?welcome_page_ok=1")
    assert full.status_code == 404 and "full" in full.text
    assert joined_code(one.get("/room/open?welcome_page_ok=1")) == first  # still fine for those inside


def test_cookie_of_an_older_session_does_not_count(browser):
    b = browser()
    create_in_room(b, "open")
    old = joined_code(b.get("/room/open?welcome_page_ok=1"))
    create_in_room(b, "open")
    new = joined_code(b.get("/room/open?welcome_page_ok=1"))
    assert new != old
    assert participant(new).session_code == room_session_code("open")


def test_session_full_for_labels(browser, rooms_project):
    create_in_room(browser(), "open", num=3)
    for label in ("a", "b", "c"):
        joined_code(browser().get(f"/room/open?participant_label={label}&welcome_page_ok=1"))
    response = browser().get("/room/open?participant_label=d&welcome_page_ok=1")
    assert response.status_code == 404 and "full" in response.text


def test_participants_handed_out_by_a_start_link_are_not_reassigned(browser):
    b = browser()
    code = create_in_room(b, "lab")
    with unit_of_work(readonly=True) as db:
        first = db.scalars(select(Participant).join(Session).where(Session.code == code)
                           .order_by(Participant.id_in_session)).first().code
    b.get(f"/InitializeParticipant/{first}")  # started through its own link
    alice = joined_code(browser().get("/room/lab?participant_label=Alice&welcome_page_ok=1"))
    assert alice != first


# -- REST -----------------------------------------------------------------------------------------------


def test_api_rooms(browser):
    b = browser()
    listing = b.get("/api/rooms").json()
    assert listing == [
        {"name": name, "session_code": None, "url": f"http://testserver/room/{name}"}
        for name in ("lab", "secure", "open", "consent")
    ]
    code = create_in_room(b, "lab")
    listing = {row["name"]: row for row in b.get("/api/rooms").json()}
    assert listing["lab"]["session_code"] == code and listing["open"]["session_code"] is None


def test_rest_session_in_unknown_room_is_4xx(browser):
    response = browser().post("/api/sessions", json=dict(session_config_name="game", num_participants=3,
                                                         room_name="nowhere"))
    assert 400 <= response.status_code < 500
    assert "no room named 'nowhere'" in response.text
    with unit_of_work(readonly=True) as db:
        assert db.scalars(select(Session)).all() == []


def test_participant_vars_by_room_applied_when_the_label_joins(browser):
    b = browser()
    sent = b.post("/api/participant_vars", json=dict(room_name="lab", participant_label="Bob",
                                                      vars={"treatment": "blue", "age": 30}))
    assert sent.status_code == 200 and sent.json() == {}
    b.post("/api/participant_vars", json=dict(room_name="lab", participant_label="Bob", vars={"age": 31}))
    create_in_room(b, "lab")
    alice = participant(joined_code(browser().get("/room/lab?participant_label=Alice&welcome_page_ok=1")))
    assert "treatment" not in alice.vars
    bob_code = joined_code(browser().get("/room/lab?participant_label=Bob&welcome_page_ok=1"))
    assert participant(bob_code).vars == {"treatment": "blue", "age": 31}
    with unit_of_work(readonly=True) as db:
        assert db.scalars(select(RoomParticipantVars)).all() == []  # used up
    # Vars for a label already in the session go to its participant at once.
    b.post("/api/participant_vars", json=dict(room_name="lab", participant_label="Bob", vars={"late": True}))
    assert participant(bob_code).vars == {"treatment": "blue", "age": 31, "late": True}


def test_participant_vars_by_room_errors(browser):
    b = browser()
    unknown_room = b.post("/api/participant_vars", json=dict(room_name="nowhere", participant_label="x", vars={}))
    assert unknown_room.status_code == 400 and "no room named 'nowhere'" in unknown_room.text
    unlisted = b.post("/api/participant_vars", json=dict(room_name="lab", participant_label="Mallory", vars={}))
    assert unlisted.status_code == 400 and "Mallory" in unlisted.text
    assert b.post("/api/participant_vars", json=dict(room_name="open", participant_label="Any",
                                                      vars={"x": 1})).status_code == 200


def test_new_session_in_a_room_replaces_the_old_one(browser):
    b = browser()
    old = create_in_room(b, "lab")
    new = create_in_room(b, "lab")
    assert room_session_code("lab") == new
    with unit_of_work(readonly=True) as db:
        assert db.scalars(select(Session).filter_by(code=old)).one()._room_name is None
    assert participant(joined_code(b.get("/room/lab?participant_label=Alice&welcome_page_ok=1"))).session_code == new


def test_session_made_without_notification_still_counts(browser):
    # `otree create_session --room lab` in another process only writes the session.
    with unit_of_work():
        code = create_session("game", 3, room_name="lab").code
    assert room_session_code("lab") == code
    assert participant(joined_code(browser().get("/room/lab?participant_label=Bob&welcome_page_ok=1"))).label == "Bob"


# -- admin ------------------------------------------------------------------------------------------------


def test_rooms_list(browser):
    b = browser()
    code = create_in_room(b, "open")
    page = b.get("/rooms")
    assert page.status_code == 200
    assert 'href="/room_without_session/lab"' in page.text
    assert 'href="/room_with_session/open"' in page.text
    assert code in page.text
    assert "Secure lab" in page.text


def test_room_without_session_page(browser):
    b = browser()
    page = b.get("/room_without_session/secure")
    assert page.status_code == 200
    for label in LABELS:
        assert f"http://testserver/room/secure?participant_label={label}&amp;hash={expected_hash(label)}" in page.text
    assert 'href="/create_session?room_name=secure"' in page.text
    assert 'data-socket-url="/room_without_session/secure"' in page.text
    open_page = b.get("/room_without_session/open")
    assert "http://testserver/room/open" in open_page.text
    assert "participant_label=" not in open_page.text
    assert b.get("/room_without_session/nowhere").status_code == 404


def test_room_pages_redirect_to_the_right_one(browser):
    b = browser()
    without = b.get("/room_with_session/lab")
    assert without.status_code == 302 and path_of(without) == "/room_without_session/lab"
    code = create_in_room(b, "lab")
    moved = b.get("/room_without_session/lab")
    assert moved.status_code == 302 and path_of(moved) == "/room_with_session/lab"
    page = b.get("/room_with_session/lab")
    assert page.status_code == 200
    assert f"/SessionMonitor/{code}" in page.text and f"/SessionStartLinks/{code}" in page.text
    assert 'action="/CloseRoom/lab"' in page.text


def test_close_room(browser):
    b = browser()
    code = create_in_room(b, "lab")
    alice = joined_code(b.get("/room/lab?participant_label=Alice&welcome_page_ok=1"))
    page = b.get("/room_with_session/lab")
    without_token = b.post("/CloseRoom/lab", data={})
    assert without_token.status_code == 403
    assert room_session_code("lab") == code
    closed = b.post("/CloseRoom/lab", data={"csrftoken": csrf_of(page.text)})
    assert closed.status_code == 302 and path_of(closed) == "/room_without_session/lab"
    assert room_session_code("lab") is None
    with unit_of_work(readonly=True) as db:
        assert db.scalars(select(Session).filter_by(code=code)).one()._room_name is None  # kept, detached
    assert participant(alice).label == "Alice"
    listing = {row["name"]: row for row in b.get("/api/rooms").json()}
    assert listing["lab"]["session_code"] is None
    # Visitors now wait for the next session.
    assert "otree-wait-page" in b.get("/room/lab?participant_label=Alice&welcome_page_ok=1").text
    assert b.get("/room_without_session/lab").status_code == 200


@pytest.mark.parametrize("level", ["STUDY", "DEMO"])
def test_room_admin_pages_need_login(browser, level):
    b = browser()
    create_in_room(b, "open")
    with settings.override(AUTH_LEVEL=level, ADMIN_USERNAME="admin", ADMIN_PASSWORD="secret", REST_KEY="k"):
        for url in ("/rooms", "/room_without_session/lab", "/room_with_session/open"):
            response = b.get(url)
            assert response.status_code == 302, url
            assert path_of(response).startswith("/login"), url
        assert b.post("/CloseRoom/open", data={}).status_code == 302
        assert room_session_code("open") is not None
        # Participants never need a login.
        assert b.get("/room/lab?participant_label=Alice").status_code == 200
        assert joined_code(b.get("/room/open?welcome_page_ok=1"))
        login_page = b.get("/login")
        logged_in = b.post("/login", data={"username": "admin", "password": "secret",
                                           "csrftoken": csrf_of(login_page.text)})
        assert logged_in.status_code == 302
        assert b.get("/rooms").status_code == 200
        page = b.get("/room_with_session/open")
        assert page.status_code == 200
        assert b.post("/CloseRoom/open", data={"csrftoken": csrf_of(page.text)}).status_code == 302
        assert room_session_code("open") is None
