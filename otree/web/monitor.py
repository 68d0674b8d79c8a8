"""The Monitor tab of a session: live participant rows and advancing participants.

GET  /SessionMonitor/{code}      the table (rendered once; the page then follows the socket)
WS   /session_monitor/{code}     {"rows": [...], "now": t} on connect, then the rows of the
                                 participants who moved (pushed through the channel layer,
                                 group otree.monitor.monitor_channel(session id))
POST /AdvanceSession/{code}      "advance slowest participants", or the one named in
                                 `participant_code` (CSRF-checked)
GET  /presence_icons/{code}      the rows as JSON (oTree's monitor polled this; ours is pushed)

Advancing a participant goes through the same code path as a page timeout applied by
the task loop (otree.flow.time_out): their form page is submitted as timed out, or they are
taken past the wait page they are on; their open browser is then told to reload:
{"auto_advanced": true} on the form page's /auto_advance socket, {"status": "ready"} on the
wait page's socket.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import time
from urllib.parse import quote

from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute

from otree import flow, monitor
from otree.channels.consumer import AsyncJsonWebsocketConsumer
from otree.db.core import Participant, Session
from otree.db.uow import current_session, unit_of_work

from . import auth
from .admin.common import NotFound, get_session, not_found, render_admin, session_header
from .endpoints import endpoint, retrying

logger = logging.getLogger("otree.monitor")

AREA = "demo"  # open under OTREE_AUTH_LEVEL=DEMO, login under STUDY


# -- the page -----------------------------------------------------------------------------------


def time_left(deadline: float | None, now: float) -> str:
    """'1:05' until a timed page's deadline, 'timing out' once it passed (the JS of the page does the same)."""
    if not deadline:
        return ""
    seconds = math.ceil(deadline - now)
    if seconds <= 0:
        return "timing out"
    return f"{seconds // 60}:{seconds % 60:02d}"


def since(last_move: float | None, now: float) -> str:
    """'12s', '3:05', '1:02:03' (the JS of the page formats the same way)."""
    if not last_move:
        return ""
    seconds = max(0, int(now - last_move))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}:{seconds:02d}"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}"


@auth.admin_view(AREA)
@endpoint(db="read", form=False)
def session_monitor(request: Request, form: FormData | None) -> Response:
    try:
        session = get_session(request.path_params["code"])
    except NotFound as exc:
        return not_found(request, str(exc))
    now = time.time()
    rows = monitor.rows(session)
    for row in rows:
        row["since"] = since(row["last_move"], now)
        row["time_left"] = time_left(row["deadline"], now)
    return render_admin(
        request, "otree/admin/SessionMonitor.html", active_tab="monitor",
        advanced_message=request.query_params.get("advanced"), **session_header(session), rows=rows,
        page_labels=json.dumps(monitor.page_labels(session)), browser_bots=bool(session.config.get("use_browser_bots")),
        statuses=sorted({row["status"] for row in rows if row["status"]}), advance_batch=monitor.ADVANCE_BATCH)


# -- advancing ----------------------------------------------------------------------------------


def advance(session_code: str, participant_code: str | None = None) -> dict:
    """Advance the slowest participants (up to monitor.ADVANCE_BATCH) or the one with this code.

    Each one as a timeout would (otree.flow.advance), in their own unit of work.
    """
    with unit_of_work(readonly=True) as db:
        session = get_session(session_code)
        if participant_code:
            index = db.scalar(select(Participant._index_in_pages).filter_by(
                session_id=session.id, code=participant_code))
            if index is None:
                return dict(advanced=[], errors=[f"No participant {participant_code!r} in this session."])
            targets = [participant_code]
            from_index = index
        else:
            from_index, targets = monitor.slowest(session.id)
    advanced, errors = [], []
    for code in targets:
        try:
            if retrying(flow.advance, code, from_index):
                advanced.append(code)
        except Exception as exc:  # app code (before_next_page, ...) failed: report it, go on
            logger.exception("Could not advance participant %s", code)
            errors.append(f"{code}: {type(exc).__name__}: {exc}")
    return dict(advanced=advanced, errors=errors)


