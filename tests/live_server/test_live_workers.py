"""Live pages and chat on two worker processes sharing one database and one Redis."""

from __future__ import annotations

import json

import pytest
import redis
from sqlalchemy import func, select
from websockets.sync.client import connect

from otree.db import unit_of_work
from otree.project import get_project
from tests.support.live_client import Member, bid_together, go_to
from tests.support.participants import create
from tests.support.projects import copy_project

from .test_chat import chat_widgets

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def two_workers(tmp_path, db_url, live_server):
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis is required at {REDIS_URL}: {exc}")
    path = copy_project("livepages", tmp_path)
    codes = create(path, db_url, "livegame", 6)
    servers = [live_server(path, db_url, env={"REDIS_URL": REDIS_URL}) for _ in range(2)]
    return servers, codes


def test_simultaneous_bids_on_two_workers_none_lost(two_workers):
    servers, codes = two_workers
    # members of each group alternate between the two processes
    members = [Member(servers[i % 2], code) for i, code in enumerate(codes)]
    try:
        for member in members:
            member.open()
        rounds = 8
        bid_together(members, rounds, barrier_s=20, join_s=60)
        # every member, whichever worker it is on, hears every bid of its group, each total once
        for member in members:
            totals = sorted(member.payload(timeout=15)["total"] for _ in range(3 * rounds))
            assert totals == list(range(1, 3 * rounds + 1)), member.server.url
        with unit_of_work(readonly=True) as db:
            app = get_project().apps["livegame"]
            assert sorted(db.scalars(select(app.Group.total))) == [3 * rounds, 3 * rounds]
            assert db.scalar(select(func.count()).select_from(app.module.Bid)) == 6 * rounds
    finally:
        for member in members:
            member.close()


def test_reconnecting_to_the_other_worker_replays_missed_replies(two_workers):
    servers, codes = two_workers
    members = [Member(servers[0], code) for code in codes[:3]]
    try:
        for member in members:
            member.open()
        members[0].send({"kind": "bid", "amount": 1})
        last = members[1].recv()["otree_id"]
        members[1].ws.close()
        members[0].send({"kind": "bid", "amount": 2})
        # the page comes back through the load balancer, to the other process
        base = members[1].live_url().split("&otree_since=")[0]
        members[1].ws = connect(servers[1].ws_url + base + f"&otree_since={last}&otree_reconnect=1")
        assert members[1].payload() == {"total": 3, "by": 1}
        members[2].send({"kind": "bid", "amount": 4})  # sent via worker 1, heard on worker 2
        assert members[1].payload() == {"total": 7, "by": 3}
    finally:
        for member in members:
            member.close()


def test_chat_across_workers(two_workers):
    servers, codes = two_workers
    members = [Member(servers[i % 2], code) for i, code in enumerate(codes[:3])]
    try:
        go_to(members, "Chat")
        widgets = [chat_widgets(member.page.text)[0] for member in members]
        chats = [connect(m.server.ws_url + w["socket_path"]) for m, w in zip(members, widgets)]
        for ws in chats:
            assert json.loads(ws.recv(timeout=5)) == []  # the history: empty
        chats[0].send(json.dumps({"body": "hello", "nickname_signed": widgets[0]["nickname_signed"]}))
        expected = [{"nickname": "Participant 1", "body": "hello", "participant_id": widgets[0]["participant_id"]}]
        for ws in chats:
            assert json.loads(ws.recv(timeout=5)) == expected
        # a page loaded later, on either worker, gets the history from the database
        for server in servers:
            with connect(server.ws_url + widgets[2]["socket_path"]) as ws:
                assert json.loads(ws.recv(timeout=5)) == expected
        for ws in chats:
            ws.close()
    finally:
        for member in members:
            member.close()
