"""Live pages over a real uvicorn and real WebSocket clients: liveSend -> live_method -> liveRecv."""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import select
from websockets.sync.client import connect

from otree.db import unit_of_work
from otree.db.live_tables import LiveReply
from otree.project import get_project
from tests.support.live_client import Member, bid_together, go_to
from tests.support.participants import create
from tests.support.projects import copy_project


@pytest.fixture
def group(tmp_path, db_url, live_server):
    """Three members of one group of the livegame app on their first live page (Board)."""
    path = copy_project("livepages", tmp_path)
    codes = create(path, db_url, "livegame", 3)
    server = live_server(path, db_url)
    members = [Member(server, code) for code in codes]
    yield members
    for member in members:
        member.close()


def test_broadcast_reaches_every_member(group):
    for member in group:
        member.open()
    group[0].send({"kind": "bid", "amount": 5})
    for member in group:
        assert member.payload() == {"total": 5, "by": 1}
    group[2].send({"kind": "bid", "amount": 7})
    for member in group:
        assert member.payload() == {"total": 12, "by": 3}
    # and the unit of work saved what the live method changed, without any .save()
    with unit_of_work(readonly=True) as db:
        Group = get_project().apps["livegame"].Group
        assert db.scalars(select(Group.total)).one() == 12


def test_reply_keyed_by_id_in_group_reaches_only_that_member(group):
    for member in group:
        member.open()
    group[0].send({"kind": "whisper", "to": 2, "text": "psst"})
    assert group[1].payload() == {"from": 1, "text": "psst"}
    group[0].nothing()
    group[2].nothing()


@pytest.mark.server_errors_expected  # the live method's exception is logged with its traceback
def test_error_in_live_method_answers_the_sender_and_keeps_other_sockets(group, caplog):
    for member in group:
        member.open()
    group[0].send({"kind": "boom"})
    error = group[0].recv()
    assert error["otree_success"] is False and error["live_method_payload"] is None
    assert "live_method failed on purpose" in error["otree_error"]  # DEBUG: shown in the console
    group[1].nothing()
    # a wrong return value is an error too, with a message that says what is wrong
    group[0].send({"kind": "bad"})
    assert "must return a dict" in group[0].recv()["otree_error"]
    # every socket still works, the sender's included
    group[1].send({"kind": "bid", "amount": 1})
    for member in group:
        assert member.payload() == {"total": 1, "by": 2}
    log = group[0].server.read_log()
    assert "Traceback" in log and "live_method failed on purpose" in log


def test_message_for_a_page_the_participant_left_is_ignored(group):
    stale = group[0]
    stale.open()
    old_socket = stale.ws
    stale.next_page()  # now on Stream; the Board socket is still open
    assert "/Stream/" in str(stale.page.url)
    for member in group[1:]:
        member.open()
    stale.ws = old_socket
    stale.send({"kind": "bid", "amount": 100})
    stale.nothing()
    for member in group[1:]:
        member.nothing(0.2)
    with unit_of_work(readonly=True) as db:
        assert db.scalars(select(get_project().apps["livegame"].Group.total)).one() == 0
    assert "Ignoring liveSend message" in stale.server.read_log()


def test_async_generator_streams_while_another_group_is_served(tmp_path, db_url, live_server):
    path = copy_project("livepages", tmp_path)
    codes = create(path, db_url, "livegame", 6)
    server = live_server(path, db_url)
    members = [Member(server, code) for code in codes]
    try:
        streamer, other = members[0], members[3]  # groups 1 and 2
        streamer.next_page()
        assert "/Stream/" in str(streamer.page.url)
        streamer.open()
        for member in members[3:]:
            member.open()
        started = time.monotonic()
        streamer.send({"label": "slow", "delay": 1.0})
        # while the generator sleeps, the other group's messages go through at once
        time.sleep(0.1)
        other.send({"kind": "bid", "amount": 3})
        for member in members[3:]:
            assert member.payload(timeout=2) == {"total": 3, "by": 1}
        assert time.monotonic() - started < 0.9, "another group waited for the stream"
        steps = []
        for _ in range(3):
            steps.append((streamer.payload(timeout=5), time.monotonic() - started))
        assert [s[0] for s in steps] == [{"step": i, "of": "slow"} for i in range(3)]
        # each yield arrived as soon as it was produced, not all at the end
        assert steps[0][1] < 2.0 and steps[1][1] > steps[0][1] + 0.5 and steps[2][1] > steps[1][1] + 0.5
    finally:
        for member in members:
            member.close()


