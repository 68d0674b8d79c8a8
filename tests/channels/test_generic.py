"""Consumer classes in process (Starlette's TestClient runs the ASGI app): `groups` joined at
connect, AcceptConnection / DenyConnection, bytes frames, close(), and handler names."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from otree import channels
from otree.channels import (
    AsyncJsonWebsocketConsumer,
    AsyncWebsocketConsumer,
    DenyConnection,
    async_to_sync,
    get_channel_layer,
)
from otree.channels.generic import handler_name
from otree.urls import path


class Announcements(AsyncJsonWebsocketConsumer):
    groups = ["announcements"]

    async def news(self, event):
        await self.send_json({"news": event["text"]})


class Gate(AsyncWebsocketConsumer):
    async def connect(self):
        if self.scope["url_route"]["kwargs"]["word"] != "open":
            raise DenyConnection()
        await self.accept()

    async def receive(self, text_data=None, bytes_data=None):
        if bytes_data is not None:
            await self.send(bytes_data=bytes_data[::-1])
        else:
            await self.send(text_data="bye", close=4001)


@pytest.fixture
def client():
    async def announce(request):
        await get_channel_layer().group_send("announcements", {"type": "news", "text": request.query_params["t"]})
        from otree.http import HttpResponse

        return HttpResponse("sent")

    app = Starlette(routes=[path("ws/news/", Announcements), path("ws/gate/<str:word>/", Gate.as_asgi()),
                            path("announce/", announce)])
    with TestClient(app) as test_client:
        yield test_client
    async_to_sync(channels.reset_channel_layer)()


def test_groups_attribute_joins_at_connect(client):
    with client.websocket_connect("/ws/news/") as a, client.websocket_connect("/ws/news/") as b:
        assert client.get("/announce/?t=hello").text == "sent"
        assert a.receive_json() == {"news": "hello"}
        assert b.receive_json() == {"news": "hello"}


def test_deny_bytes_and_close_with_a_code(client):
    with pytest.raises(WebSocketDisconnect):
        with client.websocket_connect("/ws/gate/shut/") as ws:
            ws.receive_text()
    with client.websocket_connect("/ws/gate/open/") as ws:
        ws.send_bytes(b"abc")
        assert ws.receive_bytes() == b"cba"
        ws.send_text("x")
        assert ws.receive_text() == "bye"
        with pytest.raises(WebSocketDisconnect) as info:
            ws.receive_text()
        assert info.value.code == 4001


def test_handler_names():
    assert handler_name("chat.message") == "chat_message"
    assert handler_name("wait_page.ready") == "wait_page_ready"
    with pytest.raises(ValueError):
        handler_name("_private")


def test_group_send_needs_a_type():
    with pytest.raises(TypeError, match='"type"'):
        async_to_sync(get_channel_layer().group_send)("g", {"text": "no type"})
