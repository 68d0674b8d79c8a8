"""`otree devserver`, `otree prodserver` (and the old Procfile names): the project on uvicorn.

Both commands first load the project in this process, so a mistake in settings.py or an
app is printed as one message (file, line, fix) with exit code 1 before any server starts.
Then uvicorn serves the ASGI app `otree.asgi:app`, which loads the project again in each
server process:

* devserver: 127.0.0.1, uvicorn's reloader watches the project's .py files and restarts the
  server process when one changes; the server process gets OTREE_DEVSERVER=1 (DEBUG pages,
  templates reloaded when edited). If an edit breaks the project, the restarted process
  prints the error and shows it on every page until the next save (otree/server/devapp.py).
* prodserver: 0.0.0.0:$PORT (or 8000), `--workers N` server processes behind uvicorn's
  supervisor, proxy headers trusted (Heroku and other routers), access log on.

Every server process (devserver and prodserver alike) runs the background task loop
(otree.tasks: page timeouts of closed browsers, ...) beside the web app. For platforms
with separate web and worker processes, `prodserver1of2` runs the web processes without
it and `prodserver2of2` runs only the task loop.

Stopping: SIGINT (Ctrl+C) or SIGTERM to the `otree` process stops the reloader or
supervisor, which stops its server processes and waits for them; open WebSocket
connections get at most a few seconds to close.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys

from otree.cli import command, arguments
from otree.server.address import browser_url, ensure_port_free, parse_addrport

APP = "otree.asgi:app"
# The same app; if a later edit breaks the project, it answers with the error instead.
DEV_APP = "otree.server.devapp:app"
DEVSERVER_ENV = "OTREE_DEVSERVER"
DEFAULT_PORT = 8000
# Seconds a stopping server waits for open connections (wait pages keep WebSockets open).
DEV_GRACEFUL_SHUTDOWN_S = 3
PROD_GRACEFUL_SHUTDOWN_S = 8

# Folders of a project that are never code of the experiment: changes there don't restart.
_NOT_WATCHED = {"__pycache__", "node_modules", "venv", "_static", "staticfiles", "_static_root"}


def ws_protocol() -> str:
    """uvicorn's WebSocket implementation on the `websockets` library.

    Newer uvicorn versions deprecate the legacy "websockets" implementation (with a warning in
    every server process) in favour of "websockets-sansio", built on the same library.
    """
    from uvicorn.config import WS_PROTOCOLS

    return "websockets-sansio" if "websockets-sansio" in WS_PROTOCOLS else "websockets"


def check_project(*, keep_connection: bool = False) -> None:
    """Load settings.py and the apps and bring the database schema up to date.

    Raises ConfigError / SchemaError (printed by the CLI as one message, exit 1). Unless
    keep_connection (the server runs in this very process and `otree.asgi` reuses the
    loaded project), the connection pool is closed again: server processes open their own.
    """
    from otree.db.engine import set_engine
    from otree.project import load_project

    try:
        project = load_project()
        # Building the routes imports ROOT_URLCONF and EXTENSION_APPS: a broken one fails here.
        from otree.extensions import build_routes

        build_routes(project, [])
    except BaseException:
        set_engine(None)
        raise
    if not keep_connection:
        set_engine(None)


def _excluded_dirs(root: str) -> list[str]:
    """Absolute paths of sub-folders whose files must not trigger a restart (virtualenvs, caches, ...)."""
    excluded = []
    try:
        names = os.listdir(root)
    except OSError:
        return excluded
    for name in names:
        path = os.path.join(root, name)
        if not os.path.isdir(path):
            continue
        if (
            name.startswith(".")
            or name.startswith("__temp")
            or name in _NOT_WATCHED
            or os.path.exists(os.path.join(path, "pyvenv.cfg"))
        ):
            excluded.append(path)
    return excluded


def _add_addrport(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument("addrport", nargs="?", default=None, metavar="[ADDR:]PORT", help=help_text)


# -- devserver ------------------------------------------------------------------------


def _ws_max_size() -> int:
    """uvicorn drops frames beyond this (abruptly). The app itself refuses messages beyond
    MAX_WEBSOCKET_MESSAGE_SIZE with a proper close (1009); this outer bound only caps memory."""
    from otree.channels.messages import max_websocket_message_size

    return 4 * max_websocket_message_size()


def _ws_options() -> dict:
    """uvicorn's WebSocket settings, the same for devserver and prodserver."""
    return dict(
        ws=ws_protocol(),
        ws_max_size=_ws_max_size(),
        # Off: wait-page, live and chat messages are small JSON, which compression hardly
        # shrinks, and compressing every frame was 9% of a busy server's time in the live
        # benchmark (one reply is compressed once per recipient).
        ws_per_message_deflate=False,
    )


