"""Helpers shared by the admin pages: loading a session, page contexts, small formatting."""

from __future__ import annotations

import datetime
from typing import Any

from sqlalchemy import select
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response

from otree.db.core import Session
from otree.db.uow import current_session

from .. import auth
from ..endpoints import NotFound
from ..rendering import render


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
    """The admin's styled 404 page (what an admin view's `NotFound` answers with)."""
    return render_admin(request, "otree/admin/NotFound.html", status=404, message=message)


def admin_not_found(message: str) -> NotFound:
    """A NotFound answered with the admin's 404 page instead of the participant's plain one."""
    return NotFound(message, page=not_found)


def base_url(conn: HTTPConnection) -> str:
    return str(conn.base_url).rstrip("/")


def get_session(code: str) -> Session:
    """The session with this code in the current unit of work; NotFound (admin 404 page) if there is none."""
    session = current_session().scalars(select(Session).filter_by(code=code)).one_or_none()
    if session is None:
        raise admin_not_found(f"There is no session with code {code!r}. It may have been deleted.")
    return session


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
