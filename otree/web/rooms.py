"""Rooms on the web (reference §8.4, §4.2): the room link, its waiting page, and the room admin pages.

Participant side: GET /room/<name> shows a welcome page, then (with welcome_page_ok=1)
either a waiting page, whose socket /wait_for_session_in_room hears {"status": "session_ready"},
or a redirect to the participant's /InitializeParticipant link. POST with a JSON body only
validates a participant label; a form POST (a custom welcome page's "Next" button) goes on
as welcome_page_ok=1 would.

Admin side (area "admin"): /rooms, /room_without_session/<name> (with the presence socket
of the same path), /room_with_session/<name> and POST /CloseRoom/<name>.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from urllib.parse import urlencode

from markupsafe import Markup, escape
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute

from otree import prolific, rooms
from otree.channels.consumer import AsyncJsonWebsocketConsumer
from otree.db.core import Session
from otree.rooms import Room, SessionFull, UnknownRoom

from .auth import admin_view, csrf_token, is_logged_in, may_access
from .endpoints import NotFound, endpoint
from .online import prolific_error
from .rendering import get_engine, render

logger = logging.getLogger("otree.rooms")

ADMIN_AREA = "admin"
REDIRECT = 302


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _cookie_key(room: Room) -> str:
    # In the signed `session` cookie: the participant this browser got in the room (rooms without labels).
    return f"otree_room_{room.name}_participant"


def _participant_error(message: str, status: int = 404, room: Room | None = None, retry: bool = False) -> HTMLResponse:
    return render("otree/rooms/RoomError.html", dict(
        message=message, room_name=room.display_name if room else "", retry_url=room.url() if room and retry else "",
    ), status=status)


def _label_and_hash(values) -> tuple[str | None, str | None]:
    label = str(values.get("participant_label") or "").strip() or None
    hash_ = str(values.get("hash") or "").strip() or None
    return label, hash_


# -- participants -------------------------------------------------------------------------------


def _participant_not_found(request: Request, message: str) -> Response:
    return _participant_error(message)


async def room_entry(request: Request) -> Response:
    if request.method == "POST":
        try:
            room = rooms.get_room(request.path_params["room_name"])
        except UnknownRoom as exc:
            if _is_json(request):
                return JSONResponse({"errors": {"room_name": str(exc)}}, status_code=404)
            raise NotFound(str(exc), page=_participant_not_found) from None
        return await _room_post(request, room)
    return await _room_get(request)


@endpoint(db=None, form=False)  # assign_participant runs its own unit of work
def _room_get(request: Request, form: None) -> Response:
    try:
        room = rooms.get_room(request.path_params["room_name"])
    except UnknownRoom as exc:
        raise NotFound(str(exc), page=_participant_not_found) from None
    label, hash_ = _label_and_hash(request.query_params)
    try:
        arrival = prolific.read(request.query_params)
    except prolific.ProlificError as exc:
        return prolific_error(str(exc))
    label = label or arrival.get("PROLIFIC_PID")  # the same Prolific participant gets the same place
    if room.has_participant_labels and label is None:
        if room.use_secure_urls:
            return _participant_error(
                "This room can only be entered with your personal link (it contains your participant "
                "label and a security code). Please use the link you were given.", room=room)
        return _welcome(request, room, None, None, ask_for_label=True)
    if label is not None:
        errors = room.validate(label, hash_)
        if errors:
            return _participant_error(" ".join(errors.values()), room=room,
                                      retry=not room.use_secure_urls and room.has_participant_labels)
    if request.query_params.get("welcome_page_ok") != "1":
        return _welcome(request, room, label, hash_)

    remembered = None if label else request.session.get(_cookie_key(room))
    try:
        assignment = rooms.assign_participant(room.name, label, remembered)
    except SessionFull:
        return _participant_error("Sorry, this session is full: every place has been taken.", room=room)
    if assignment.participant_code is None:
        return _waiting_page(room, label)
    if not label:
        request.session[_cookie_key(room)] = assignment.participant_code
    params = "&".join(p for p in (urlencode({'participant_label': label}) if label else "",
                                  prolific.query_string(arrival)) if p)
    query = f"?{params}" if params else ""
    return RedirectResponse(f"/InitializeParticipant/{assignment.participant_code}{query}", status_code=REDIRECT)


def _is_json(request: Request) -> bool:
    return "json" in request.headers.get("content-type", "").lower()


async def _room_post(request: Request, room: Room) -> Response:
    if _is_json(request):
        # Validation only: {"participant_label": ..., "hash": ...} -> {"status": "ok"} or {"errors": {...}}.
        body = await request.body()
        try:
            data = json.loads(body) if body.strip() else {}
        except ValueError:
            return JSONResponse({"errors": {"__all__": "The request body is not valid JSON"}}, status_code=400)
        if not isinstance(data, dict):
            return JSONResponse({"errors": {"__all__": "The request body must be a JSON object"}}, status_code=400)
        label, hash_ = _label_and_hash(data)
        if not room.has_participant_labels and label is None:
            return JSONResponse({"status": "ok"})
        errors = room.validate(label, hash_)
        return JSONResponse({"errors": errors} if errors else {"status": "ok"})
    # A form on a custom welcome page: carry on as with welcome_page_ok=1.
    form = await request.form()
    label, hash_ = _label_and_hash(form)
    query_label, query_hash = _label_and_hash(request.query_params)
    params = {"welcome_page_ok": "1"}
    if label or query_label:
        params["participant_label"] = label or query_label
    if hash_ or query_hash:
        params["hash"] = hash_ or query_hash
    params.update({name: request.query_params[name] for name in prolific.PARAMS if request.query_params.get(name)})
    return RedirectResponse(f"{room.url()}?{urlencode(params)}", status_code=REDIRECT)


def _welcome(request: Request, room: Room, label: str | None, hash_: str | None,
             ask_for_label: bool = False) -> Response:
    params = {"welcome_page_ok": "1"}
    if label:
        params["participant_label"] = label
    if hash_:
        params["hash"] = hash_
    # Prolific's parameters travel on to the start link (otree.prolific).
    params.update({name: request.query_params[name] for name in prolific.PARAMS if request.query_params.get(name)})
    continue_url = f"{room.url()}?{urlencode(params)}"
    hidden = Markup("").join(
        Markup('<input type="hidden" name="{}" value="{}">').format(k, v) for k, v in params.items())
    context = dict(
        room=dict(name=room.name, display_name=room.display_name), room_name=room.name,
        room_display_name=room.display_name, participant_label=label or "", hash=hash_ or "",
        ask_for_label=ask_for_label, continue_url=continue_url, welcome_page_ok_fields=hidden,
        validate_url=room.url(), has_custom_welcome_page=bool(room.welcome_page),
    )
    if room.welcome_page and not ask_for_label:
        if not get_engine().has_template(room.welcome_page):
            message = (f"The welcome_page {room.welcome_page!r} of room {room.name!r} in settings.py was not found "
                       f"(template folders: {', '.join(get_engine().search_path)}).")
            logger.error(message)
            page = f"<!doctype html><title>Room error</title><pre>{escape(message)}</pre>"
            return HTMLResponse(page, status_code=500)
        return render(room.welcome_page, context)
    return render("otree/rooms/Welcome.html", context)


def wait_socket_url(room: Room, label: str | None, tab_unique_id: str) -> str:
    params = {"room_name": room.name, "participant_label": label or "", "tab_unique_id": tab_unique_id}
    return f"/wait_for_session_in_room?{urlencode(params)}"


def _waiting_page(room: Room, label: str | None) -> Response:
    tab_unique_id = secrets.token_hex(8)
    return render("otree/rooms/WaitForSession.html", dict(
        room_display_name=room.display_name, participant_label=label or "",
        socket_url=wait_socket_url(room, label, tab_unique_id),
    ), headers={"Cache-Control": "no-store"})


class RoomParticipantConsumer(AsyncJsonWebsocketConsumer):
    """WS /wait_for_session_in_room: presence while waiting, and {"status": "session_ready"}."""

    room: Room | None = None
    connection_id = ""
    joined = False
    ready_sent = False
    watcher: asyncio.Task | None = None

    async def connect(self) -> None:
        q = self.query
        label = str(q.get("participant_label") or "").strip() or None
        tab_unique_id = str(q.get("tab_unique_id") or "")[:64] or secrets.token_hex(8)
        try:
            room = rooms.get_room(q.get("room_name", ""))
        except UnknownRoom as exc:
            await self.accept()
            await self.send_json({"error": str(exc)})
            await self.close(1008)
            return
        if room.has_participant_labels and (label is None or not room.has_label(label)):
            await self.accept()
            await self.send_json({"error": rooms.LABEL_NOT_FOUND})
            await self.close(1008)
            return
        self.room, self.label, self.tab_unique_id = room, label, tab_unique_id
        self.connection_id = secrets.token_hex(16)
        # Join the group before looking at the database: a session made in between is not missed.
        await self.group_add(room.participant_channel())
        # Present before the handshake completes: whoever asks once the socket is open sees this tab.
        await self._join()
        await self.accept()
        if await run_in_threadpool(rooms.has_session, room.name):
            await self._ready()
        self.watcher = asyncio.create_task(self._watch())

    async def _join(self) -> None:
        change = await run_in_threadpool(rooms.presence_join, self.room.name, self.label, self.tab_unique_id,
                                         self.connection_id)
        self.joined = True
        if change.changed:
            await self._tell_admin("add_participant", change)

    async def _tell_admin(self, status: str, change: rooms.PresenceChange) -> None:
        await self.channel_layer.group_send(self.room.admin_channel(), {
            "type": "room.presence", "status": status, "participant": change.participant_label,
            "present_count": change.present_count,
        })

    async def _ready(self) -> None:
        if not self.ready_sent:
            self.ready_sent = True
            await self.send_json({"status": "session_ready"})

    async def _watch(self) -> None:
        """Poll for a session no channel message announced; keep the presence row fresh."""
        last_touch = time.monotonic()
        while True:
            await asyncio.sleep(rooms.SESSION_POLL_SECONDS)
            try:
                if not self.ready_sent and await run_in_threadpool(rooms.has_session, self.room.name):
                    await self._ready()
                if time.monotonic() - last_touch >= rooms.HEARTBEAT_SECONDS:
                    last_touch = time.monotonic()
                    if not await run_in_threadpool(rooms.presence_touch, self.connection_id):
                        await self._join()  # pruned while this worker was too busy to refresh it
            except asyncio.CancelledError:
                raise
            except Exception:  # a database hiccup must not end the wait; try again next round
                logger.exception("room %s: waiting socket check failed", self.room.name)

    async def room_session_ready(self, message: dict) -> None:
        await self._ready()

    async def receive_json(self, content) -> None:
        # {"tab_hidden": ...} from the waiting page's script: nothing to do.
        return None

    async def disconnect(self, code: int) -> None:
        if self.watcher is not None:
            self.watcher.cancel()
        if not self.joined:
            return
        result = await run_in_threadpool(rooms.presence_leave, self.connection_id)
        if result is not None and result[1].changed:
            await self._tell_admin("remove_participant", result[1])


# -- admin ------------------------------------------------------------------------------------------


def _admin_render(request: Request, template: str, context: dict, status: int = 200) -> HTMLResponse:
    context = dict(context, admin_logged_in=is_logged_in(request), csrftoken=csrf_token(request))
    return render(template, context, status=status)


def _admin_room_not_found(request: Request, message: str) -> Response:
    return _admin_render(request, "otree/admin/Rooms.html", dict(rooms=[], error=message), status=404)


def _room_or_404(request: Request) -> Room:
    """The room of the URL's {room_name}; NotFound (the rooms list with the error) if there is none."""
    try:
        return rooms.get_room(request.path_params["room_name"])
    except UnknownRoom as exc:
        raise NotFound(str(exc), page=_admin_room_not_found) from None


