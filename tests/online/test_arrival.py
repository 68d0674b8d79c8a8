"""group_by_arrival_time in online studies: only active waiters are grouped, and one who can no
longer be grouped may leave at once (real uvicorn)."""

from __future__ import annotations

import time

import httpx
import pytest
from sqlalchemy import select, update

from otree.db import unit_of_work
from otree.db.core import Participant
from tests.support.participants import create, start
from tests.support.projects import copy_project

pytestmark = pytest.mark.timeout(120)


def follow(client: httpx.Client, response: httpx.Response) -> httpx.Response:
    while response.status_code == 302:
        response = client.get(response.headers["location"])
    return response


def until(client: httpx.Client, url: str, text: str) -> httpx.Response:
    limit = time.monotonic() + 10
    while True:
        page = follow(client, client.get(url))
        if text in page.text:
            return page
        assert time.monotonic() < limit, page.text[:300]
        time.sleep(0.05)


def test_inactive_waiters_are_not_grouped_and_the_last_one_may_leave(tmp_path, db_url, live_server):
    path = copy_project("online", tmp_path)
    codes = create(path, db_url, "lobby", 4)
    server = live_server(path, db_url)
    clients = [httpx.Client(base_url=server.url, timeout=30) for _ in codes]
    try:
        lobby = [None] * 4
        lobby[0] = follow(clients[0], start(clients[0], codes[0]))
        assert "Please wait" in lobby[0].text
        # P1 waited long ago with no browser connected (a tab asleep, or closed): not active.
        with unit_of_work() as db:
            db.execute(update(Participant).where(Participant.code == codes[0])
                       .values(_page_arrived_at=time.time() - 1000, _waitpage_is_connected=False))
        lobby[1] = follow(clients[1], start(clients[1], codes[1]))
        assert "Please wait" in lobby[1].text  # not paired with the inactive P1
        lobby[2] = follow(clients[2], start(clients[2], codes[2]))
        assert "Paired with P2" in lobby[2].text
        assert "Paired with P3" in until(clients[1], str(lobby[1].url), "Paired").text

        # P1 is still waiting; while P4 has not come, P1 must wait out the maximum wait (an hour).
        shown = clients[0].get(str(lobby[0].url))
        assert 'id="otree-leave-wait-page"' in shown.text and " hidden>" in shown.text
        # P4 arrives (active) and is paired with nobody: P1 is inactive. Now nobody else can come,
        # so both may leave at once.
        lobby[3] = follow(clients[3], start(clients[3], codes[3]))
        assert "Please wait" in lobby[3].text and " hidden>" not in lobby[3].text
        done = follow(clients[3], clients[3].post(str(lobby[3].url), data={"otree_leave_wait_page": "1"}))
        assert "OutOfRangeNotification" in str(done.url)
        with unit_of_work(readonly=True) as db:
            left = dict(db.execute(select(Participant.code, Participant.left_wait_page)).all())
        assert left == {codes[0]: False, codes[1]: False, codes[2]: False, codes[3]: True}
    finally:
        for client in clients:
            client.close()


def test_gbat_inactive_page_links_back_only_to_a_participant_page(tmp_path, db_url, live_server):
    path = copy_project("online", tmp_path)
    server = live_server(path, db_url)
    good = httpx.get(f"{server.url}/GBATInactive", params={"return_url": "/p/abc123/lobby/Lobby/1"})
    assert good.status_code == 200 and "Are you still there?" in good.text
    assert 'href="/p/abc123/lobby/Lobby/1"' in good.text
    bad = httpx.get(f"{server.url}/GBATInactive", params={"return_url": "https://evil.example/"})
    assert bad.status_code == 200 and "evil" not in bad.text and 'id="otree-gbat-return"' not in bad.text
