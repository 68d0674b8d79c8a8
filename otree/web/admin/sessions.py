"""The sessions list: archive / unarchive, and deleting sessions with all their data."""

from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import delete, func, select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from otree.db.core import Session
from otree.db.uow import current_session, unit_of_work

from .. import auth
from ..endpoints import endpoint
from .common import format_time, render_admin
from .creating import AdminConsumer


def _listing(archived: bool) -> tuple[list[dict], int]:
    db = current_session()
    query = select(Session).filter_by(is_demo=False, archived=archived).order_by(Session.id.desc())
    rows = [
        dict(code=s.code, config_name=(s.config or {}).get("display_name") or s.config_name,
             label=s.label or "", num_participants=s.num_participants, created=format_time(s.created_at),
             room_name=s._room_name)
        for s in db.scalars(query)
    ]
    other = db.scalar(select(func.count()).select_from(Session).filter_by(is_demo=False, archived=not archived))
    return rows, other


@auth.admin_view("admin")
@endpoint(db="read")
def sessions_page(request: Request, form: FormData | None) -> Response:
    archived = request.query_params.get("archived") in ("1", "true", "True")
    rows, other = _listing(archived)
    return render_admin(request, "otree/admin/Sessions.html", sessions=rows, archived=archived,
                        other_count=other)


def _codes(values: Iterable[Any]) -> list[str]:
    return [str(v) for v in values if isinstance(v, (str, int)) and str(v)]


def toggle_archived(codes: list[str]) -> int:
    """Archive / unarchive the sessions, in the current unit of work."""
    found = list(current_session().scalars(select(Session).where(Session.code.in_(codes))))
    for session in found:
        session.archived = not session.archived
    return len(found)


def delete_sessions(codes: list[str]) -> int:
    """Delete the sessions (in the current unit of work) and, through ON DELETE CASCADE, their rows.

    Participants, the apps' subsessions / groups / players, extra models linked to them and
    oTree's own records all reference the session (directly or through those rows).
    """
    if not codes:
        return 0
    result = current_session().execute(delete(Session).where(Session.code.in_(codes)).execution_options(
        synchronize_session=False))
    return result.rowcount or 0


def _delete_in_unit_of_work(codes: list[str]) -> int:
    with unit_of_work():
        return delete_sessions(codes)


def _posted_codes(form: FormData) -> list[str]:
    return _codes(form.getlist("session") + form.getlist("code"))


def _back(form: FormData) -> Response:
    archived_view = form.get("archived") in ("1", "true", "True")
    return RedirectResponse("/sessions?archived=1" if archived_view else "/sessions", status_code=302)


@auth.admin_view("admin")
@endpoint(db="write")
def toggle_archived_sessions(request: Request, form: FormData) -> Response:
    toggle_archived(_posted_codes(form))
    return _back(form)


@auth.admin_view("admin")
@endpoint(db="write")
def delete_sessions_form(request: Request, form: FormData) -> Response:
    """POST /DeleteSessions: the sessions list's delete button when JavaScript is off."""
    delete_sessions(_posted_codes(form))
    return _back(form)


class DeleteSessionsConsumer(AdminConsumer):
    """WS /delete_sessions: a JSON list of session codes -> "ok" once they are deleted."""

    area = auth.ALWAYS_LOGIN

    async def receive_json(self, content: Any) -> None:
        if isinstance(content, str):
            content = [content]
        if not isinstance(content, list):
            await self.send_json({"error": "Send a JSON list of session codes."})
            return
        await run_in_threadpool(_delete_in_unit_of_work, _codes(content))
        await self.send_json("ok")