@admin_view(ADMIN_AREA)
@endpoint(db="read")
def rooms_list(request: Request, form: FormData | None) -> Response:
    base = _base_url(request)
    result = []
    for room in rooms.get_rooms().values():
        session = room.get_session()
        result.append(dict(
            name=room.name, display_name=room.display_name, url=room.url(base),
            session_code=session.code if session is not None else None,
            admin_url=f"/room_with_session/{room.name}" if session is not None
            else f"/room_without_session/{room.name}",
            has_labels=room.has_participant_labels,
        ))
    for row in result:
        row["present_count"] = rooms.present_count(row["name"])  # (a unit of work of its own)
    return _admin_render(request, "otree/admin/Rooms.html", dict(rooms=result, error=None))


def _room_context(request: Request, room: Room) -> dict:
    base = _base_url(request)
    return dict(
        room_name=room.name, room_display_name=room.display_name, room_url=room.url(base),
        has_labels=room.has_participant_labels, use_secure_urls=room.use_secure_urls,
        participant_urls=[dict(label=label, url=url) for label, url in room.participant_urls(base)],
    )


@admin_view(ADMIN_AREA)
@endpoint(db=None)  # session_code_of and presence_snapshot run their own units of work
def room_without_session(request: Request, form: FormData | None) -> Response:
    room = _room_or_404(request)
    if rooms.session_code_of(room.name) is not None:
        return RedirectResponse(f"/room_with_session/{room.name}", status_code=REDIRECT)
    snapshot = rooms.presence_snapshot(room.name)
    context = _room_context(request, room)
    context.update(
        present_labels=snapshot.get("present_labels", []), present_count=snapshot.get("present_count", 0),
        create_session_url=f"/create_session?{urlencode({'room_name': room.name})}",
        socket_url=f"/room_without_session/{room.name}",
    )
    return _admin_render(request, "otree/admin/RoomWithoutSession.html", context)


