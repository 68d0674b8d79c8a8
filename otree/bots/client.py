"""The bots' HTTP client: the ASGI app called in this thread, on one event loop, views inline.

Starlette's TestClient runs the app on an event loop in another thread (an anyio blocking
portal), and the app runs each synchronous view in yet another (the thread pool): three
threads and two hand-offs per request, which cost the bots about as much as the requests'
own work. Here the app is awaited through httpx's ASGITransport on an event loop owned by
the calling thread, and views run inline on it (see otree.web.endpoints.inline_views).

The loop runs only while a request (or the lifespan's startup and shutdown) does: between
requests the bots' own code (play_round, expect, call_live_method) runs as plain synchronous
code with no running loop, as it did with TestClient, so app code it calls may still use
asyncio.run (an async-generator live_method does).
"""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any

import httpx
from starlette.types import ASGIApp, Message

from otree.web.endpoints import inline_views

BASE_URL = "http://bots"


class Lifespan:
    """Drives an ASGI app's lifespan (startup, later shutdown) as a server does."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._to_app: asyncio.Queue[Message] = asyncio.Queue()
        self._from_app: asyncio.Queue[Message] = asyncio.Queue()
        self._task: asyncio.Future[None] | None = None

    async def startup(self) -> None:
        scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
        self._task = asyncio.ensure_future(self.app(scope, self._to_app.get, self._from_app.put))
        await self._step("lifespan.startup")

    async def shutdown(self) -> None:
        await self._step("lifespan.shutdown")
        assert self._task is not None
        await self._task

    async def _step(self, event: str) -> None:
        await self._to_app.put({"type": event})
        assert self._task is not None, "startup() first"
        reply: asyncio.Future[Any] = asyncio.ensure_future(self._from_app.get())
        waiting: set[asyncio.Future[Any]] = {reply, self._task}
        await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        if not reply.done():
            reply.cancel()
            self._task.result()  # the app raised: raise it here
            raise RuntimeError(f"The app's lifespan ended without answering {event}")
        message = reply.result()
        if message["type"] == f"{event}.failed":
            raise RuntimeError(f"{event} failed: {message.get('message', '')}")


async def _inline(coroutine: Any) -> Any:
    # The task running this has its own copy of the context: the setting ends with it.
    with inline_views():
        return await coroutine


class BotClient:
    """A synchronous client of `app` for one bot run: `with BotClient(app) as client: client.request(...)`.

    Entering starts the app's lifespan (its task loop and channel layer, which wait pages and
    timeouts use, as under a server); leaving shuts it down and closes the loop.
    """

    def __init__(self, app: ASGIApp) -> None:
        self._loop = asyncio.new_event_loop()
        transport = httpx.ASGITransport(app=app)  # app exceptions are raised here, as TestClient did
        self._http = httpx.AsyncClient(transport=transport, base_url=BASE_URL)
        self._lifespan = Lifespan(app)

    def _run(self, coroutine: Any) -> Any:
        return self._loop.run_until_complete(_inline(coroutine))

    def __enter__(self) -> BotClient:
        self._run(self._lifespan.startup())
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            self._run(self._lifespan.shutdown())
            self._run(self._http.aclose())
        finally:
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())
            self._loop.close()

    def request(self, method: str, url: str, data: dict[str, Any] | None = None) -> httpx.Response:
        """One request; redirects are not followed (the runner follows them, as a browser would)."""
        return self._run(self._http.request(method, url, data=data, follow_redirects=False))

    def get(self, url: str) -> httpx.Response:
        return self.request("GET", url)

    def post(self, url: str, data: dict[str, Any] | None = None) -> httpx.Response:
        return self.request("POST", url, data=data)
