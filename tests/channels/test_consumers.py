"""Channels-style consumers of an extension app (routing.py) on a real uvicorn, with real WebSocket
clients: the Channels tutorial's chat, scope contents, a sync consumer saving to the database, a
group_send from page code reaching a custom consumer, and two worker processes sharing Redis."""

from __future__ import annotations

import json
import os

import httpx
import pytest
from websockets.exceptions import WebSocketException
from websockets.sync.client import connect

from otree.db import unit_of_work
from tests.support.live_client import Member
from tests.support.participants import create, receive_json, start
from tests.support.projects import copy_project


@pytest.fixture
def market(tmp_path):
    """The custom_code project on SQLite, with a session of 2: (path, db_url, participant codes, session code)."""
    path = copy_project("custom_code", tmp_path)
    db_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    codes = create(path, db_url, "market", 2)
    from otree.db.core import Participant

    with unit_of_work(readonly=True) as db:
        session_code = db.query(Participant).filter_by(code=codes[0]).one().session.code
    return path, db_url, codes, session_code


def nothing_within(ws, seconds: float = 0.3) -> bool:
    try:
        ws.recv(timeout=seconds)
    except TimeoutError:
        return True
    return False


def test_chat_consumer_of_the_channels_tutorial(market, live_server):
    path, db_url, _, _ = market
    server = live_server(path, db_url)
    with connect(server.ws_url + "/ws/chat/lobby/") as ann, connect(server.ws_url + "/ws/chat/lobby/") as bob, \
            connect(server.ws_url + "/ws/chat/other/") as eve:
        ann.send(json.dumps({"message": "hello"}))
        assert receive_json(ann, 5) == {"message": "hello"}
        assert receive_json(bob, 5) == {"message": "hello"}
        assert nothing_within(eve)  # another room's group
        bob.send(json.dumps({"message": "hi ann"}))
        assert receive_json(ann, 5) == {"message": "hi ann"}
    # Unknown socket paths are refused (a timeout waiting for a message would not count).
    with pytest.raises(WebSocketException):
        with connect(server.ws_url + "/ws/nowhere/") as ws:
            ws.recv(timeout=2)


def test_async_json_consumer_scope_and_group_dispatch(market, live_server):
    path, db_url, _, session_code = market
    server = live_server(path, db_url)
    url = f"{server.ws_url}/ws/market/{session_code}/?screen=lab"
    with connect(url, additional_headers={"Cookie": "flavour=mint"}) as ws:
        assert receive_json(ws, 5) == {"type": "hello", "flavour": "mint", "query": "screen=lab"}
        ws.send(json.dumps({"price": 3}))
        # receive_json -> group_send({"type": "market.echo"}) -> market_echo()
        assert receive_json(ws, 5) == {"echo": {"price": 3}}


def test_sync_consumer_saves_in_a_unit_of_work(market, live_server):
    path, db_url, _, _ = market
    server = live_server(path, db_url)
    from market import Player

    with unit_of_work(readonly=True) as db:
        pk = db.query(Player).order_by(Player.id).first().id
    with connect(server.ws_url + "/ws/notes/") as ws:
        ws.send(json.dumps({"player_id": pk, "note": "from a socket"}))
        assert receive_json(ws, 5) == {"saved": "from a socket"}
    with unit_of_work(readonly=True) as db:
        assert db.get(Player, pk).note == "from a socket"


def test_group_send_from_page_code_reaches_a_custom_consumer(market, live_server):
    path, db_url, codes, session_code = market
    server = live_server(path, db_url)
    with connect(f"{server.ws_url}/ws/market/{session_code}/") as screen:
        assert receive_json(screen, 5)["type"] == "hello"
        with httpx.Client(base_url=server.url) as browser:
            page = start(browser, codes[1])
            submitted = browser.post(str(page.url), data={"bid": "23"}, follow_redirects=True)
            assert "You bid 23." in submitted.text
        # before_next_page did async_to_sync(get_channel_layer().group_send)(..., {"type": "bid.placed"})
        assert receive_json(screen, 5) == {"bid": 23, "participant": codes[1]}


def test_group_send_from_a_live_method_reaches_a_custom_consumer(market, live_server):
    path, db_url, codes, session_code = market
    server = live_server(path, db_url)
    with connect(f"{server.ws_url}/ws/market/{session_code}/") as screen:
        assert receive_json(screen, 5)["type"] == "hello"
        member = Member(server, codes[0])
        with member.open():
            member.send({"bid": 41})
            assert member.payload() == "told the screen"
        assert receive_json(screen, 5) == {"bid": 41, "participant": codes[0]}


def test_two_workers_share_groups_through_redis(market, live_server, redis_url):
    path, db_url, codes, session_code = market
    env = {"REDIS_URL": redis_url}
    first, second = live_server(path, db_url, env=env), live_server(path, db_url, env=env)
    with connect(first.ws_url + "/ws/chat/lab/") as ann, connect(second.ws_url + "/ws/chat/lab/") as bob:
        ann.send(json.dumps({"message": "across workers"}))
        assert receive_json(bob, 5) == {"message": "across workers"}
        assert receive_json(ann, 5) == {"message": "across workers"}

    with connect(f"{first.ws_url}/ws/market/{session_code}/") as screen:
        assert receive_json(screen, 5)["type"] == "hello"
        with httpx.Client(base_url=second.url) as browser:  # the page runs on the other worker
            page = start(browser, codes[0])
            browser.post(str(page.url), data={"bid": "5"})
        assert receive_json(screen, 5) == {"bid": 5, "participant": codes[0]}


@pytest.mark.server_errors_expected  # the handler's RuntimeError is logged with its traceback
def test_a_failing_handler_closes_only_its_socket(market, live_server):
    from websockets.exceptions import ConnectionClosedError

    path, db_url, _, _ = market
    server = live_server(path, db_url)
    with connect(server.ws_url + "/ws/fragile/") as other, connect(server.ws_url + "/ws/fragile/") as ws:
        ws.send(json.dumps("boom"))
        with pytest.raises(ConnectionClosedError) as info:
            ws.recv(timeout=5)
        assert info.value.rcvd.code == 1011
        other.send(json.dumps(1))
        assert receive_json(other, 5) == {"ok": 1}
    assert "RuntimeError: boom" in server.read_log()


def test_group_send_from_a_script_reaches_servers_through_redis(market, live_server, redis_url):
    import subprocess
    import sys

    path, db_url, _, _ = market
    server = live_server(path, db_url, env={"REDIS_URL": redis_url})
    script = ("from otree.channels import async_to_sync, get_channel_layer\n"
              "async_to_sync(get_channel_layer().group_send)('chat_lab', {'type': 'chat.message', 'message': 'hi'})\n")
    with connect(server.ws_url + "/ws/chat/lab/") as ws:
        result = subprocess.run([os.path.join(os.path.dirname(sys.executable), "otree"), "shell", "-c", script],
                                cwd=path, capture_output=True, text=True, timeout=60,
                                env=dict(os.environ, DATABASE_URL=db_url, REDIS_URL=redis_url))
        assert result.returncode == 0, result.stderr
        assert receive_json(ws, 5) == {"message": "hi"}  # "chat.message" dispatched to chat_message
