"""Decoding a client's WebSocket message: JSON within MAX_WEBSOCKET_MESSAGE_SIZE, or a close code."""

from __future__ import annotations

import json
from typing import Any

from otree.conf import settings


def max_websocket_message_size() -> int:
    return int(settings.MAX_WEBSOCKET_MESSAGE_SIZE)


class WebSocketInputError(Exception):
    """A client message that cannot be accepted; `code` is the WebSocket close code to answer with."""

    def __init__(self, code: int, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


# Close codes of RFC 6455: 1007 invalid payload data, 1009 message too big.
CLOSE_INVALID_DATA = 1007
CLOSE_TOO_BIG = 1009


def decode_websocket_message(message: dict) -> Any:
    """The JSON content of an ASGI `websocket.receive` message, within MAX_WEBSOCKET_MESSAGE_SIZE.

    Raises WebSocketInputError: CLOSE_TOO_BIG for an oversized message (the connection should be
    closed), CLOSE_INVALID_DATA for bytes that are not UTF-8 or text that is not JSON (the
    message can be ignored and the connection kept). None for an empty message.
    """
    text = message.get("text")
    raw = message.get("bytes")
    size = len(text) if text is not None else len(raw or b"")
    limit = max_websocket_message_size()
    if size > limit:
        raise WebSocketInputError(CLOSE_TOO_BIG, f"Message too big (limit {limit} bytes)")
    if text is None:
        if not raw:
            return None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise WebSocketInputError(CLOSE_INVALID_DATA, "Message is not UTF-8 text") from None
    if not text:
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise WebSocketInputError(CLOSE_INVALID_DATA, "Message is not valid JSON") from None
