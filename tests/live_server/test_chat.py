"""Chat over a real uvicorn and real WebSocket clients: channels, history, storage, export, signing."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from types import SimpleNamespace

import pytest
from websockets.sync.client import connect

from otree.templating.errors import TemplateError
from tests.support.live_client import Member, go_to
from tests.support.participants import create
from tests.support.projects import copy_project


def chat_widgets(page_html: str) -> list[dict]:
    """The settings of every {{ chat }} widget of a page (what chat.js reads)."""
    return [json.loads(html.unescape(m)) for m in re.findall(r'data-otree-chat="([^"]+)"', page_html)]


@pytest.fixture
def chat_group(tmp_path, db_url, live_server):
    path = copy_project("livepages", tmp_path)
    codes = create(path, db_url, "livegame", 6)
    server = live_server(path, db_url)
    members = [Member(server, code) for code in codes]
    go_to(members, "Chat")
    yield server, members
    for member in members:
        member.close()


def send(ws, widget: dict, body: str) -> None:
    ws.send(json.dumps({"body": body, "nickname_signed": widget["nickname_signed"]}))


def test_default_and_named_channels_with_nicknames(chat_group):
    server, members = chat_group
    group_chat, everyone = chat_widgets(members[0].page.text)
    session_id = group_chat["channel"].split("-")[0]
    assert re.fullmatch(rf"{session_id}-livegame-\d+", group_chat["channel"])  # the group's id by default
    assert everyone["channel"] == f"{session_id}-livegame-everyone"
    assert group_chat["nickname"] == "Participant 1" and group_chat["nickname_i_see_for_myself"] == "Participant 1 (Me)"
    assert everyone["nickname"] == "Anon"
    other_group = chat_widgets(members[3].page.text)
    assert other_group[0]["channel"] != group_chat["channel"]  # another group, another channel
    assert other_group[1]["channel"] == everyone["channel"]  # a named channel spans groups


def test_history_on_connect_and_messages_reach_only_the_channel(chat_group):
    server, members = chat_group
    widgets = [chat_widgets(m.page.text)[0] for m in members]
    sockets = [connect(server.ws_url + w["socket_path"]) for w in widgets]
    try:
        for ws in sockets:
            assert json.loads(ws.recv(timeout=5)) == []
        first = {"nickname": "Participant 1", "body": "hi <b>all</b> & \"you\"",
                 "participant_id": widgets[0]["participant_id"]}
        second = {"nickname": "Participant 2", "body": "hello", "participant_id": widgets[1]["participant_id"]}
        send(sockets[0], widgets[0], first["body"])
        for ws in sockets[:3]:
            assert json.loads(ws.recv(timeout=5)) == [first]
        send(sockets[1], widgets[1], second["body"])
        for ws in sockets[:3]:
            assert json.loads(ws.recv(timeout=5)) == [second]
        for ws in sockets[3:]:  # the other group's chat hears nothing
            with pytest.raises(TimeoutError):
                ws.recv(timeout=0.3)
        # a refreshed page gets the history, in order
        with connect(server.ws_url + widgets[2]["socket_path"]) as again:
            assert json.loads(again.recv(timeout=5)) == [first, second]
        # empty messages and forged nicknames are dropped
        sockets[0].send(json.dumps({"body": "", "nickname_signed": widgets[0]["nickname_signed"]}))
        sockets[0].send(json.dumps({"body": "x", "nickname_signed": "Boss.forged"}))
        with pytest.raises(TimeoutError):
            sockets[1].recv(timeout=0.5)
    finally:
        for ws in sockets:
            ws.close()


def test_messages_are_in_the_chat_export(chat_group):
    server, members = chat_group
    widget = chat_widgets(members[0].page.text)[1]
    with connect(server.ws_url + widget["socket_path"]) as ws:
        ws.recv(timeout=5)
        send(ws, widget, "for the record, <i>escaped</i>?")
        ws.recv(timeout=5)
    response = members[0].client.get("/api/export_chat")
    assert response.status_code == 200, response.text
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["session_code", "id_in_session", "participant_code", "channel", "nickname", "body", "timestamp"]
    assert len(rows) == 2
    session_code, id_in_session, participant_code, channel, nickname, body, timestamp = rows[1]
    assert (id_in_session, participant_code, channel, nickname) == ("1", members[0].code, widget["channel"], "Anon")
    assert body == "for the record, <i>escaped</i>?"  # data is kept as typed; pages show it as text
    assert float(timestamp) > 1.6e9


def test_forged_channel_is_refused(chat_group):
    server, members = chat_group
    widget = chat_widgets(members[0].page.text)[0]
    signed_channel = re.search(r"channel=([^&]+)", widget["socket_path"]).group(1)
    forged = widget["socket_path"].replace(signed_channel, "1-livegame-999.forgedsignature")
    with connect(server.ws_url + forged) as ws:
        assert json.loads(ws.recv(timeout=5)) == {"error": "Invalid chat parameters"}


def test_channel_names_follow_otree_rules():
    from otree.web.chat import chat_html

    context = dict(
        player=SimpleNamespace(group=SimpleNamespace(id=7), id_in_group=2),
        participant=SimpleNamespace(id=11), session=SimpleNamespace(id=3),
        page=SimpleNamespace(_app=SimpleNamespace(name_in_url="market")),
    )
    assert "3-market-7" in chat_html(context)
    assert "3-market-team_a-1" in chat_html(context, channel="team_a-1")
    with pytest.raises(TemplateError, match="ASCII letters"):
        chat_html(context, channel="no spaces")
