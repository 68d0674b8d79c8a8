"""Leaving a wait page after its maximum wait (real uvicorn), and a leave racing the last arrival."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from sqlalchemy import func, select

from otree.db import unit_of_work
from otree.db.core import Participant
from otree.db.records import CompletedGroupWaitPage
from otree.project import get_project
from tests.support.participants import create, start
from tests.support.projects import copy_project

pytestmark = pytest.mark.timeout(180)
MAX_WAIT = 1.0  # pgg_leave's max_wait
LEAVE = {"otree_leave_wait_page": "1"}


def follow(client: httpx.Client, response: httpx.Response) -> httpx.Response:
    while response.status_code == 302:
        response = client.get(response.headers["location"])
    return response


def contribute(client: httpx.Client, page: httpx.Response, amount: int) -> httpx.Response:
    assert "Contribute" in page.text, page.text[:300]
    return follow(client, client.post(str(page.url), data={"contribution": str(amount)}))


def state(code: str) -> tuple[bool, int]:
    with unit_of_work(readonly=True) as db:
        left, index = db.execute(select(Participant.left_wait_page, Participant._index_in_pages)
                                 .where(Participant.code == code)).one()
    return bool(left), index


def completions() -> tuple[int, list[int]]:
    """Completion rows of the round-1 wait page, and each group's after_all_players_arrive count."""
    Group = get_project().apps["pgg"].Group
    with unit_of_work(readonly=True) as db:
        rows = db.scalar(select(func.count(CompletedGroupWaitPage.id)).where(CompletedGroupWaitPage.page_index == 2))
        counts = list(db.scalars(select(Group.completions).where(Group.round_number == 1)))
    return rows, counts


def test_a_participant_may_leave_after_the_maximum_wait(tmp_path, db_url, live_server):
    path = copy_project("online", tmp_path)
    codes = create(path, db_url, "pgg_leave", 3)
    server = live_server(path, db_url)
    clients = [httpx.Client(base_url=server.url, timeout=30) for _ in codes]
    try:
        first = [follow(c, start(c, code)) for c, code in zip(clients, codes)]
        waiting = contribute(clients[0], first[0], 10)
        assert "Please wait" in waiting.text
        # Before the maximum wait: the button is there but hidden, and pressing it changes nothing.
        assert 'id="otree-leave-wait-page"' in waiting.text and " hidden>" in waiting.text
        again = follow(clients[0], clients[0].post(str(waiting.url), data=LEAVE))
        assert "Please wait" in again.text and state(codes[0]) == (False, 2)

        time.sleep(MAX_WAIT + 0.1)
        shown = clients[0].get(str(waiting.url))
        assert 'id="otree-leave-wait-page"' in shown.text and " hidden>" not in shown.text
        left = follow(clients[0], clients[0].post(str(waiting.url), data=LEAVE))
        assert "Thank you for waiting." in left.text  # leave_to: the payment app
        assert state(codes[0]) == (True, 7)

        # The others finish the round; the group completes exactly once, with the leaver's answer.
        for client, page, amount in zip(clients[1:], first[1:], (20, 30)):
            contribute(client, page, amount)
        results = follow(clients[2], clients[2].get(f"/p/{codes[2]}/pgg/ResultsWaitPage/2"))
        assert "Total 60" in results.text, results.text[:500]
        assert completions() == (1, [1])
    finally:
        for client in clients:
            client.close()


def test_leave_and_last_arrival_at_the_same_instant_complete_the_group_once(tmp_path, db_url, live_server):
    path = copy_project("online", tmp_path)
    server = live_server(path, db_url)
    outcomes = set()
    for attempt in range(6):
        codes = create(path, db_url, "pgg_leave", 3)
        clients = [httpx.Client(base_url=server.url, timeout=30) for _ in codes]
        try:
            first = [follow(c, start(c, code)) for c, code in zip(clients, codes)]
            waiting = contribute(clients[0], first[0], 10)
            contribute(clients[1], first[1], 20)
            time.sleep(MAX_WAIT + 0.05)
            barrier = threading.Barrier(2)
            results = {}

            def leave(barrier=barrier, results=results, clients=clients, waiting=waiting):
                barrier.wait()
                results["leave"] = clients[0].post(str(waiting.url), data=LEAVE)

            def arrive(barrier=barrier, results=results, clients=clients, first=first):
                barrier.wait()
                results["arrive"] = clients[2].post(str(first[2].url), data={"contribution": "30"})

            threads = [threading.Thread(target=leave), threading.Thread(target=arrive)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            assert results["leave"].status_code == 302 and results["arrive"].status_code == 302
            # Whatever the order, the wait page completed exactly once, and the leaver is either
            # gone (left_wait_page) or went on with the group: never both, never neither.
            time.sleep(0.8)  # the loop moves the members still on the page
            rows, counts = completions()
            left, index = state(codes[0])
            assert left == (index == 7), (left, index)
            assert index in (3, 7)
            outcomes.add(left)
            assert state(codes[2])[1] == 3
        finally:
            for client in clients:
                client.close()
        assert rows == attempt + 1 and counts == [1] * (attempt + 1), (rows, counts)
