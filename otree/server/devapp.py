"""What the devserver's server process serves: `otree.asgi:app`, or a page showing why it can't.

The devserver checks the project before it starts, but later edits can break it (a typo
saved in an app). Then the restarted server process cannot load the project; instead of
dying with a traceback, it prints the one-message error and answers every request with
it, until the next saved change restarts it.
"""

from __future__ import annotations

import html
import sys

from otree.errors import OtreeError

try:
    from otree.asgi import app
except OtreeError as exc:
    _message = str(exc)
    print(
        f"\n{_message}\n\nThe server is waiting: save the fix and it restarts by itself.\n",
        file=sys.stderr, flush=True,
    )

    async def app(scope, receive, send):  # noqa: F811 - replaces the app that could not load
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        elif scope["type"] == "websocket":
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1011})
        elif scope["type"] == "http":
            body = (
                "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Error in your project</title></head>"
                "<body style=\"font-family: sans-serif; margin: 2rem\"><h2>Your project could not be loaded</h2>"
                f"<pre style=\"white-space: pre-wrap\">{html.escape(_message)}</pre>"
                "<p>Save the fix: the server restarts by itself; then reload this page.</p></body></html>"
            ).encode()
            await send({
                "type": "http.response.start",
                "status": 500,
                "headers": [(b"content-type", b"text/html; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())],
            })
            await send({"type": "http.response.body", "body": body})
