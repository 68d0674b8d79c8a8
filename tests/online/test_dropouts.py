"""Dropouts on a real uvicorn: one of three closes the browser on a timed page; the others never stall.

The dropping participant is an HTTP client that loads the timed page and then sends
nothing (no socket, no request): exactly what a closed tab leaves behind.
"""

from __future__ import annotations

import contextlib
import csv
import html
import io
import re
import time

import httpx
import pytest
from sqlalchemy import select

from otree import monitor
from otree.db import unit_of_work
from otree.db.core import Participant, Session
from otree.export import export_wide
from otree.project import get_project
from tests.support.participants import create, start
from tests.support.projects import copy_project

pytestmark = pytest.mark.timeout(120)
TIMEOUT = 2.0  # pgg's Contribute page


def flags(codes: list[str]) -> dict[str, tuple[bool, int]]:
    with unit_of_work(readonly=True) as db:
        rows = db.execute(select(Participant.code, Participant.is_dropout, Participant._index_in_pages)
                          .where(Participant.code.in_(codes))).all()
    return {code: (bool(d), i) for code, d, i in rows}


def contribute(client: httpx.Client, page: httpx.Response, amount: int) -> None:
    assert "Contribute" in page.text, page.text[:300]
    response = client.post(str(page.url), data={"contribution": str(amount)})
    assert response.status_code == 302, response.text[:500]


def wait_for_results(client: httpx.Client, limit: float) -> tuple[httpx.Response, float]:
    """Poll the wait page (as its socket-woken reload would) until Results shows; seconds waited."""
    began = time.monotonic()
    while time.monotonic() - began < limit:
        page = follow(client, client.get(last_url[client]))
        if "<p>Total" in page.text:
            return page, time.monotonic() - began
        time.sleep(0.05)
    pytest.fail(f"still waiting after {limit} s")


last_url: dict = {}


def follow(client: httpx.Client, response: httpx.Response) -> httpx.Response:
    while response.status_code == 302:
        response = client.get(response.headers["location"])
    last_url[client] = str(response.url)
    return response


def play_round(clients, pages, amounts, *, wait_limit: float) -> list[float]:
    """The given clients contribute and wait for Results; how long each waited."""
    waits = []
    for client, page, amount in zip(clients, pages, amounts):
        contribute(client, page, amount)
        follow(client, client.get(str(page.url)))
    for client in clients:
        _, waited = wait_for_results(client, wait_limit)
        waits.append(waited)
    return waits


def test_a_closed_browser_never_stalls_the_group(tmp_path, db_url, live_server):
    path = copy_project("online", tmp_path)
    codes = create(path, db_url, "pgg", 3)
    server = live_server(path, db_url)
    with httpx.Client(base_url=server.url, timeout=30) as p1, httpx.Client(base_url=server.url, timeout=30) as p2, \
            httpx.Client(base_url=server.url, timeout=30) as p3:
        pages = [follow(c, start(c, code)) for c, code in zip((p1, p2, p3), codes)]
        assert "Contribute" in pages[2].text  # P3 sees the timed page, then closes the browser
        arrived = time.monotonic()
        waits = play_round([p1, p2], pages[:2], [10, 20], wait_limit=TIMEOUT + 5)
        assert time.monotonic() - arrived < TIMEOUT + 1, waits
        assert flags(codes)[codes[2]][0] is True
        # The other two see that a member left (Results of round 1 is where they are now).
        # Round 2: the dropout's page is submitted at once; nobody waits for them.
        for client in (p1, p2):
            nxt = client.post(last_url[client], data={})
            follow(client, nxt)
        round2 = [follow(c, c.get(last_url[c])) for c in (p1, p2)]
        waits = play_round([p1, p2], round2, [30, 40], wait_limit=TIMEOUT + 5)
        assert max(waits) < 1.0, waits
        for client in (p1, p2):
            end = follow(client, client.post(last_url[client], data={}))
            assert "OutOfRange" in str(end.url) or end.status_code == 200
    state = flags(codes)
    assert state[codes[0]] == (False, 7) and state[codes[1]] == (False, 7)
    # The task loop moves the dropout through to the end too (past the wait page, a moment later).
    limit = time.monotonic() + 3
    while flags(codes)[codes[2]] != (True, 7) and time.monotonic() < limit:
        time.sleep(0.1)
    assert flags(codes)[codes[2]] == (True, 7)

    Player = get_project().apps["pgg"].Player
    with unit_of_work(readonly=True) as db:
        rows = db.execute(select(Participant.code, Player.round_number, Player.contribution, Player.dropped_here)
                          .join(Participant, Player.participant_id == Participant.id)
                          .order_by(Participant.id_in_session, Player.round_number)).all()
        # dropout_submission (0), not timeout_submission (50); on_dropout ran once, in round 1.
        assert [(r[1], r[2], r[3]) for r in rows if r[0] == codes[2]] == [(1, 0, True), (2, 0, False)]
        assert db.scalar(select(Participant.vars).where(Participant.code == codes[2]))["dropout_round"] == 1
    out = io.StringIO()
    export_wide(out)
    header, *body = list(csv.reader(io.StringIO(out.getvalue().lstrip("\ufeff"))))
    column = header.index("participant.is_dropout")
    by_code = {row[header.index("participant.code")]: row[column] for row in body}
    assert by_code[codes[2]] == "1" and by_code[codes[0]] == "0", by_code

    # The admin: the monitor marks and counts the dropout, the payments page shows them.
    with unit_of_work(readonly=True) as db:
        session = db.scalars(select(Session)).one()
        session_code = session.code
        assert [row["dropout"] for row in monitor.rows(session)] == [False, False, True]
    with httpx.Client(base_url=server.url, timeout=30) as admin:
        monitor_page = admin.get(f"/SessionMonitor/{session_code}").text
        assert monitor_page.count("(finished) (dropped out)</td>") == 1 and '<option value="dropout">' in monitor_page
        payments = admin.get(f"/SessionPayments/{session_code}").text
        assert payments.count('class="badge bg-warning text-dark otree-dropout"') == 1
        assert 'id="otree-online-counts">1 / 0<' in payments