@command("devserver", "Run the development server (restarts when you edit your code)")
@arguments(lambda p: _add_addrport(p, f"port (default {DEFAULT_PORT}), or ADDR:PORT (default address 127.0.0.1)"))
def devserver(args) -> int:
    import uvicorn

    host, port = parse_addrport(args.addrport, "127.0.0.1", DEFAULT_PORT)
    root = os.getcwd()
    os.environ[DEVSERVER_ENV] = "1"  # inherited by the server processes
    check_project()
    ensure_port_free(host, port)
    print(f"Open your browser to {browser_url(host, port)}", flush=True)
    print("To quit the server, press Control+C.", flush=True)
    uvicorn.run(
        DEV_APP,
        host=host,
        port=port,
        reload=True,
        reload_dirs=[root],
        reload_includes=["*.py"],
        reload_excludes=_excluded_dirs(root),
        **_ws_options(),
        log_level="warning",
        timeout_graceful_shutdown=DEV_GRACEFUL_SHUTDOWN_S,
    )
    return 0


# -- prodserver -----------------------------------------------------------------------


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _prodserver_arguments(parser: argparse.ArgumentParser) -> None:
    _add_addrport(parser, "port, or ADDR:PORT (default 0.0.0.0 and $PORT, else 8000)")
    parser.add_argument(
        "--workers", type=_positive_int, default=1, metavar="N",
        help="number of server processes (default 1); more than 1 needs REDIS_URL for WebSocket messages",
    )


def _default_port() -> int:
    value = os.environ.get("PORT", "")
    return int(value) if value.isdigit() else DEFAULT_PORT


def run_prodserver(args, *, task_loop: bool = True) -> int:
    import uvicorn

    from otree.tasks import LOOP_ENV

    host, port = parse_addrport(args.addrport, "0.0.0.0", _default_port())
    os.environ.pop(DEVSERVER_ENV, None)
    os.environ[LOOP_ENV] = "1" if task_loop else "0"  # inherited by the server processes
    # With one worker uvicorn serves from this process, and otree.asgi uses the loaded project.
    check_project(keep_connection=args.workers == 1)
    from otree.web.app import request_threads

    try:
        request_threads()  # a bad OTREE_REQUEST_THREADS stops the start here, not in each worker
    except RuntimeError as exc:
        print(exc, file=sys.stderr, flush=True)
        return 1
    ensure_port_free(host, port)
    if args.workers > 1 and not os.environ.get("REDIS_URL"):
        # Wake-ups (wait pages, live pages, chat) must reach browsers on every worker.
        print(
            f"prodserver --workers {args.workers} needs REDIS_URL: without it a wait page completed on one "
            "worker process cannot wake the browsers connected to another.\n"
            "Fix: run Redis and set REDIS_URL (e.g. REDIS_URL=redis://127.0.0.1:6379), or use --workers 1.",
            file=sys.stderr, flush=True,
        )
        return 1
    loop_note = "each running the task loop" if task_loop else "without the task loop: run prodserver2of2 too"
    print(f"Starting the production server on {host}:{port} ({args.workers} worker(s), {loop_note}).", flush=True)
    uvicorn.run(
        APP,
        host=host,
        port=port,
        workers=args.workers,
        **_ws_options(),
        proxy_headers=True,
        # Routers (Heroku, nginx, load balancers) are not on 127.0.0.1: trust their
        # X-Forwarded-* headers unless FORWARDED_ALLOW_IPS names them.
        forwarded_allow_ips=None if os.environ.get("FORWARDED_ALLOW_IPS") else "*",
        access_log=True,
        log_level="info",
        timeout_graceful_shutdown=PROD_GRACEFUL_SHUTDOWN_S,
    )
    return 0


@command("prodserver", "Run the production server")
@arguments(_prodserver_arguments)
def prodserver(args) -> int:
    return run_prodserver(args)


@command("prodserver1of2", "Run only the web processes of the production server (prodserver2of2 runs the tasks)")
@arguments(_prodserver_arguments)
def prodserver1of2(args) -> int:
    return run_prodserver(args, task_loop=False)


@command("prodserver2of2", "Run only the background task loop (timeouts), for a separate worker process")
def prodserver2of2(args) -> int:
    import asyncio

    from otree import channels
    from otree.tasks import RESCAN_S, TaskLoop

    check_project(keep_connection=True)
    if not os.environ.get("REDIS_URL"):
        print(f"Note: without REDIS_URL this worker looks for new tasks every {RESCAN_S:g} s (timeouts shorter "
              "than that may fire late); set REDIS_URL for the web processes and this one to be told at once.",
              file=sys.stderr, flush=True)
    print("Task worker started: running page timeouts and other scheduled work.", flush=True)

    async def main() -> None:
        aio_loop = asyncio.get_running_loop()
        channels.set_event_loop(aio_loop)
        loop = TaskLoop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            aio_loop.add_signal_handler(signum, loop.stop)
        try:
            await loop.run()
        finally:
            await channels.reset_channel_layer()
            channels.set_event_loop(None)

    asyncio.run(main())
    print("Task worker stopped.", flush=True)
    return 0
