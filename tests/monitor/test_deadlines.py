"""The monitor shows each participant's deadline; advancing a participant is a timeout, applied once."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select

from otree import monitor, tasks
from otree.db import unit_of_work
from otree.db.core import Participant, Session
from otree.project import get_project
from otree.session import create_session
from otree.timeouts import timeout_key
from otree.web.monitor import time_left
from tests.support.monitor import csrf_token

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def admin(load):
    from starlette.testclient import TestClient

    from otree.web.app import create_app

    load("timeouts")
    with TestClient(create_app(get_project()), base_url="http://testserver") as client:  # runs the task loop
        yield client


def new_session(n: int, timeout: int) -> tuple[str, list[str]]:
    with unit_of_work():
        session = create_session("timed", n, modified_session_config_fields={"timeout": timeout})
        return session.code, [p.code for p in session.get_participants()]


def calls() -> list[tuple[str, bool]]:
    app = get_project().apps["timed"]
    Call = next(m for m in app.extra_models if m.__name__ == "NextPageCall")
    with unit_of_work(readonly=True) as db:
        return db.execute(select(Participant.code, Call.timeout_happened)
                          .join(app.Player, Call.player_id == app.Player.id)
                          .join(Participant, app.Player.participant_id == Participant.id)).all()


def test_monitor_rows_and_page_show_the_deadline(admin):
    session_code, codes = new_session(2, timeout=600)
    before = time.time()
    admin.get(f"/InitializeParticipant/{codes[0]}", follow_redirects=True)
    with unit_of_work(readonly=True) as db:
        session = db.scalars(select(Session).filter_by(code=session_code)).one()
        rows = {row["code"]: row for row in monitor.rows(session)}
    assert before + 600 <= rows[codes[0]]["deadline"] <= time.time() + 600
    assert rows[codes[1]]["deadline"] is None  # not started: no deadline yet
    html = admin.get(f"/SessionMonitor/{session_code}").text
    first = re.search(rf'<tr data-code="{codes[0]}".*?</tr>', html, re.S).group(0)
    assert re.search(r'<td class="m-deadline" data-deadline="[0-9.]+">(9:59|10:00)</td>', first), first
    assert '<td class="m-deadline" data-deadline=""></td>' in html


def test_time_left_formatting():
    assert time_left(None, 100) == ""
    assert time_left(165, 100) == "1:05"
    assert time_left(100.2, 100) == "0:01"
    assert time_left(99, 100) == "timing out"


def test_advancing_a_participant_is_their_timeout_and_the_loop_does_not_repeat_it(admin):
    session_code, codes = new_session(2, timeout=600)
    for code in codes:
        admin.get(f"/InitializeParticipant/{code}", follow_redirects=True)
    token = csrf_token(admin.get(f"/SessionMonitor/{session_code}").text)
    response = admin.post(f"/AdvanceSession/{session_code}", data={"csrftoken": token, "participant_code": codes[0]},
                          headers={"Accept": "application/json"})
    assert response.json()["advanced"] == [codes[0]]
    assert calls() == [(codes[0], True)]
    Player = get_project().apps["timed"].Player
    with unit_of_work(readonly=True) as db:
        assert db.execute(select(Player.answer, Player.note).join(Participant).where(
            Participant.code == codes[0])).one() == (7, "")
        first_id = db.scalar(select(Participant.id).filter_by(code=codes[0]))

    # The page's own timeout then falls due: the running loop finds the participant moved on.
    with unit_of_work():
        assert tasks.reschedule(timeout_key(first_id, 1), time.time())
    limit = time.monotonic() + 10
    while time.monotonic() < limit:
        with unit_of_work(readonly=True):
            if tasks.pending(timeout_key(first_id, 1)) is None:
                break
        time.sleep(0.05)
    with unit_of_work(readonly=True):
        assert tasks.pending(timeout_key(first_id, 1)) is None
    assert calls() == [(codes[0], True)]

    # "Advance slowest" takes the other participant, once, through the same path.
    response = admin.post(f"/AdvanceSession/{session_code}", data={"csrftoken": token},
                          headers={"Accept": "application/json"})
    assert response.json()["advanced"] == [codes[1]]
    assert sorted(calls()) == sorted([(codes[0], True), (codes[1], True)])