def _summary(result: dict) -> str:
    count = len(result["advanced"])
    text = f"Advanced {count} participant{'s' if count != 1 else ''}."
    if not count and not result["errors"]:
        text = "Nobody to advance (participants must have started and not finished)."
    if result["errors"]:
        text += " Errors: " + "; ".join(result["errors"])
    return text


@auth.admin_view(AREA)
@endpoint(db=None)  # each participant is advanced in their own unit of work
def advance_session(request: Request, form: FormData | None) -> Response:
    code = request.path_params["code"]
    participant_code = str((form or {}).get("participant_code") or "").strip() or None
    try:
        result = advance(code, participant_code)
    except NotFound as exc:
        return not_found(request, str(exc))
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(dict(result, message=_summary(result)))
    return RedirectResponse(f"/SessionMonitor/{code}?advanced={quote(_summary(result))}", status_code=302)


@auth.admin_view(AREA)
@endpoint(db="read", form=False)
def presence_icons(request: Request, form: FormData | None) -> Response:
    """oTree's monitor polls this; here the rows are pushed live, so it just answers with them all."""
    session = current_session().scalars(select(Session).filter_by(code=request.path_params["code"])).one_or_none()
    if session is None:
        return JSONResponse({"error": "Session not found"}, status_code=404)
    return JSONResponse(monitor.message(session))


# -- the live socket ----------------------------------------------------------------------------


def _session_id(code: str) -> int | None:
    with unit_of_work(readonly=True) as db:
        return db.scalar(select(Session.id).filter_by(code=code))


def _message(session_id: int, participant_ids=None) -> dict:
    with unit_of_work(readonly=True) as db:
        session = db.get(Session, session_id)
        if session is None:
            return {"error": "Session not found"}
        return monitor.message(session, participant_ids)


class SessionMonitorConsumer(AsyncJsonWebsocketConsumer):
    """Sends all rows on connect, then the rows of participants as they move.

    Moves that arrive while rows are being loaded are gathered into the next load, so a
    burst of moves costs a few queries on the admin's side, never one per move per row.
    """

    session_id: int | None = None

    async def connect(self) -> None:
        await self.accept()
        if not auth.may_access(self.websocket, AREA):
            await self.close(1008)
            return
        self._pending: set[int] = set()
        self._refresh: asyncio.Task | None = None
        self.session_id = await run_in_threadpool(_session_id, self.websocket.path_params.get("code", ""))
        if self.session_id is None:
            await self.send_json({"error": "Session not found"})
            await self.close(1008)
            return
        # Join first, then read: a move committed in between is sent again, never lost.
        await self.group_add(monitor.monitor_channel(self.session_id))
        await self.send_json(await run_in_threadpool(_message, self.session_id))

    async def monitor_moved(self, message: dict) -> None:
        self._pending.update(int(i) for i in message.get("participant_ids", ()))
        if self._refresh is None or self._refresh.done():
            self._refresh = asyncio.create_task(self._send_pending())

    async def _send_pending(self) -> None:
        try:
            while self._pending:
                ids, self._pending = self._pending, set()
                await self.send_json(await run_in_threadpool(_message, self.session_id, ids))
        except Exception:  # the socket went away, or the session was deleted meanwhile
            logger.debug("monitor update not sent", exc_info=True)

    async def receive_json(self, content) -> None:
        # {"refresh": true}: all rows again (the page asks after it was hidden for a while).
        if isinstance(content, dict) and content.get("refresh") and self.session_id is not None:
            await self.send_json(await run_in_threadpool(_message, self.session_id))

    async def disconnect(self, code: int) -> None:
        task = getattr(self, "_refresh", None)
        if task is not None and not task.done():
            task.cancel()


def routes() -> list:
    return [
        Route("/SessionMonitor/{code}", session_monitor),
        Route("/AdvanceSession/{code}", advance_session, methods=["POST"]),
        Route("/presence_icons/{code}", presence_icons, methods=["GET", "POST"]),
    ]


def websocket_routes() -> list:
    return [WebSocketRoute("/session_monitor/{code}", SessionMonitorConsumer.as_endpoint())]
