"""The Starlette application: participant pages, demo, WebSockets and static files.

`create_app(state)` builds the app for one AppState (its project, template engine and, once
they are used, database engine, channel layer and rooms). Every call of the app (request,
WebSocket, lifespan) runs with that state current, so the code below it finds it through
`otree.state.current()`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os

import anyio.to_thread
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import HTMLResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from otree import channels, tasks
from otree import state as app_state
from otree.conf import settings
from otree.bots import browser as browser_bots
from otree.extensions import build_routes
from otree.project import Project

from . import admin, auth, chat, demo, export_views, live_socket, monitor, online, participant, rest, rooms, sockets
from .debug_page import debug_response
from .endpoints import EXCEPTION_HANDLERS
from .limits import RequestLimits
from .rendering import PACKAGE_DIR, build_engine
from .security import SecurityHeaders

logger = logging.getLogger("otree.web")


def participant_routes() -> list:
    return [
        Route("/InitializeParticipant/{code}", participant.initialize_participant),
        Route("/join/{anonymous_code}", participant.join_session),
        Route("/OutOfRangeNotification/{code}", participant.out_of_range),
        Route("/GBATInactive", online.gbat_inactive),
        Route("/p/{participant_code}/{name_in_url}/{page_name}/{page_index:int}", participant.page,
              methods=["GET", "POST"]),
        Route("/p/{participant_code}/{name_in_url}/{page_name}/{page_index:int}/", participant.trailing_slash,
              methods=["GET", "POST"]),
    ]


def websocket_routes() -> list:
    return [
        *sockets.wait_page_routes(),
        WebSocketRoute("/auto_advance", sockets.AutoAdvanceConsumer.as_endpoint()),
        WebSocketRoute("/live", live_socket.LiveConsumer.as_endpoint()),
        WebSocketRoute("/chat", chat.ChatConsumer.as_endpoint()),
    ]


def demo_routes() -> list:
    return [
        Route("/", demo.home),
        Route("/demo", demo.demo_index),
        Route("/demo/{config_name}", demo.create_demo_session),
        Route("/SessionStartLinks/{code}", demo.session_start_links),
    ]


def static_files(project: Project) -> StaticFiles:
    """_static/ of the project first, then oTree's own files, then each app's static/ folder."""
    directory = os.path.join(project.root, "_static")
    packages = [("otree", "static")]
    packages += [(app.name, "static") for app in project.apps.values()
                 if os.path.isdir(os.path.join(app.folder, "static"))]
    return StaticFiles(directory=directory if os.path.isdir(directory) else None, packages=packages)


REQUEST_THREADS_ENV = "OTREE_REQUEST_THREADS"
# Views (synchronous code: the ORM, app hooks, templates) run in this many threads at once.
# Few, because the event loop (new connections, WebSocket handshakes, wake-ups) competes with
# every busy thread for the GIL: with anyio's default of 40, a loaded server gave the loop so
# little of it that wait-page sockets took 30 s to open. On PostgreSQL 8 threads served 1.3x
# the pages of 40 with half the p99 latency; SQLite, whose writers take turns anyway, is the
# same at 4 to 40 (benchmarks/README.md).
DEFAULT_REQUEST_THREADS = 8


def request_threads() -> int:
    """How many views may run at once: $OTREE_REQUEST_THREADS, else DEFAULT_REQUEST_THREADS."""
    text = os.environ.get(REQUEST_THREADS_ENV, "").strip()
    if not text:
        return DEFAULT_REQUEST_THREADS
    if not text.isdigit() or int(text) < 1:
        raise RuntimeError(f"{REQUEST_THREADS_ENV}={text!r} is not a positive whole number. "
                           f"Fix: set it to e.g. {DEFAULT_REQUEST_THREADS}, or unset it.")
    return int(text)


@contextlib.asynccontextmanager
async def lifespan(app):
    channels.set_event_loop(asyncio.get_running_loop())
    anyio.to_thread.current_default_thread_limiter().total_tokens = request_threads()
    task_loop = tasks.start_in_background() if tasks.loop_enabled() else None
    try:
        yield
    finally:
        if task_loop is not None:
            await tasks.stop_background(task_loop)
        await channels.reset_channel_layer()
        channels.set_event_loop(None)


class OTreeApp(Starlette):
    """A Starlette app whose AppState (`app.state.otree`) is current during each of its calls."""

    async def __call__(self, scope, receive, send) -> None:
        with app_state.bound(self.state.otree):
            await super().__call__(scope, receive, send)


def create_app(state: app_state.AppState | Project | None = None, *,
               reload_templates: bool | None = None) -> Starlette:
    """The ASGI app of `state` (default: the current one), whose project must be loaded.

    A Project is accepted too (older callers): it is made the current state's project.
    reload_templates (default: settings.DEBUG): look for edited template files on every render.
    """
    if state is None or isinstance(state, Project):
        project, state = state, app_state.current()
        if project is not None:
            state.project = project
    # Extensions and urls.py run while routes are built: they see this state too.
    with app_state.bound(state):
        return _build_app(state, reload_templates)


def _build_app(state: app_state.AppState, reload_templates: bool | None) -> Starlette:
    project = state.require_project()
    build_engine(project, state, auto_reload=reload_templates)
    routes = participant_routes() + demo_routes() + websocket_routes()
    routes += [
        Route("/login", auth.login, methods=["GET", "POST"]),
        Route("/logout", auth.logout),
    ]
    for module in (rest, admin, monitor, rooms, export_views, browser_bots):
        routes += module.routes()
    for module in (admin, monitor, rooms, export_views):
        routes += module.websocket_routes()
    routes.append(Mount("/static", app=static_files(project), name="static"))
    # EXTENSION_APPS and the project's urls.py (ROOT_URLCONF) add theirs after these.
    routes = build_routes(project, routes)
    middleware = [
        # Outermost, so that every route and every answer (a 413 too) is covered.
        Middleware(SecurityHeaders),
        Middleware(RequestLimits),
        # The signed cookie `session` holds the admin login and CSRF token (14 days, as in oTree).
        Middleware(SessionMiddleware, secret_key=auth.secret() or "otree-asgi", session_cookie="session",
                   max_age=14 * 24 * 3600, same_site="lax"),
    ]
    # debug=False: our handler below chooses between the development error page and the plain one.
    app = OTreeApp(debug=False, routes=routes, middleware=middleware, lifespan=lifespan,
                   exception_handlers={**EXCEPTION_HANDLERS, 500: server_error})
    app.state.otree = state
    return app


async def server_error(request, exc) -> HTMLResponse:
    """DEBUG: the development error page; production: a plain error page, never a traceback."""
    logger.error("Error while serving %s", request.url.path, exc_info=exc)
    if settings.DEBUG:
        return debug_response(request, exc)
    return HTMLResponse(
        "<!doctype html><title>Application error</title><h1>Application error (500)</h1>"
        "<p>Something went wrong on the server. Please try again in a moment; if the problem persists, "
        "tell the person running this study.</p>",
        status_code=500,
    )


__all__ = ["create_app", "OTreeApp", "PACKAGE_DIR"]
