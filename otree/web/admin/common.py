"""Helpers shared by the admin pages: loading a session, page contexts, small formatting."""

from __future__ import annotations

import datetime
from typing import Any, Callable

from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response

from otree.db.core import Session
from otree.db.uow import current_session, unit_of_work

from .. import auth
from ..rendering import render


class NotFound(Exception):
    """Raised inside a loader to answer 404 with a readable admin page."""


def admin_context(conn: HTTPConnection, **extra: Any) -> dict[str, Any]:
    """What every admin template needs: login state, the CSRF token for forms, the auth level."""
    context: dict[str, Any] = dict(
        admin_logged_in=auth.is_logged_in(conn),
        auth_level=auth.auth_level(),
    )
    if isinstance(conn, Request):
        context["csrftoken"] = auth.csrf_token(conn)
    context.update(extra)
    return context


def render_admin(request: Request, template: str, status: int = 200, **extra: Any) -> Response:
    return render(template, admin_context(request, **extra), status=status)


def not_found(request: Request, message: str) -> Response:
    return render_admin(request, "otree/admin/NotFound.html", status=404, message=message)


def base_url(conn: HTTPConnection) -> str:
    return str(conn.base_url).rstrip("/")


def get_session(code: str) -> Session:
    """The session with this code in the current unit of work; NotFound if there is none."""
    session = current_session().scalars(select(Session).filter_by(code=code)).one_or_none()
    if session is None:
        raise NotFound(f"There is no session with code {code!r}. It may have been deleted.")
    return session


async def with_session(request: Request, build: Callable[[Session], dict], *, readonly: bool = True):
    """Run build(session) in a unit of work on a worker thread; a dict, or a 404 Response."""
    code = request.path_params["code"]

    def work() -> dict:
        with unit_of_work(readonly=readonly):
            return build(get_session(code))

    try:
        return await run_in_threadpool(work)
    except NotFound as exc:
        return not_found(request, str(exc))


def session_header(session: Session) -> dict[str, Any]:
    """Context for SessionBase.html / SessionTabs.html: the session's code, title and room."""
    config = session.config or {}
    return dict(
        session_code=session.code,
        session_label=session.label or "",
        session_title=config.get("display_name") or session.config_name,
        session_is_demo=bool(session.is_demo),
        session_room_name=session._room_name,
        session_num_participants=session.num_participants,
    )


def format_time(epoch: float | None) -> str:
    if not epoch:
        return ""
    moment = datetime.datetime.fromtimestamp(epoch, tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def rooms_setting() -> list[dict]:
    """settings.ROOMS as a list of dicts with name and display_name (invalid entries skipped)."""
    from otree.conf import settings

    rooms = []
    for room in settings.get("ROOMS") or []:
        if isinstance(room, dict) and room.get("name"):
            rooms.append(dict(name=room["name"], display_name=room.get("display_name") or room["name"]))
    return rooms