def test_live_method_on_a_wait_page(group):
    first = group[0]
    first.next_page()
    first.next_page()  # Stream -> LiveWait, where the others have not arrived
    assert first.page.headers.get("oTree-Wait-Page") == "1"
    first.open()
    first.send({"hello": 1})
    assert first.payload() == {"waiting": True, "echo": {"hello": 1}}


def test_reconnecting_socket_gets_the_replies_it_missed(group):
    for member in group:
        member.open()
    group[0].send({"kind": "bid", "amount": 1})
    first = group[1].recv()
    assert first["live_method_payload"]["total"] == 1
    group[0].payload()
    group[2].payload()
    # member 2's connection drops; two replies are sent meanwhile
    group[1].ws.close()
    group[0].send({"kind": "bid", "amount": 2})
    group[0].payload()
    group[2].send({"kind": "bid", "amount": 3})
    group[0].payload()
    # the page reconnects (as live.js does), saying which reply it had last
    base = group[1].live_url().split("&otree_since=")[0]
    group[1].ws = connect(group[1].server.ws_url + base + f"&otree_since={first['otree_id']}&otree_reconnect=1")
    assert group[1].payload() == {"total": 3, "by": 1}
    assert group[1].payload() == {"total": 6, "by": 3}
    group[1].nothing(0.3)
    # replies are kept in the database (any worker can replay them), not in process memory
    with unit_of_work(readonly=True) as db:
        assert db.scalar(select(LiveReply.id).where(LiveReply.participant_code == group[1].code).limit(1))


def test_refreshed_page_is_sent_what_it_missed_since_it_was_rendered(group):
    group[0].open()
    group[1].page = group[1].client.get(str(group[1].page.url))  # rendered, socket not yet open
    group[0].send({"kind": "bid", "amount": 4})
    group[0].payload()
    group[1].open()  # connects after the reply was sent: still gets it
    assert group[1].payload() == {"total": 4, "by": 1}


def test_live_state_rebuilds_a_refreshed_page(group):
    go_to(group, "Stateful")  # everyone passes the wait page
    for member in group:
        member.open()
        assert member.payload() == {"total": 0, "state": True}
    group[0].send({"amount": 5})
    for member in group:
        assert member.payload() == {"total": 5}
    group[1].ws.close()
    group[2].send({"amount": 6})
    # a refresh: the page's live_state is sent, and the replies it covers are not sent again
    group[1].page = group[1].client.get(str(group[1].page.url))
    group[1].open()
    assert group[1].payload() == {"total": 11, "state": True}
    group[1].nothing(0.3)
    group[0].send({"amount": 1})
    assert group[1].payload() == {"total": 12}


def test_simultaneous_bids_of_one_group_are_all_applied(group):
    """Members bid at the same instant, many times: the group lock loses no update."""
    for member in group:
        member.open()
    rounds = 10
    bid_together(group, rounds, barrier_s=10, join_s=30)
    totals = sorted(group[0].payload()["total"] for _ in range(3 * rounds))
    assert totals == list(range(1, 3 * rounds + 1))


def test_self_format_live_methods(tmp_path, db_url, live_server):
    path = copy_project("livepages", tmp_path)
    codes = create(path, db_url, "liveself", 2)
    server = live_server(path, db_url)
    members = [Member(server, code) for code in codes]
    try:
        for member in members:
            member.open()
        members[1].send({"amount": 9})  # live_method = 'live_bid', a Player method
        for member in members:
            assert member.payload() == {"highest": 9, "from": 2}
        for member in members:
            member.ws.close()
            member.next_page()
            member.open()
        members[0].send("hi")  # def live_method(self, data) on the page
        assert members[0].payload() == {"echo": "hi", "round": 1}
        members[1].nothing(0.3)
    finally:
        for member in members:
            member.close()


def test_bad_socket_parameters_get_an_error(group):
    with connect(group[0].server.ws_url + "/live?participant_code=x") as ws:
        message = json.loads(ws.recv(timeout=5))
        assert message["otree_success"] is False


def test_browser_bot_pages_do_not_send_live_messages(group):
    """As in oTree: a browser bot's live traffic is played by call_live_method, not by its page."""
    from otree.db.core import Participant

    with unit_of_work() as db:
        db.scalars(select(Participant).filter_by(code=group[0].code)).one().is_browser_bot = True
    for member in group:
        member.open()
    group[0].send({"kind": "bid", "amount": 5})
    group[1].nothing()
    group[1].send({"kind": "bid", "amount": 2})  # a person's page in the same group still works
    assert group[0].payload() == {"total": 2, "by": 2}
