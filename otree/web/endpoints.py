"""One wrapper for every HTTP view: read the form, run the view on a worker thread, map outcomes.

Views are synchronous (app code is), so they run in Starlette's thread pool. A view is
written as a plain function of the request (and the posted form, if any) and either returns
a Response or raises `NotFound` / `Redirect`; the app's exception handlers turn those into
responses, so views never return `(Response, None)` pairs or build 404 pages themselves.
An area with its own 404 page (the admin's, a room's) raises `NotFound(message, page=...)`.

    @endpoint(db="write")
    def toggle(request: Request, form: FormData | None) -> Response: ...

`db` chooses the unit of work the view runs in:
  "write"       a writing unit of work, committed when the view returns;
  "read"        a read-only one (on SQLite it neither waits for nor holds the write lock);
  "read_mostly" read-only first, run again in a writing one if the view changed anything;
  None          no unit of work (the view opens its own, or needs none).
A PostgreSQL deadlock or serialization failure re-runs the whole view (up to five times):
everything it did was rolled back, so running it again is safe.

Inside `inline_views()` (the bots' client sets it) a view runs on the event loop's thread
instead: see there why that is safe for the bots and for nobody else.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import time
from typing import Any, Callable, Iterator, Literal

from sqlalchemy.exc import DBAPIError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from otree.db.uow import run_read_mostly, unit_of_work

DbMode = Literal["write", "read", "read_mostly"] | None
View = Callable[[Request, Any], Response]  # (request, the posted form or None); see run_view

RETRY_SQLSTATES = ("40P01", "40001")  # PostgreSQL: deadlock victim, serialization failure
ATTEMPTS = 5

_inline: contextvars.ContextVar[bool] = contextvars.ContextVar("otree_inline_views", default=False)


@contextlib.contextmanager
def inline_views() -> Iterator[None]:
    """Within this context, @endpoint views run on the event loop's thread, not in the thread pool.

    Only for the bots (otree.bots.client): they are one client that sends one request at a
    time and waits for its answer, so a view that blocks the loop (on SQL, say) keeps no
    other request waiting, and the two thread hand-offs per request that the pool costs buy
    nothing. A server must never do this: every other request and WebSocket would stall
    behind each view. The view still gets a copy of the context, as in the pool, and the
    same unit of work.
    """
    token = _inline.set(True)
    try:
        yield
    finally:
        _inline.reset(token)


class NotFound(Exception):
    """Answer 404 with `message` (raised anywhere inside a view).

    `page(request, message)` builds the answer (the admin's styled 404 page, say); without
    it the participant's plain page is shown.
    """

    def __init__(self, message: str = "Not found.", *,
                 page: Callable[[Request, str], Response] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.page = page


class Redirect(Exception):
    """Answer with a redirect to `url` (a stale or forged URL, say); the unit of work rolls back."""

    def __init__(self, url: str, status_code: int = 302) -> None:
        super().__init__(url)
        self.url = url
        self.status_code = status_code


def endpoint(*, db: DbMode = "write", form: bool = True) -> Callable[[View], Callable[[Request], Any]]:
    """Turn a synchronous `view(request, form)` into a Starlette endpoint (see the module docstring).

    form=False: the body is not read here (the view streams it, or needs none); `form` is None.
    """

    def decorate(view: View) -> Callable[[Request], Any]:
        @functools.wraps(view)
        async def asgi_endpoint(request: Request) -> Response:
            data = await request.form() if form and request.method == "POST" else None
            if _inline.get():
                # As in the pool: what the view sets in context variables does not outlive it.
                return contextvars.copy_context().run(run_view, view, request, data, db)
            return await run_in_threadpool(run_view, view, request, data, db)

        asgi_endpoint.sync_view = view  # type: ignore[attr-defined]  # for tests and composition
        return asgi_endpoint

    return decorate


def run_view(view: View, request: Request, data: Any, db: DbMode) -> Response:
    """Run view(request, data) in the chosen unit of work, retrying PostgreSQL's transient aborts.

    Called on a worker thread (or inline, see inline_views). `data` is the posted form here;
    other wrappers pass what they read from the request instead (the REST API its JSON payload).
    """
    return retrying(_in_unit_of_work, view, request, data, db)


def _in_unit_of_work(view: View, request: Request, data: Any, db: DbMode) -> Response:
    if db is None:
        return view(request, data)
    if db == "read_mostly":
        return run_read_mostly(view, request, data)
    with unit_of_work(readonly=db == "read"):
        return view(request, data)


def retrying(fn: Callable[..., Any], *args: Any) -> Any:
    """Run fn; run it again if PostgreSQL aborted it as a deadlock or serialization victim."""
    for attempt in range(ATTEMPTS):
        try:
            return fn(*args)
        except DBAPIError as exc:
            code = getattr(getattr(exc, "orig", None), "sqlstate", None)
            if code not in RETRY_SQLSTATES or attempt == ATTEMPTS - 1:
                raise
            time.sleep(0.01 * (attempt + 1))


def not_found_page(message: str) -> HTMLResponse:
    """The plain 404 a participant sees (no admin chrome, nothing about the server)."""
    from html import escape

    return HTMLResponse(f"<!doctype html><title>Not found</title><h1>404</h1><p>{escape(message)}</p>",
                        status_code=404)


async def handle_not_found(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, NotFound)
    if exc.page is not None:
        return exc.page(request, exc.message)
    return not_found_page(exc.message)


async def handle_redirect(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Redirect)
    return RedirectResponse(exc.url, status_code=exc.status_code)


EXCEPTION_HANDLERS: dict[Any, Callable] = {NotFound: handle_not_found, Redirect: handle_redirect}
