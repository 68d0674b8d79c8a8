"""/server_check: how this server is set up, with a warning where a study would suffer.

Unlike oTree's page it makes no network call (no version lookup on the package index).
"""

from __future__ import annotations

import platform
import sys

from starlette.requests import Request
from starlette.responses import Response

import otree
from otree.conf import env_flag, settings

from .. import auth
from .common import render_admin


def _database() -> tuple[str, str]:
    from sqlalchemy.engine import make_url

    from otree.db.engine import get_engine

    try:
        engine = get_engine()
    except RuntimeError:
        return "not connected", ""
    url = make_url(str(engine.url))
    # Never show the password.
    shown = url.render_as_string(hide_password=True)
    return engine.dialect.name, shown


def checks() -> list[dict]:
    backend, url = _database()
    level = auth.auth_level()
    debug = bool(settings.DEBUG)
    redis = bool(settings.get("REDIS_URL"))
    items = [
        dict(name="Version", value=f"otree-asgi {otree.__version__}", ok=True, note=""),
        dict(name="Python", value=f"{platform.python_version()} ({sys.implementation.name})", ok=True, note=""),
        dict(name="DEBUG mode", value="on" if debug else "off", ok=not debug,
             note="Set the environment variable OTREE_PRODUCTION=1 before running a real study."
             if debug else ""),
        dict(name="Auth level", value=level or "none (everything is open)", ok=level is not None,
             note="" if level else "Set OTREE_AUTH_LEVEL=STUDY (or DEMO) so that only you can see the admin pages."),
        dict(name="Admin password", value="set" if settings.ADMIN_PASSWORD else "not set",
             ok=bool(settings.ADMIN_PASSWORD) or level is None,
             note="" if settings.ADMIN_PASSWORD else "Set OTREE_ADMIN_PASSWORD, or nobody can log in."),
        dict(name="Database", value=f"{backend}" + (f" ({url})" if url else ""), ok=backend != "sqlite" or debug,
             note="SQLite works for one server process; for a large study with several workers use PostgreSQL "
                  "(DATABASE_URL)." if backend == "sqlite" else ""),
        dict(name="Channel layer", value="Redis" if redis else "in-memory (one process)", ok=True,
             note="" if redis else "Set REDIS_URL to run several server processes or machines."),
        dict(name="CSRF checks", value="disabled (OTREE_SKIP_CSRF)" if env_flag("OTREE_SKIP_CSRF") else "on",
             ok=not env_flag("OTREE_SKIP_CSRF"), note=""),
        dict(name="REST key", value="set" if settings.get("REST_KEY") else "not set", ok=True,
             note="" if settings.get("REST_KEY") or level is None else
             "The REST API needs OTREE_REST_KEY when an auth level is set."),
    ]
    return items


@auth.admin_view("admin")
async def server_check(request: Request) -> Response:
    items = checks()
    return render_admin(request, "otree/admin/ServerCheck.html", checks=items,
                        problems=sum(1 for item in items if not item["ok"]))