@admin_view(ADMIN_AREA)
@endpoint(db="read")
def room_with_session(request: Request, form: FormData | None) -> Response:
    room = _room_or_404(request)
    session: Session | None = room.get_session()
    if session is None:
        return RedirectResponse(f"/room_without_session/{room.name}", status_code=REDIRECT)
    participants = session.get_participants()
    info = dict(
        code=session.code, config_name=session.config.get("display_name") or session.config_name,
        label=session.label or "", num_participants=session.num_participants,
        created_at=time.strftime("%Y-%m-%d %H:%M", time.localtime(session.created_at or 0)),
        num_started=sum(1 for p in participants if p._index_in_pages >= 1),
        labels=[p.label for p in participants if p.label],
    )
    context = _room_context(request, room)
    context.update(session=info, present_labels=[])
    return _admin_render(request, "otree/admin/RoomWithSession.html", context)


@admin_view(ADMIN_AREA)
@endpoint(db=None)  # rooms.close_room runs its own unit of work
def close_room(request: Request, form: FormData | None) -> Response:
    room = _room_or_404(request)
    rooms.close_room(room.name)
    return RedirectResponse(f"/room_without_session/{room.name}", status_code=REDIRECT)


class RoomAdminConsumer(AsyncJsonWebsocketConsumer):
    """WS /room_without_session/<name>: {"status": "init", ...}, then add/remove_participant."""

    room: Room | None = None
    resync: asyncio.Task | None = None

    async def connect(self) -> None:
        if not may_access(self.websocket, ADMIN_AREA):
            await self.accept()
            await self.close(1008)
            return
        try:
            room = rooms.get_room(self.websocket.path_params.get("room_name", ""))
        except UnknownRoom as exc:
            await self.accept()
            await self.send_json({"error": str(exc)})
            await self.close(1008)
            return
        self.room = room
        await self.accept()
        await self.group_add(room.admin_channel())  # before the snapshot: no arrival falls in between
        await self.send_json(await run_in_threadpool(rooms.presence_snapshot, room.name))
        self.resync = asyncio.create_task(self._resync())

    async def _resync(self) -> None:
        """Send the whole picture again now and then: drops rows of connections that died unannounced."""
        while True:
            await asyncio.sleep(rooms.HEARTBEAT_SECONDS)
            try:
                await self.send_json(await run_in_threadpool(rooms.presence_snapshot, self.room.name))
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("room %s: presence resync failed", self.room.name)
                return

    async def room_presence(self, message: dict) -> None:
        content = {"status": message["status"]}
        if self.room.has_participant_labels:
            content["participant"] = message.get("participant")
        else:
            content["present_count"] = message.get("present_count")
            if message.get("participant"):
                content["participant"] = message["participant"]
        await self.send_json(content)

    async def room_session_changed(self, message: dict) -> None:
        await self.send_json({"status": "session_changed"})

    async def disconnect(self, code: int) -> None:
        if self.resync is not None:
            self.resync.cancel()


def routes() -> list:
    return [
        Route("/room/{room_name}", room_entry, methods=["GET", "POST"]),
        Route("/rooms", rooms_list),
        Route("/room_without_session/{room_name}", room_without_session),
        Route("/room_with_session/{room_name}", room_with_session),
        Route("/CloseRoom/{room_name}", close_room, methods=["POST"]),
    ]


def websocket_routes() -> list:
    return [
        WebSocketRoute("/wait_for_session_in_room", RoomParticipantConsumer.as_endpoint()),
        WebSocketRoute("/room_without_session/{room_name}", RoomAdminConsumer.as_endpoint()),
    ]


__all__ = ["routes", "websocket_routes", "RoomParticipantConsumer", "RoomAdminConsumer"]
