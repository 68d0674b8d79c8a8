"""The consumer base class every socket endpoint uses: bad frames and failing handlers do not end the socket."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.testclient import TestClient

from otree.channels.consumer import AsyncJsonWebsocketConsumer
from otree.conf import settings


class Echo(AsyncJsonWebsocketConsumer):
    async def receive_json(self, content):
        if content == {"boom": True}:
            raise RuntimeError("a bug in a handler")
        await self.send_json({"echo": content})


def _client() -> TestClient:
    return TestClient(Starlette(routes=[WebSocketRoute("/echo", Echo.as_endpoint())]))


def test_garbage_frames_are_skipped_and_a_failing_handler_is_answered():
    with _client().websocket_connect("/echo") as ws:
        ws.send_text("not json")
        ws.send_bytes(b"\xff\xfe not utf-8")
        ws.send_text("[" * 100000)  # nested beyond the recursion limit
        ws.send_json({"boom": True})
        assert ws.receive_json() == {"error": "The server could not process this message."}
        ws.send_bytes(b'{"a": 1}')
        assert ws.receive_json() == {"echo": {"a": 1}}


def test_a_message_beyond_the_limit_closes_with_1009():
    with settings.override(MAX_WEBSOCKET_MESSAGE_SIZE=1000):
        with _client().websocket_connect("/echo") as ws:
            ws.send_text('"' + "y" * 998 + '"')  # 1000 characters: at the limit, accepted
            assert ws.receive_json() == {"echo": "y" * 998}
            ws.send_text("z" * 1001)
            message = ws.receive()
            assert message == {"type": "websocket.close", "code": 1009, "reason": ""}
