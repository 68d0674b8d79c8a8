"""Page timeouts with the browser closed, applied by the servers' task loop (real uvicorn, no browser).

Participants open their start link (the timer starts) and then send nothing more; the
servers must submit their timed page once, within 1 s of its deadline, exactly as the
browser's countdown would have: timeout_submission and type defaults, before_next_page
with timeout_happened=True, the page time marked as timed out.
"""

from __future__ import annotations

import os
import threading
import time

import httpx
import pytest
from sqlalchemy import select

from otree.db import unit_of_work
from otree.db.core import Participant
from otree.db.records import PageTime
from otree.project import get_project
from otree.timeouts import BROWSER_GRACE_S
from tests.support.participants import create, start
from tests.support.projects import copy_project

REDIS_URL = os.environ.get("OTREE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
LATE_S = 1.0  # what "on time" means here: applied within 1 s of the deadline


def extra_model(app_name: str, name: str):
    return next(m for m in get_project().apps[app_name].extra_models if m.__name__ == name)


def positions(codes: list[str]) -> dict[str, tuple[int, float | None]]:
    """Each participant's page index and current deadline."""
    with unit_of_work(readonly=True) as db:
        rows = db.execute(select(Participant.code, Participant._index_in_pages, Participant._timeout_expiration_time)
                          .where(Participant.code.in_(codes))).all()
    return {code: (index, deadline) for code, index, deadline in rows}


def deadlines(codes: list[str]) -> dict[str, float]:
    found = {code: deadline for code, (_, deadline) in positions(codes).items()}
    assert all(found.values()), f"a participant has no deadline: {found}"
    return found


def wait_until_all_on(codes: list[str], index: int, timeout: float) -> None:
    limit = time.monotonic() + timeout
    while time.monotonic() < limit:
        if all(i >= index for i, _ in positions(codes).values()):
            return
        time.sleep(0.1)
    pytest.fail(f"not all participants reached page {index} within {timeout} s: {positions(codes)}")


def next_page_calls(app_name: str) -> dict[str, list[tuple[bool, float]]]:
    """before_next_page calls per participant code: [(timeout_happened, time), ...]."""
    Call = extra_model(app_name, "NextPageCall")
    Player = get_project().apps[app_name].Player
    with unit_of_work(readonly=True) as db:
        rows = db.execute(select(Participant.code, Call.timeout_happened, Call.at)
                          .join(Player, Call.player_id == Player.id)
                          .join(Participant, Player.participant_id == Participant.id)).all()
    calls: dict[str, list[tuple[bool, float]]] = {}
    for code, timed_out, at in rows:
        calls.setdefault(code, []).append((bool(timed_out), at))
    return calls


def assert_timed_out_once_on_time(codes: list[str], expected_deadlines: dict[str, float], app_name: str = "timed",
                                  page_name: str = "Question") -> None:
    calls = next_page_calls(app_name)
    for code in codes:
        assert len(calls.get(code, [])) == 1, f"{code}: before_next_page calls {calls.get(code)}"
        ((timed_out, at),) = calls[code]
        assert timed_out is True
        lateness = at - expected_deadlines[code]
        assert -0.06 < lateness < LATE_S, f"{code}: applied {lateness:+.3f} s after its deadline"
    with unit_of_work(readonly=True) as db:
        times = db.execute(select(Participant.code, PageTime.timeout_happened)
                           .join(Participant, PageTime.participant_id == Participant.id)
                           .where(PageTime.page_name == page_name)).all()
    assert sorted(times) == sorted((code, True) for code in codes)


def open_start_links(server_urls: list[str], codes: list[str]) -> dict[str, float]:
    """Each participant opens the start link and sees the timed page, then closes the browser.

    Returns their deadlines (read at once: an early one may be timed out before the last starts).
    """
    due = {}
    for i, code in enumerate(codes):
        with httpx.Client(base_url=server_urls[i % len(server_urls)], timeout=30) as client:
            page = start(client, code)
            assert page.status_code == 200 and "Time left to complete this page" in page.text, page.text[:500]
        due.update(deadlines([code]))
    return due


# -- one server -------------------------------------------------------------------------------


def test_closed_browsers_are_timed_out_within_a_second_of_the_deadline(tmp_path, db_url, live_server):
    path = copy_project("timeouts", tmp_path)
    codes = create(path, db_url, "timed", 3)
    server = live_server(path, db_url)
    due = open_start_links([server.url], codes)
    assert all(1.0 < d - time.time() <= 2.0 for d in due.values())

    wait_until_all_on(codes, 2, timeout=10)
    assert_timed_out_once_on_time(codes, due)
    Player = get_project().apps["timed"].Player
    with unit_of_work(readonly=True) as db:
        values = db.execute(select(Player.answer, Player.note)).all()
    # timeout_submission for `answer`, the type's default for `note`, as a browser timeout gives.
    assert values == [(7, "")] * 3
    # A browser opened later is on the next page.
    with httpx.Client(base_url=server.url, timeout=30) as client:
        response = client.get(f"/p/{codes[0]}/timed/Question/1")
        assert response.status_code == 302 and "/timed/End/2" in response.headers["location"]


def test_timeouts_due_while_the_server_was_down_run_at_start(tmp_path, db_url, live_server):
    path = copy_project("timeouts", tmp_path)
    codes = create(path, db_url, "timed", 3)
    server = live_server(path, db_url)
    due = open_start_links([server.url], codes)
    server.process.kill()  # kill -9, before the deadline
    server.process.wait(10)
    assert time.time() < min(due.values())
    time.sleep(max(0.0, max(due.values()) - time.time()) + 1.0)
    assert all(index == 1 for index, _ in positions(codes).values())

    restarted = live_server(path, db_url)
    started = time.time()
    wait_until_all_on(codes, 2, timeout=10)
    calls = next_page_calls("timed")
    assert all(len(calls[code]) == 1 and calls[code][0][0] is True for code in codes), calls
    assert all(at - started < LATE_S for code in codes for _, at in calls[code])
    assert restarted.process.poll() is None


# -- two server processes ---------------------------------------------------------------------


def test_two_server_processes_apply_each_timeout_exactly_once(tmp_path, db_url, live_server):
    path = copy_project("timeouts", tmp_path)
    codes = create(path, db_url, "timed", 20)
    env = {"REDIS_URL": REDIS_URL}
    servers = [live_server(path, db_url, env), live_server(path, db_url, env)]
    due = open_start_links([s.url for s in servers], codes)

    wait_until_all_on(codes, 2, timeout=15)
    time.sleep(1.0)  # a second application, if any, would land meanwhile
    assert_timed_out_once_on_time(codes, due)


def test_a_browser_submitting_at_the_deadline_and_the_loop_apply_once(tmp_path, db_url, live_server):
    path = copy_project("timeouts", tmp_path)
    codes = create(path, db_url, "timed_many", 12)
    server = live_server(path, db_url)
    due = open_start_links([server.url], codes)
    statuses: dict[str, int] = {}

    def submit_at_deadline(code: str) -> None:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            # When the server's task falls due (it leaves an open page BROWSER_GRACE_S to submit first).
            time.sleep(max(0.0, due[code] + BROWSER_GRACE_S - time.time()))
            response = client.post(f"/p/{code}/timed/Question/1", data={"answer": "3", "note": "mine"})
            statuses[code] = response.status_code

    threads = [threading.Thread(target=submit_at_deadline, args=(code,)) for code in codes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    wait_until_all_on(codes, 2, timeout=10)
    time.sleep(0.5)

    assert set(statuses.values()) == {302}, statuses
    calls = next_page_calls("timed")
    Player = get_project().apps["timed"].Player
    with unit_of_work(readonly=True) as db:
        answers = dict(db.execute(select(Participant.code, Player.answer)
                                  .join(Player, Player.participant_id == Participant.id)).all())
    for code in codes:
        assert len(calls[code]) == 1, f"{code}: {calls[code]}"
        timed_out = calls[code][0][0]
        # Whoever came first applied, and only that: the browser's answer or the timeout's.
        assert answers[code] == (7 if timed_out else 3), (code, timed_out, answers[code])


# -- after a wait page ------------------------------------------------------------------------


def test_a_timed_page_after_a_wait_page_starts_its_timer_without_a_browser(tmp_path, db_url, live_server):
    path = copy_project("timeouts", tmp_path)
    absent, present = create(path, db_url, "waited", 2)
    server = live_server(path, db_url)
    with httpx.Client(base_url=server.url, timeout=30) as client:
        arrive = start(client, absent)
        response = client.post(str(arrive.url))
        assert "/waited/Together/2" in response.headers["location"]
        # ... and the absent participant's browser is closed on the wait page.
    with httpx.Client(base_url=server.url, timeout=30) as client:
        arrive = start(client, present)
        completed = time.time()
        response = client.post(str(arrive.url))  # the last to arrive: the wait page completes
        page = client.get(response.headers["location"], follow_redirects=True)
        assert "/waited/Timed/3" in str(page.url), page.url
        assert client.post(str(page.url), data={"answer": "4"}).status_code == 302

    wait_until_all_on([absent], 3, timeout=10)  # moved past the wait page by the server
    deadline = deadlines([absent])[absent]
    assert completed < deadline - 2 < completed + LATE_S
    wait_until_all_on([absent], 4, timeout=10)
    calls = next_page_calls("waited")
    assert calls[present] == [(False, pytest.approx(calls[present][0][1]))]
    assert len(calls[absent]) == 1 and calls[absent][0][0] is True
    assert calls[absent][0][1] - deadline < LATE_S
