"""The monitor against a real server: rows pushed over /session_monitor as participants move, and
/AdvanceSession moving participants (defaults saved, their open pages told to move on)."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from sqlalchemy import select
from websockets.sync.client import connect

from otree.db import unit_of_work
from otree.db.core import Participant
from otree.db.records import PageTime
from otree.project import get_project
from tests.support.monitor import csrf_token, new_session, wait_for_row
from tests.support.participants import receive_json, socket_url, start

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def server(monitored, db_url, live_server):
    session_code, codes = new_session(4)
    return live_server(monitored, db_url), session_code, codes


def submit(client: httpx.Client, url: str, **data) -> httpx.Response:
    response = client.post(url, data=data)
    assert response.status_code == 302, response.text
    return client.get(response.headers["location"], follow_redirects=True)  # as a browser would


def advance(admin: httpx.Client, session_code: str, participant_code: str | None = None) -> dict:
    token = csrf_token(admin.get(f"/SessionMonitor/{session_code}").text)
    data = {"csrftoken": token}
    if participant_code:
        data["participant_code"] = participant_code
    response = admin.post(f"/AdvanceSession/{session_code}", data=data, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    return response.json()


def player_of(code: str) -> tuple[int, dict, list[tuple[str, bool]]]:
    """A participant's position, their player's fields (and group total), their page times."""
    Player = get_project().apps["monitored"].Player
    with unit_of_work(readonly=True) as db:
        participant = db.scalars(select(Participant).filter_by(code=code)).one()
        player = db.scalars(select(Player).filter_by(participant_id=participant.id)).one()
        fields = {name: getattr(player, name) for name in ("answer", "agree", "note", "timed_out")}
        fields["total"] = player.group.total
        times = db.scalars(select(PageTime).filter_by(participant_id=participant.id).order_by(PageTime.page_index))
        return participant._index_in_pages, fields, [(t.page_name, t.timeout_happened) for t in times]


def wait_for_positions(codes: list[str], expected: list[int], timeout: float = 10) -> None:
    limit = time.monotonic() + timeout
    while (found := sorted(player_of(code)[0] for code in codes)) != expected:
        assert time.monotonic() < limit, f"positions {found}, expected {expected}"
        time.sleep(0.05)


def test_rows_are_pushed_as_participants_move(server):
    live, session_code, codes = server
    with connect(f"{live.ws_url}/session_monitor/{session_code}") as monitor, \
            httpx.Client(base_url=live.url) as p1:
        first = receive_json(monitor, timeout=5)
        assert [row["code"] for row in first["rows"]] == codes and isinstance(first["now"], float)
        assert all(not row["started"] for row in first["rows"])

        intro = start(p1, codes[0])
        row = wait_for_row(monitor, codes[0], lambda r: r["started"])
        assert (row["index"], row["page"], row["waiting"]) == (1, "Intro", None)

        wait_page = submit(p1, str(intro.url), answer="3", agree="False", note="n")
        row = wait_for_row(monitor, codes[0], lambda r: r["index"] == 2)
        assert row["page"] == "Pair" and row["waiting"] == "disconnected" and row["waits_for"] == [2]
        assert row["status"] == "answered"

        # Presence: the wait page's socket connects, then goes away.
        with connect(live.ws_url + socket_url(wait_page.text, "otree-wait-page")):
            wait_for_row(monitor, codes[0], lambda r: r["waiting"] == "connected")
        wait_for_row(monitor, codes[0], lambda r: r["waiting"] == "disconnected")

        # Only the participant who moved is sent, not the whole table.
        with httpx.Client(base_url=live.url) as p2:
            start(p2, codes[1])
            message = json.loads(monitor.recv(timeout=5))
            assert [row["code"] for row in message["rows"]] == [codes[1]]


def test_advance_one_participant_on_a_form_page(server):
    live, session_code, codes = server
    with httpx.Client(base_url=live.url) as admin, httpx.Client(base_url=live.url) as p1, \
            httpx.Client(base_url=live.url) as p2, \
            connect(f"{live.ws_url}/session_monitor/{session_code}") as monitor:
        receive_json(monitor, timeout=5)
        page1 = start(p1, codes[0])
        wait_page = submit(p1, str(page1.url), answer="7", agree="True", note="mine")
        page2 = start(p2, codes[1])
        with connect(live.ws_url + socket_url(page2.text, "otree-auto-advance")) as auto_advance, \
                connect(live.ws_url + socket_url(wait_page.text, "otree-wait-page")) as p1_waiting:
            with pytest.raises(TimeoutError):
                auto_advance.recv(timeout=0.3)
            result = advance(admin, session_code, codes[1])
            assert result["advanced"] == [codes[1]] and result["errors"] == []
            # P2's open page is told to move on; P1's wait page completes with P2's arrival.
            assert receive_json(auto_advance, timeout=5) == {"auto_advanced": True}
            assert receive_json(p1_waiting, timeout=5) == {"status": "ready"}
        row = wait_for_row(monitor, codes[1], lambda r: r["index"] == 3)
        assert row["page"] == "Middle" and row["status"] == "advanced"

        index, player, times = player_of(codes[1])
        assert index == 3
        # Submitted as timed out: validation bypassed, missing fields get timeout_submission or defaults.
        assert player == dict(answer=0, agree=False, note="from the admin", timed_out=True, total=7)
        assert times == [("Intro", True), ("Pair", False)]
        # The reloaded page is the next one.
        assert str(p2.get(str(page2.url), follow_redirects=True).url).endswith("/monitored/Middle/3")

        # A participant who is not in the session, and one who has not started, are not moved.
        assert advance(admin, session_code, "nobody00")["errors"]
        assert advance(admin, session_code, codes[3])["advanced"] == []


def test_advance_slowest_and_a_waiting_participant(server):
    live, session_code, codes = server
    clients = [httpx.Client(base_url=live.url) for _ in codes]
    try:
        with httpx.Client(base_url=live.url) as admin:
            # Nobody has started: nothing to advance (unstarted participants are never moved).
            assert advance(admin, session_code) == dict(advanced=[], errors=[], message=advance_message(0))
            first_pages = [start(client, code) for client, code in zip(clients, codes)]
            # P1 and P2 answer and reach Middle; P3 and P4 stay on Intro: they are the slowest.
            submit(clients[0], str(first_pages[0].url), answer="1", agree="True", note="a")
            middle = submit(clients[1], str(first_pages[1].url), answer="2", agree="True", note="b")
            assert str(middle.url).endswith("/monitored/Middle/3")
            sockets = [connect(live.ws_url + socket_url(page.text, "otree-auto-advance"))
                       for page in first_pages[2:]]
            try:
                result = advance(admin, session_code)
                assert sorted(result["advanced"]) == sorted(codes[2:]) and result["errors"] == []
                for ws in sockets:
                    assert receive_json(ws, timeout=5) == {"auto_advanced": True}
            finally:
                for ws in sockets:
                    ws.close()
            # The first of them lands on Pair, the second completes it and goes on; the server then
            # moves the first on too (a moment later, for no browser of theirs is open to do it).
            wait_for_positions(codes[2:], [3, 3])
            for i in (2, 3):
                url = str(clients[i].get(f"/InitializeParticipant/{codes[i]}", follow_redirects=True).url)
                assert url.endswith("/monitored/Middle/3")
                index, player, times = player_of(codes[i])
                assert index == 3 and times[0] == ("Intro", True) and times[1][0] == "Pair"
                assert player["timed_out"] and player["answer"] == 0 and player["total"] == 0

            # The slowest are now P1..P4 at index 3 or below; P2 goes on to the wait page for everyone.
            everyone = submit(clients[1], str(middle.url))
            assert str(everyone.url).endswith("/monitored/Everyone/4")
            with connect(live.ws_url + socket_url(everyone.text, "otree-wait-page")) as waiting:
                result = advance(admin, session_code, codes[1])
                assert result["advanced"] == [codes[1]]
                assert receive_json(waiting, timeout=5) == {"status": "ready"}
            index, player, times = player_of(codes[1])
            assert index == 5 and times[-1] == ("Everyone", True)
            assert str(clients[1].get(str(everyone.url), follow_redirects=True).url).endswith("/monitored/End/5")
            # Skipping it was for P2 only: the others still wait there, until the last of them arrives.
            landed = []
            for i in (0, 2, 3):
                url = str(clients[i].get(f"/InitializeParticipant/{codes[i]}", follow_redirects=True).url)
                assert url.endswith("/monitored/Middle/3")
                landed.append(str(submit(clients[i], url).url))
            assert [url.rsplit("/monitored/", 1)[1] for url in landed] == ["Everyone/4", "Everyone/4", "End/5"]
    finally:
        for client in clients:
            client.close()


def test_moves_and_advances_cross_worker_processes(monitored, db_url, live_server, redis_url):
    """With REDIS_URL: the monitor on one process hears moves made on another, and an advance
    clicked on one process reaches the participant's page connected to the other."""
    session_code, codes = new_session(2)
    one = live_server(monitored, db_url, env={"REDIS_URL": redis_url})
    two = live_server(monitored, db_url, env={"REDIS_URL": redis_url})
    with connect(f"{one.ws_url}/session_monitor/{session_code}") as monitor, \
            httpx.Client(base_url=two.url) as p1, httpx.Client(base_url=two.url) as admin:
        receive_json(monitor, timeout=5)
        intro = start(p1, codes[0])
        wait_for_row(monitor, codes[0], lambda r: r["page"] == "Intro")
        with connect(one.ws_url + socket_url(intro.text, "otree-auto-advance")) as auto_advance:
            assert advance(admin, session_code, codes[0])["advanced"] == [codes[0]]
            assert receive_json(auto_advance, timeout=5) == {"auto_advanced": True}
        row = wait_for_row(monitor, codes[0], lambda r: r["index"] == 2)
        assert row["page"] == "Pair" and row["waits_for"] == [2] and row["status"] == "advanced"


def advance_message(count: int) -> str:
    from otree.web.monitor import _summary

    return _summary(dict(advanced=[None] * count, errors=[]))
