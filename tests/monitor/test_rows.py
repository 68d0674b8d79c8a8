"""Monitor rows: positions, pages, wait-page presence, who a wait page waits for, status."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from otree import monitor
from otree.db import unit_of_work
from otree.db.core import Participant, Session
from otree.web.monitor import since
from tests.support.monitor import new_session

pytestmark = pytest.mark.timeout(120)


def rows_of(session_code: str) -> dict[int, dict]:
    with unit_of_work(readonly=True) as db:
        session = db.scalars(select(Session).filter_by(code=session_code)).one()
        return {row["id_in_session"]: row for row in monitor.rows(session)}


def play(client, code: str, answer: int | None = None) -> str:
    """Open the start link (answer=None) or submit the current form page; the URL landed on."""
    if answer is None:
        response = client.get(f"/InitializeParticipant/{code}", follow_redirects=True)
    else:
        current = client.get(f"/InitializeParticipant/{code}", follow_redirects=True).url
        response = client.post(str(current), data={"answer": str(answer), "agree": "True", "note": "hi"},
                               follow_redirects=True)
    assert response.status_code == 200, response.text
    return str(response.url)


def submit_blank_page(client, code: str) -> str:
    url = str(client.get(f"/InitializeParticipant/{code}", follow_redirects=True).url)
    return str(client.post(url, data={}, follow_redirects=True).url)


def test_rows_follow_the_participants(client):
    session_code, codes = new_session(4)
    rows = rows_of(session_code)
    assert [rows[i]["code"] for i in (1, 2, 3, 4)] == codes
    for row in rows.values():
        assert row["started"] is False and row["index"] == 0 and row["max"] == 5
        assert row["page"] is None and row["waiting"] is None and row["waits_for"] == []

    # P1 answers and waits for P2 (groups are P1+P2, P3+P4); P3 is on the first page.
    assert play(client, codes[0]).endswith("/monitored/Intro/1")
    assert play(client, codes[0], answer=4).endswith("/monitored/Pair/2")
    play(client, codes[2])
    rows = rows_of(session_code)
    p1, p3, p4 = rows[1], rows[3], rows[4]
    assert (p1["index"], p1["app"], p1["round"], p1["page"]) == (2, "monitored", 1, "Pair")
    assert p1["waiting"] == monitor.DISCONNECTED and p1["waits_for"] == [2]
    assert p1["status"] == "answered" and p1["last_move"] is not None
    assert (p3["index"], p3["page"], p3["waiting"], p3["waits_for"]) == (1, "Intro", None, [])
    assert p3["started"] and not p3["finished"]
    assert not p4["started"] and p4["page"] is None

    # The socket of P1's wait page connects: present. Only while P1 is on that very page.
    with unit_of_work(readonly=True) as db:
        p1_id = db.scalar(select(Participant.id).filter_by(code=codes[0]))
    monitor.set_waitpage_presence(p1_id, 3, True)
    assert rows_of(session_code)[1]["waiting"] == monitor.DISCONNECTED
    monitor.set_waitpage_presence(p1_id, 2, True)
    assert rows_of(session_code)[1]["waiting"] == monitor.CONNECTED
    monitor.set_waitpage_presence(p1_id, 2, False)
    assert rows_of(session_code)[1]["waiting"] == monitor.DISCONNECTED

    # P2 arrives: the wait page completes and P2 goes on; P1 (not reloaded yet) waits for nobody.
    play(client, codes[1])
    assert play(client, codes[1], answer=5).endswith("/monitored/Middle/3")
    rows = rows_of(session_code)
    assert rows[1]["waits_for"] == [] and rows[2]["page"] == "Middle" and rows[2]["waiting"] is None

    # The wait page for all groups waits for everyone behind, P3 and P4 included. P1 is behind
    # too: on Pair until their browser reloads, or on Middle once the server moved them on (it
    # does, half a second after the page completed, for a browser that never reloads).
    assert submit_blank_page(client, codes[1]).endswith("/monitored/Everyone/4")
    rows = rows_of(session_code)
    assert rows[2]["page"] == "Everyone" and rows[2]["waits_for"] == [1, 3, 4]
    assert submit_blank_page(client, codes[0]).endswith("/monitored/Everyone/4")
    assert rows_of(session_code)[2]["waits_for"] == [3, 4]


def test_partial_rows_match_full_rows(client):
    session_code, codes = new_session(4)
    play(client, codes[0])
    play(client, codes[0], answer=1)
    with unit_of_work(readonly=True) as db:
        session = db.scalars(select(Session).filter_by(code=session_code)).one()
        everyone = {row["code"]: row for row in monitor.rows(session)}
        ids = [row["id"] for row in everyone.values() if row["code"] in (codes[0], codes[3])]
        some = monitor.rows(session, ids)
        assert monitor.rows(session, []) == []
    assert [row["code"] for row in some] == [codes[0], codes[3]]
    for row in some:
        assert row == everyone[row["code"]]
    assert some[0]["waits_for"] == [2]


def test_finished_participants(client):
    session_code, codes = new_session(2)
    for code, answer in zip(codes, (1, 2)):
        play(client, code)
        play(client, code, answer=answer)
    for code in codes:
        submit_blank_page(client, code)  # Middle -> Everyone (completes for the second)
    for code in codes:
        url = str(client.get(f"/InitializeParticipant/{code}", follow_redirects=True).url)
        assert url.endswith("/monitored/End/5")
        client.post(url, data={})
    rows = rows_of(session_code)
    for row in rows.values():
        assert row["finished"] and row["started"] and row["page"] is None and row["index"] == 6
    page = client.get(f"/SessionMonitor/{session_code}")
    assert page.text.count('<td class="m-page">(finished)</td>') == 2 and page.text.count(">5/5<") == 2


def test_monitor_page_shows_the_rows(client):
    session_code, codes = new_session(4)
    play(client, codes[0])
    play(client, codes[0], answer=3)
    page = client.get(f"/SessionMonitor/{session_code}")
    assert page.status_code == 200
    html = page.text
    for code in codes:
        assert f'data-code="{code}"' in html
    first = re.search(rf'<tr data-code="{codes[0]}".*?</tr>', html, re.S).group(0)
    assert 'data-waiting="disconnected"' in first and 'data-status="answered"' in first
    assert '<td class="m-progress">2/5</td>' in first and '<td class="m-page">Pair</td>' in first
    assert '<td class="m-waits-for">P2</td>' in first
    assert "Advance slowest participants" in html and 'name="participant_code"' in html
    assert f'data-socket-url="/session_monitor/{session_code}"' in html
    assert 'href="/SessionMonitor/' in html  # the session tabs
    assert client.get("/SessionMonitor/nosuchcode").status_code == 404


def test_since_formatting():
    assert since(None, 100) == ""
    assert since(100, 107.9) == "7s"
    assert since(100, 100 + 65) == "1:05"
    assert since(100, 100 + 3600 + 62) == "1:01:02"
    assert since(200, 100) == "0s"
