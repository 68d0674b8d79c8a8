"""Channels-style consumers for custom WebSockets: the classes oTree 3 projects subclassed.

A consumer is an ASGI application for one connection. Messages from the client
(`websocket.connect`, `websocket.receive`, `websocket.disconnect`) and from the channel layer
(`group_send(group, {"type": "chat.message", ...})`) are handled one at a time, in arrival
order, by the method named after the type with dots turned into underscores (`chat_message`).

The sync classes (`WebsocketConsumer`, `JsonWebsocketConsumer`) run every handler in a worker
thread inside its own unit of work, so they may read and change models directly. What a
handler sends to its client (`accept()`, `send()`, `close()`) goes out when the handler's unit
of work has committed; `async_to_sync(self.channel_layer.group_send)(...)` goes at once.
"""

from __future__ import annotations

import asyncio
import json
import logging
from http.cookies import SimpleCookie
from typing import Any, Awaitable, Callable

from asgiref.sync import async_to_sync

from . import get_channel_layer

logger = logging.getLogger("otree.channels")

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class StopConsumer(Exception):
    """Raise in a handler to end the consumer (as after a disconnect)."""


class AcceptConnection(Exception):
    """Raise in connect() to accept the connection."""


class DenyConnection(Exception):
    """Raise in connect() to refuse the connection."""


def handler_name(message_type: str) -> str:
    """The method that handles a message type: "chat.message" -> "chat_message"."""
    if not isinstance(message_type, str) or message_type.startswith("_"):
        raise ValueError(f"Invalid message type {message_type!r}")
    return message_type.replace(".", "_")


def parse_cookies(scope: dict[str, Any]) -> dict[str, str]:
    cookie = SimpleCookie()
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            try:
                cookie.load(value.decode("latin-1"))
            except Exception:  # noqa: BLE001 - a malformed cookie header gives no cookies, not an error
                pass
    return {key: morsel.value for key, morsel in cookie.items()}


class AsyncConsumer:
    """The base of all consumers: owns a channel, dispatches messages by their "type"."""

    scope: dict[str, Any]
    channel_layer: Any
    channel_name: str
    channel_layer_alias = "default"  # kept for Channels code that reads it; there is one layer

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    @classmethod
    def as_asgi(cls, **initkwargs: Any) -> Callable[[Any, Receive, Send], Awaitable[None]]:
        """The ASGI application for this consumer (Channels 3); each connection gets a new instance."""
        for key in initkwargs:
            if not hasattr(cls, key):
                raise TypeError(f"{cls.__name__}.as_asgi() got {key!r}, which is not an attribute of the class")

        async def app(scope: Any, receive: Receive, send: Send) -> None:
            consumer = cls()
            for key, value in initkwargs.items():
                setattr(consumer, key, value)
            await consumer(scope, receive, send)

        app.consumer_class = cls  # type: ignore[attr-defined]
        app.consumer_initkwargs = initkwargs  # type: ignore[attr-defined]
        app.__name__ = cls.__name__
        app.__doc__ = cls.__doc__
        return app

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        self.scope = scope
        self.scope.setdefault("cookies", parse_cookies(scope))
        self.channel_layer = get_channel_layer()
        self.channel_name = await self.channel_layer.new_channel()
        self.base_send = send
        client = asyncio.ensure_future(receive())
        layer = asyncio.ensure_future(self.channel_layer.receive(self.channel_name))
        try:
            while True:
                done, _ = await asyncio.wait({client, layer}, return_when=asyncio.FIRST_COMPLETED)
                # Client frames first: a disconnect must not wait behind a burst of group messages.
                for task in sorted(done, key=lambda t: t is not client):
                    message = task.result()
                    if task is client:
                        client = asyncio.ensure_future(receive())
                    else:
                        layer = asyncio.ensure_future(self.channel_layer.receive(self.channel_name))
                    await self.dispatch(message)
        except StopConsumer:
            pass
        finally:
            for task in (client, layer):
                task.cancel()
            await self._leave_groups()
            await self.channel_layer.close_channel(self.channel_name)

    async def _leave_groups(self) -> None:
        for group in getattr(self, "groups", None) or []:
            await self.channel_layer.group_discard(group, self.channel_name)

    def _handler(self, message: Message) -> Callable[[Message], Any]:
        handler: Callable[[Message], Any] | None = getattr(self, handler_name(message.get("type", "")), None)
        if handler is None:
            raise ValueError(f"{type(self).__name__} has no handler for message type {message.get('type')!r}")
        return handler

    async def dispatch(self, message: dict) -> None:
        try:
            handler = self._handler(message)
        except ValueError as exc:
            logger.warning("%s", exc)
            return
        try:
            await handler(message)
        except (StopConsumer, asyncio.CancelledError):
            raise
        except Exception:
            await self._crashed(message)

    async def _crashed(self, message: dict) -> None:
        """A handler raised: log it and close the socket (1011, as servers do for an app error)."""
        logger.exception("Error in %s handling %r", type(self).__name__, message.get("type"))
        if message.get("type") != "websocket.disconnect":
            try:
                await self.base_send({"type": "websocket.close", "code": 1011})
            except Exception:  # noqa: BLE001 - the socket may be gone already
                pass
        raise StopConsumer()

    async def send(self, message: dict) -> None:
        await self.base_send(message)