def test_a_returning_dropout_sees_their_page_and_is_no_longer_a_dropout(tmp_path, db_url, live_server):
    path = copy_project("online", tmp_path)
    codes = create(path, db_url, "pgg", 3)
    server = live_server(path, db_url)
    with httpx.Client(base_url=server.url, timeout=30) as p1, httpx.Client(base_url=server.url, timeout=30) as p3:
        first = follow(p1, start(p1, codes[0]))
        follow(p3, start(p3, codes[2]))
        time.sleep(TIMEOUT + 1)  # both let the page expire with no browser: both are dropouts
        state = flags(codes)
        assert state[codes[0]][0] and state[codes[2]][0]
        # P1 comes back: the stale URL leads to where they are now, and they are active again.
        back = follow(p1, p1.get(str(first.url)))
        assert back.status_code == 200
        assert flags(codes)[codes[0]][0] is False
        assert "Please wait" in back.text  # the wait page of round 1 (P2 has not played yet)


def test_detection_is_opt_in(tmp_path, db_url, live_server):
    path = copy_project("online", tmp_path)
    codes = create(path, db_url, "pgg_plain", 3)
    server = live_server(path, db_url)
    with httpx.Client(base_url=server.url, timeout=30) as p1:
        follow(p1, start(p1, codes[0]))
        time.sleep(TIMEOUT + 1)
    assert flags(codes)[codes[0]] == (False, 2)  # timed out as usual, not marked


def _connections(code: str) -> int:
    with unit_of_work(readonly=True) as db:
        return db.scalar(select(Participant._browser_connections).where(Participant.code == code))


def _auto_advance_socket(server, page: httpx.Response):
    from websockets.sync.client import connect

    path = re.search(r'id="otree-auto-advance" data-socket-url="([^"]+)"', page.text).group(1)
    return connect(server.url.replace("http://", "ws://") + html.unescape(path))


@contextlib.contextmanager
def _on_the_timed_page_with_its_socket(tmp_path, db_url, live_server, config: str):
    """The first participant of a new `config` session on the timed page, its auto-advance socket open."""
    path = copy_project("online", tmp_path)
    codes = create(path, db_url, config, 3)
    server = live_server(path, db_url)
    with httpx.Client(base_url=server.url, timeout=30) as p1:
        page = follow(p1, start(p1, codes[0]))
        with _auto_advance_socket(server, page) as socket:
            yield codes, socket


def test_an_open_page_socket_keeps_a_silent_participant_from_being_a_dropout(tmp_path, db_url, live_server):
    with _on_the_timed_page_with_its_socket(tmp_path, db_url, live_server, "pgg") as (codes, socket):
        limit = time.monotonic() + 5
        while _connections(codes[0]) != 1 and time.monotonic() < limit:
            time.sleep(0.05)
        assert _connections(codes[0]) == 1
        time.sleep(TIMEOUT + 1)  # no request, but the page is open: timed out, not dropped out
        assert flags(codes)[codes[0]] == (False, 2)
        assert socket.recv(timeout=5)  # the open page is told it was advanced


def test_page_sockets_are_not_counted_where_dropouts_are_not_detected(tmp_path, db_url, live_server):
    # Counting costs two write transactions per page view; only pages that detect dropouts read it.
    with _on_the_timed_page_with_its_socket(tmp_path, db_url, live_server, "pgg_plain") as (codes, _socket):
        time.sleep(0.5)
        assert _connections(codes[0]) == 0
