"""Bounds on what a client may send: request bodies, form fields, URLs and WebSocket messages.

`RequestLimits` wraps the whole ASGI app once, so every route (including ones added later)
is covered: a body larger than MAX_REQUEST_BODY_SIZE is refused with 413 while it is being
read (or at once, from its Content-Length); a form with more than MAX_FORM_FIELDS fields,
malformed multipart data, and a NUL byte in the path, query string or body with 400
(databases refuse NUL in text, the file system refuses it in paths). WebSocket endpoints decode messages with
`decode_websocket_message`, which applies MAX_WEBSOCKET_MESSAGE_SIZE and JSON checks.
Integer path parameters (`{name:int}`) are limited to 18 digits.
"""

from __future__ import annotations

import json
from typing import Any

try:
    from python_multipart.exceptions import FormParserError
except ImportError:  # python-multipart before 0.0.13
    from multipart.exceptions import FormParserError

from starlette.convertors import IntegerConvertor, register_url_convertor

from otree.channels.messages import (  # noqa: F401  (the WebSocket side of the limits, re-exported)
    CLOSE_INVALID_DATA,
    CLOSE_TOO_BIG,
    WebSocketInputError,
    decode_websocket_message,
    max_websocket_message_size,
)
from otree.conf import settings


class _BoundedIntConvertor(IntegerConvertor):
    """`{name:int}` path parameters of at most 18 digits: a longer one is no match (404), where
    int() of thousands of digits would be an error (Python's integer string conversion limit)."""

    regex = "[0-9]{1,18}"


# Registered when this module is imported, before any route is built (otree.web.app imports it).
register_url_convertor("int", _BoundedIntConvertor())


# Integer columns are 32-bit on PostgreSQL: a larger id or index from a URL can match nothing.
_DB_INT_RANGE = (-2**31, 2**31 - 1)


def query_int(value: Any) -> int | None:
    """An integer from a query parameter, or None if it is not one or is beyond a database integer."""
    try:
        number = int(value)
    except (TypeError, ValueError):  # also int()'s limit on the number of digits
        return None
    return number if _DB_INT_RANGE[0] <= number <= _DB_INT_RANGE[1] else None


def max_request_body_size() -> int:
    return int(settings.MAX_REQUEST_BODY_SIZE)


def max_form_fields() -> int:
    return int(settings.MAX_FORM_FIELDS)


class _Refused(Exception):
    """Raised from the wrapped `receive` when the body breaks a limit; answered by RequestLimits."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


async def _send_error(send, status: int, message: str, close: bool = False) -> None:
    """A plain-text error; `close` when the body was not read (the connection cannot be reused)."""
    body = message.encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _header(scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value
    return None


class _FieldCounter:
    """Counts form fields in a body as it streams past (separators of urlencoded or multipart data)."""

    def __init__(self, content_type: bytes):
        self.separator = b""
        kind = content_type.split(b";")[0].strip().lower()
        if kind == b"application/x-www-form-urlencoded":
            self.separator = b"&"
            self.count = 1
        elif kind == b"multipart/form-data":
            for param in content_type.split(b";")[1:]:
                key, _, value = param.strip().partition(b"=")
                if key.lower() == b"boundary" and value:
                    self.separator = b"--" + value.strip(b'"')
            self.count = 0  # the closing delimiter is counted too: at most one extra
        self._tail = b""

    def feed(self, chunk: bytes) -> int:
        if not self.separator:
            return 0
        data = self._tail + chunk
        self.count += data.count(self.separator)
        keep = len(self.separator) - 1
        # The tail is shorter than a separator, so a separator split across chunks is counted once.
        self._tail = data[-keep:] if keep else b""
        return self.count


class _NulScanner:
    """Finds a NUL character in a body as it streams past: raw, URL-encoded or as a JSON escape.

    PostgreSQL refuses NUL in text columns, so a NUL that reached a label, a comment or an
    answer would fail deep inside a request; refusing it at the door keeps that a clear 400.
    """

    def __init__(self, content_type: bytes):
        kind = content_type.split(b";")[0].strip().lower()
        if kind == b"application/x-www-form-urlencoded":
            self.patterns = [b"\x00", b"%00"]
        elif kind == b"multipart/form-data":
            self.patterns = [b"\x00"]  # values are raw bytes: "%00" there is literal text
        else:
            self.patterns = [b"\x00", b"\\u0000"]  # JSON (the REST API) or anything else
        self._tail = b""

    def found(self, chunk: bytes) -> bool:
        data = self._tail + chunk
        self._tail = data[-5:]
        return any(pattern in data for pattern in self.patterns)


class RequestLimits:
    """ASGI middleware: body size, form field count and NUL bytes in URLs, for every HTTP route."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        if "\x00" in scope.get("path", "") or b"%00" in scope.get("query_string", b"") or \
                b"\x00" in scope.get("query_string", b""):
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            return await _send_error(send, 400, "Bad request: the URL contains a NUL character.")
        if scope["type"] == "websocket":
            return await self.app(scope, receive, send)

        limit = max_request_body_size()
        declared = _header(scope, b"content-length")
        if declared is not None:
            try:
                too_large = int(declared) > limit
            except ValueError:
                return await _send_error(send, 400, "Bad request: invalid Content-Length.", close=True)
            if too_large:
                return await _send_error(send, 413, _too_large_message(limit), close=True)

        content_type = _header(scope, b"content-type") or b""
        counter, nul = _FieldCounter(content_type), _NulScanner(content_type)
        max_fields = max_form_fields()
        received = 0
        started = False

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                received += len(chunk)
                if received > limit:
                    raise _Refused(413, _too_large_message(limit))
                # +1: a multipart body's closing delimiter is not a field.
                if counter.feed(chunk) > max_fields + (1 if counter.separator != b"&" else 0):
                    raise _Refused(400, f"Bad request: the form has more than {max_fields} fields "
                                        f"(MAX_FORM_FIELDS).")
                if nul.found(chunk):
                    raise _Refused(400, "Bad request: NUL characters are not allowed.")
            return message

        async def tracking_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _Refused as exc:
            if started:
                raise
            await _send_error(send, exc.status, exc.message, close=True)
        except FormParserError:
            # Starlette turns some multipart errors into a 400 itself, but not all of python-multipart's.
            if started:
                raise
            await _send_error(send, 400, "Bad request: the form data is malformed.", close=True)


def _too_large_message(limit: int) -> str:
    return f"Request body too large: the limit is {limit} bytes (MAX_REQUEST_BODY_SIZE in settings.py)."


def parse_json_body(body: bytes) -> Any:
    """A request body as JSON; ValueError (with a message) for invalid, too deeply nested or huge-number JSON."""
    try:
        return json.loads(body)
    except RecursionError:
        raise ValueError("The JSON is nested too deeply") from None
    except UnicodeDecodeError:
        raise ValueError("The request body is not UTF-8") from None