class SyncConsumer(AsyncConsumer):
    """Handlers are sync methods, each run in a worker thread inside its own unit of work."""

    async def dispatch(self, message: dict) -> None:
        from .sync import run_in_unit_of_work

        try:
            handler = self._handler(message)
        except ValueError as exc:
            logger.warning("%s", exc)
            return

        def call() -> bool:
            # StopConsumer ends the consumer but must not roll back what the handler saved.
            try:
                handler(message)
            except StopConsumer:
                return True
            return False

        self._outbox: list[Message] | None = []
        try:
            stop = await run_in_unit_of_work(call)
        except asyncio.CancelledError:
            raise
        except Exception:
            self._outbox = None  # rolled back: what it meant to send would not be true
            await self._crashed(message)
        outbox, self._outbox = self._outbox, None
        # Sent after the commit, so a client told "saved" finds it saved (as page notifications).
        for frame in outbox or []:
            await self.base_send(frame)
        if stop:
            raise StopConsumer()

    def send(self, message: dict) -> None:  # type: ignore[override]
        outbox = getattr(self, "_outbox", None)
        if outbox is not None:
            outbox.append(message)
        else:
            async_to_sync(self.base_send)(message)


class _WebsocketMixin:
    groups: list[str] | None = None

    def _init_groups(self) -> None:
        if self.groups is None:
            self.groups = []
        else:
            self.groups = list(self.groups)

    @staticmethod
    def _accept_message(subprotocol: str | None, headers: Any) -> Message:
        message: dict[str, Any] = {"type": "websocket.accept", "subprotocol": subprotocol}
        if headers:
            message["headers"] = list(headers)
        return message

    @staticmethod
    def _send_message(text_data: str | None, bytes_data: bytes | None) -> Message:
        if text_data is not None:
            return {"type": "websocket.send", "text": text_data}
        if bytes_data is not None:
            return {"type": "websocket.send", "bytes": bytes_data}
        raise ValueError("send() needs text_data or bytes_data")

    @staticmethod
    def _close_message(code: int | bool | None, reason: str | None) -> Message:
        message: dict[str, Any] = {"type": "websocket.close"}
        if code is not None and code is not True:
            message["code"] = code
        if reason:
            message["reason"] = reason
        return message


