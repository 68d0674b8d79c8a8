"""Channels-style WebSocket consumers on Starlette.

A consumer handles one WebSocket connection: connect / receive_json / disconnect, plus a
method per message `type` that arrives through the channel layer (`"type": "wait_page.ready"`
calls `wait_page_ready`). Custom consumers of EXTENSION_APPS subclass this the way they
subclassed Channels' AsyncJsonWebsocketConsumer.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Callable, cast

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from .messages import CLOSE_TOO_BIG, WebSocketInputError, decode_websocket_message

from . import get_channel_layer

logger = logging.getLogger("otree.channels")


class AsyncJsonWebsocketConsumer:
    groups: list[str] = []

    def __init__(self, websocket: WebSocket):
        self.websocket = websocket
        self.scope = websocket.scope
        self.channel_layer = get_channel_layer()
        self.channel_name: str = ""
        self.groups = list(type(self).groups)
        self._accepted = False

    @classmethod
    def as_endpoint(cls) -> Callable[[WebSocket], Any]:
        """A Starlette WebSocketRoute endpoint running this consumer."""

        async def endpoint(websocket: WebSocket) -> None:
            await cls(websocket).run()

        endpoint.__name__ = cls.__name__
        return endpoint

    @property
    def query(self) -> dict[str, str]:
        return dict(self.websocket.query_params)

    # -- overridable -------------------------------------------------------------------

    async def connect(self) -> None:
        await self.accept()

    async def receive_json(self, content: Any) -> None:
        pass

    async def disconnect(self, code: int) -> None:
        pass

    # -- API ---------------------------------------------------------------------------

    async def accept(self) -> None:
        if not self._accepted:
            await self.websocket.accept()
            self._accepted = True

    async def send_json(self, content: Any) -> None:
        from otree.currency import json_default

        await self.websocket.send_text(json.dumps(content, default=json_default))

    async def close(self, code: int = 1000) -> None:
        if not self._accepted:
            await self.websocket.accept()
            self._accepted = True
        if self.websocket.application_state != WebSocketState.DISCONNECTED:
            await self.websocket.close(code)

    async def group_add(self, group: str) -> None:
        await self.channel_layer.group_add(group, self.channel_name)
        if group not in self.groups:
            self.groups.append(group)

    # -- machinery ---------------------------------------------------------------------

    async def run(self) -> None:
        self.channel_name = await self.channel_layer.new_channel()
        for group in self.groups:
            await self.channel_layer.group_add(group, self.channel_name)
        code = 1000
        listener = None
        try:
            await self.connect()
            if self.websocket.application_state == WebSocketState.DISCONNECTED or not self._accepted:
                return
            listener = asyncio.create_task(self._listen_channel())
            while True:
                message = await self.websocket.receive()
                if message["type"] == "websocket.disconnect":
                    code = message.get("code", 1000)
                    break
                try:
                    content = decode_websocket_message(cast(dict, message))
                except WebSocketInputError as exc:
                    if exc.code == CLOSE_TOO_BIG:
                        await self.close(exc.code)
                        break
                    continue  # a garbled frame from a client is ignored, not fatal
                try:
                    await self.receive_json(content)
                except Exception:
                    # One bad message (of a client or in app code) must not end the connection.
                    logger.exception("error in %s.receive_json", type(self).__name__)
                    if self.websocket.application_state == WebSocketState.CONNECTED:
                        await self.send_json({"error": "The server could not process this message."})
        except WebSocketDisconnect as exc:
            code = exc.code
        finally:
            if listener is not None:
                listener.cancel()
            for group in self.groups:
                await self.channel_layer.group_discard(group, self.channel_name)
            await self.channel_layer.close_channel(self.channel_name)
            await self.disconnect(code)

    async def _listen_channel(self) -> None:
        while True:
            message = await self.channel_layer.receive(self.channel_name)
            handler = getattr(self, str(message.get("type", "")).replace(".", "_"), None)
            if handler is None:
                logger.warning("%s has no handler for message type %r", type(self).__name__, message.get("type"))
                continue
            try:
                await handler(message)
            except WebSocketDisconnect:
                return  # the client left while a message was on its way: run() ends with the disconnect
            except Exception:  # a broken socket must not kill the listener silently
                logger.exception("error in %s.%s", type(self).__name__, message.get("type"))
                return
