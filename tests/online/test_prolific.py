"""Prolific links on a real uvicorn: with and without parameters, a repeated PROLIFIC_PID, and the
completion redirects (the study's code at the end, its own code for a leaver)."""

from __future__ import annotations

import time

import httpx
import pytest
from sqlalchemy import select

from otree.db import unit_of_work
from otree.db.core import Participant, Session
from tests.support.participants import create
from tests.support.projects import copy_project

pytestmark = pytest.mark.timeout(120)
DONE = "https://app.prolific.com/submissions/complete?cc="
PID, STUDY, SESSION = "5f1a2b3c4d5e6f7a8b9c0d1e", "60aa11bb22cc33dd44ee55ff", "61ab12bc23cd34de45ef56f0"


def anonymous_code() -> str:
    with unit_of_work(readonly=True) as db:
        return db.scalar(select(Session._anonymous_code).order_by(Session.id.desc()).limit(1))


def follow(client: httpx.Client, response: httpx.Response) -> httpx.Response:
    while response.status_code == 302 and response.headers["location"].startswith("/"):
        response = client.get(response.headers["location"])
    return response


def arrive(client: httpx.Client, link: str, pid: str = PID) -> httpx.Response:
    return follow(client, client.get(link, params={"PROLIFIC_PID": pid, "STUDY_ID": STUDY, "SESSION_ID": SESSION}))


def test_links_with_and_without_parameters_and_a_repeated_pid(tmp_path, db_url, live_server):
    path = copy_project("online", tmp_path)
    create(path, db_url, "pgg_prolific", 3)
    link = f"/join/{anonymous_code()}"
    server = live_server(path, db_url)
    with httpx.Client(base_url=server.url, timeout=30) as client:
        missing = client.get(link)
        assert missing.status_code == 400 and "must be opened from Prolific" in missing.text
        partial = client.get(link, params={"PROLIFIC_PID": PID})
        assert partial.status_code == 400 and "STUDY_ID, SESSION_ID is missing" in partial.text
        forged = client.get(link, params={"PROLIFIC_PID": "<script>", "STUDY_ID": STUDY, "SESSION_ID": SESSION})
        assert forged.status_code == 400
        assert "PROLIFIC_PID is malformed" in forged.text and "<script>" not in forged.text

        first = arrive(client, link)
        assert first.status_code == 200 and "Contribute" in first.text
        again = arrive(httpx.Client(base_url=server.url), link)  # another browser, the same PID
        assert again.url == first.url
        other = arrive(client, link, pid="5f1a2b3c4d5e6f7a8b9c0d99")
        assert other.url != first.url
    with unit_of_work(readonly=True) as db:
        started = db.execute(select(Participant.label, Participant.vars).where(Participant.visited.is_(True))
                             .order_by(Participant.id_in_session)).all()
    assert [label for label, _ in started] == [PID, "5f1a2b3c4d5e6f7a8b9c0d99"]
    assert {k: v for k, v in started[0][1].items() if k.startswith("prolific_")} == {
        "prolific_pid": PID, "prolific_study_id": STUDY, "prolific_session_id": SESSION}


def test_the_end_and_a_leaver_redirect_to_prolific_with_their_codes(tmp_path, db_url, live_server):
    path = copy_project("online", tmp_path)
    create(path, db_url, "pgg_prolific", 3)
    link = f"/join/{anonymous_code()}"
    server = live_server(path, db_url)
    clients = [httpx.Client(base_url=server.url, timeout=30) for _ in range(3)]
    try:
        pages = [arrive(c, link, pid=f"{i:024x}") for i, c in enumerate(clients, start=1)]
        waiting = follow(clients[0], clients[0].post(str(pages[0].url), data={"contribution": "10"}))
        time.sleep(1.1)
        payment = follow(clients[0], clients[0].post(str(waiting.url), data={"otree_leave_wait_page": "1"}))
        assert "Thank you for waiting." in payment.text
        end = follow(clients[0], clients[0].post(str(payment.url), data={}))
        assert end.status_code == 302 and end.headers["location"] == DONE + "LEFT1"

        # The other two play both rounds (the leaver counts as arrived) and finish with the study's code.
        current = pages[1:]
        for _ in (1, 2):
            current = [follow(c, c.post(str(p.url), data={"contribution": "20"})) for c, p in zip(clients[1:], current)]
            current = [until_results(c, p) for c, p in zip(clients[1:], current)]
            current = [follow(c, c.post(str(p.url), data={})) for c, p in zip(clients[1:], current)]
        for client, page in zip(clients[1:], current):
            assert "Thank you." in page.text
            done = follow(client, client.post(str(page.url), data={}))
            assert done.status_code == 302 and done.headers["location"] == DONE + "C0MPLETE"
    finally:
        for client in clients:
            client.close()


def until_results(client: httpx.Client, page: httpx.Response) -> httpx.Response:
    limit = time.monotonic() + 10
    while "<p>Total" not in page.text:
        assert time.monotonic() < limit, page.text[:300]
        time.sleep(0.05)
        page = follow(client, client.get(str(page.url)))
    return page


def test_completion_codes_by_path():
    from types import SimpleNamespace

    from otree.prolific import completion_url

    def who(config, left=False, dropout=False):
        return SimpleNamespace(session=SimpleNamespace(config=config), left_wait_page=left, is_dropout=dropout)

    full = dict(prolific_completion_code="DONE", prolific_leave_code="LEFT", prolific_dropout_code="GONE")
    assert completion_url(who(full)) == DONE + "DONE"
    assert completion_url(who(full, left=True)) == DONE + "LEFT"
    assert completion_url(who(full, dropout=True)) == DONE + "GONE"
    # Without their own codes, leavers and dropouts get the study's code; without one, no redirect.
    assert completion_url(who(dict(prolific_completion_code="DONE"), dropout=True)) == DONE + "DONE"
    assert completion_url(who({}, left=True)) is None
    assert completion_url(who(dict(prolific_completion_code="A&B"))) == DONE + "A%26B"