class AsyncWebsocketConsumer(_WebsocketMixin, AsyncConsumer):
    """Override connect / receive / disconnect; call accept / send / close; add handlers for group messages."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._init_groups()

    async def websocket_connect(self, message: dict) -> None:
        for group in self.groups or []:
            await self.channel_layer.group_add(group, self.channel_name)
        try:
            await self.connect()
        except AcceptConnection:
            await self.accept()
        except DenyConnection:
            await self.close()

    async def connect(self) -> None:
        await self.accept()

    async def accept(self, subprotocol: str | None = None, headers: Any = None) -> None:
        await self.base_send(self._accept_message(subprotocol, headers))

    async def websocket_receive(self, message: dict) -> None:
        if message.get("text") is not None:
            await self.receive(text_data=message["text"])
        else:
            await self.receive(bytes_data=message.get("bytes"))

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        pass

    async def send(self, text_data: str | None = None, bytes_data: bytes | None = None,  # type: ignore[override]
                   close: bool | int = False) -> None:
        await self.base_send(self._send_message(text_data, bytes_data))
        if close:
            await self.close(close)

    async def close(self, code: int | bool | None = None, reason: str | None = None) -> None:
        await self.base_send(self._close_message(code, reason))

    async def websocket_disconnect(self, message: dict) -> None:
        await self._leave_groups()
        self.groups = []
        await self.disconnect(message.get("code", 1000))
        raise StopConsumer()

    async def disconnect(self, code: int) -> None:
        pass


class AsyncJsonWebsocketConsumer(AsyncWebsocketConsumer):
    """Frames are JSON: override receive_json(content); send with send_json(content)."""

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any) -> None:
        if text_data is None:
            raise ValueError("No text section for incoming WebSocket frame!")
        await self.receive_json(await self.decode_json(text_data), **kwargs)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        pass

    async def send_json(self, content: Any, close: bool | int = False) -> None:
        await super().send(text_data=await self.encode_json(content), close=close)

    @classmethod
    async def decode_json(cls, text_data: str) -> Any:
        return json.loads(text_data)

    @classmethod
    async def encode_json(cls, content: Any) -> str:
        from otree.jsonable import json_default

        return json.dumps(content, default=json_default)


class WebsocketConsumer(_WebsocketMixin, SyncConsumer):
    """The sync consumer of the Channels tutorial; each handler runs in a thread in a unit of work."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._init_groups()

    def websocket_connect(self, message: dict) -> None:
        for group in self.groups or []:
            async_to_sync(self.channel_layer.group_add)(group, self.channel_name)
        try:
            self.connect()
        except AcceptConnection:
            self.accept()
        except DenyConnection:
            self.close()

    def connect(self) -> None:
        self.accept()

    def accept(self, subprotocol: str | None = None, headers: Any = None) -> None:
        SyncConsumer.send(self, self._accept_message(subprotocol, headers))

    def websocket_receive(self, message: dict) -> None:
        if message.get("text") is not None:
            self.receive(text_data=message["text"])
        else:
            self.receive(bytes_data=message.get("bytes"))

    def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        pass

    def send(self, text_data: str | None = None, bytes_data: bytes | None = None,  # type: ignore[override]
             close: bool | int = False) -> None:
        SyncConsumer.send(self, self._send_message(text_data, bytes_data))
        if close:
            self.close(close)

    def close(self, code: int | bool | None = None, reason: str | None = None) -> None:
        SyncConsumer.send(self, self._close_message(code, reason))

    def websocket_disconnect(self, message: dict) -> None:
        for group in self.groups or []:
            async_to_sync(self.channel_layer.group_discard)(group, self.channel_name)
        self.groups = []
        self.disconnect(message.get("code", 1000))
        raise StopConsumer()

    def disconnect(self, code: int) -> None:
        pass


class JsonWebsocketConsumer(WebsocketConsumer):
    """The sync JSON consumer: receive_json(content) / send_json(content)."""

    def receive(self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any) -> None:
        if text_data is None:
            raise ValueError("No text section for incoming WebSocket frame!")
        self.receive_json(self.decode_json(text_data), **kwargs)

    def receive_json(self, content: Any, **kwargs: Any) -> None:
        pass

    def send_json(self, content: Any, close: bool | int = False) -> None:
        super().send(text_data=self.encode_json(content), close=close)

    @classmethod
    def decode_json(cls, text_data: str) -> Any:
        return json.loads(text_data)

    @classmethod
    def encode_json(cls, content: Any) -> str:
        from otree.jsonable import json_default

        return json.dumps(content, default=json_default)


def is_consumer(obj: Any) -> bool:
    """A consumer class (Channels 2 routing) or the app of Consumer.as_asgi() (Channels 3)."""
    return (isinstance(obj, type) and issubclass(obj, AsyncConsumer)) or hasattr(obj, "consumer_class")


__all__ = [
    "AsyncConsumer", "SyncConsumer", "StopConsumer", "AcceptConnection", "DenyConnection",
    "WebsocketConsumer", "JsonWebsocketConsumer", "AsyncWebsocketConsumer", "AsyncJsonWebsocketConsumer",
    "handler_name", "is_consumer",
]
