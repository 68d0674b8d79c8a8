"""The REST API (reference §8.3): sessions, configs, rooms, vars and exports, as JSON.

Bad input always gets a 4xx with a message saying what is wrong, never a 500.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Awaitable, Callable

from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

import otree
from otree.conf import settings
from otree.currency import json_default
from otree.db.core import Participant, Session
from otree.db.uow import after_commit, current_session
from otree.errors import SessionCreationError
from otree.project import get_project

from .auth import auth_level, same_text
from .endpoints import DbMode, run_view
from .limits import parse_json_body

def _typed(payload: dict, name: str, kinds: tuple, description: str, default: Any = None) -> Any:
    """payload[name] if it is of one of `kinds` (None counts as absent); else RESTError naming the field."""
    value = payload.get(name)
    if value is None:
        return default
    if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
        raise RESTError(f"{name} must be {description}, not {json.dumps(value)[:100]}")
    if isinstance(value, str) and "\x00" in value:
        raise RESTError(f"{name} must not contain NUL characters")
    return value


def _string_list(payload: dict, name: str) -> list[str]:
    values = _typed(payload, name, (list,), "a list of strings", default=[])
    if not all(isinstance(v, str) for v in values):
        raise RESTError(f"{name} must be a list of strings")
    return values


class RESTError(Exception):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def _json(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data, default=json_default), status_code=status, media_type="application/json")


def _check_key(request: Request) -> None:
    if auth_level() is None:
        return
    expected = settings.get("REST_KEY")
    if not expected:
        raise RESTError("Env var OTREE_REST_KEY must be defined to use the REST API with OTREE_AUTH_LEVEL set", 403)
    sent = request.headers.get("otree-rest-key")
    if sent is None:
        raise RESTError("HTTP Header otree-rest-key is missing", 403)
    if not same_text(sent, expected):
        raise RESTError("otree-rest-key is incorrect", 403)


async def _payload(request: Request) -> dict:
    """The JSON body (also for GET, as oTree reads it); {} when empty."""
    body = await request.body()
    if not body.strip():
        return {}
    try:
        data = parse_json_body(body)
    except ValueError as exc:
        raise RESTError(f"The request body is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise RESTError("The request body must be a JSON object")
    return data


Handler = Callable[[Request, dict], Response] | Callable[[Request, dict], Awaitable[Response]]


def api(fn: Handler | None = None, *, db: DbMode = None) -> Any:
    """Wrap a REST handler `fn(request, payload)`: key check, JSON body, errors as 4xx with a message.

    A synchronous handler runs on a worker thread in the unit of work `db` chooses (as an
    `otree.web.endpoints.endpoint` view does); an async one (a streamed export) is awaited.
    """

    def decorate(fn: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def wrapper(request: Request) -> Response:
            try:
                _check_key(request)
                payload = await _payload(request)
                if asyncio.iscoroutinefunction(fn):
                    return await fn(request, payload)
                return await run_in_threadpool(run_view, fn, request, payload, db)
            except RESTError as exc:
                return PlainTextResponse(str(exc), status_code=exc.status)
            except (SessionCreationError, TypeError, ValueError, KeyError) as exc:
                message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
                return PlainTextResponse(str(message), status_code=400)

        wrapper.__name__ = fn.__name__
        return wrapper

    return decorate(fn) if fn is not None else decorate


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _session_info(request: Request, session: Session) -> dict:
    base = _base_url(request)
    info = dict(
        code=session.code, num_participants=session.num_participants, created_at=session.created_at,
        label=session.label, config_name=session.config_name,
        session_wide_url=f"{base}/join/{session._anonymous_code}",
        admin_url=f"{base}/SessionStartLinks/{session.code}",
    )
    if session._room_name:
        info["room_url"] = f"{base}/room/{session._room_name}"
    return info


def _get_session(code: str) -> Session:
    session = current_session().scalars(select(Session).filter_by(code=code)).one_or_none()
    if session is None:
        raise RESTError(f"No session with code {code!r}", 404)
    return session


def _json_safe(value):
    try:
        json.dumps(value, default=json_default)
        return True
    except (TypeError, ValueError):
        return False


@api
async def otree_version(request: Request, payload: dict) -> Response:
    return _json({"version": otree.__version__})


@api
async def session_configs(request: Request, payload: dict) -> Response:
    configs = [{k: v for k, v in c.items() if _json_safe(v)} for c in get_project().session_configs.values()]
    return _json(configs)


@api(db=None)  # rest_list runs its own unit of work
def rooms(request: Request, payload: dict) -> Response:
    from otree import rooms as rooms_module

    return _json(rooms_module.rest_list(_base_url(request)))


@api
async def apps(request: Request, payload: dict) -> Response:
    return _json({name: app.doc for name, app in get_project().apps.items()})


CREATE_KEYS = {"session_config_name", "num_participants", "room_name", "modified_session_config_fields",
               "label", "is_mturk"}


async def sessions(request: Request) -> Response:
    """GET /api/sessions lists the sessions, POST creates one."""
    return await (list_sessions(request) if request.method == "GET" else post_session(request))


@api(db="read")
def list_sessions(request: Request, payload: dict) -> Response:
    found = current_session().scalars(select(Session).filter_by(is_demo=False).order_by(Session.id))
    return _json([_session_info(request, s) for s in found])


@api(db="write")
def post_session(request: Request, payload: dict) -> Response:
    from otree import rooms as rooms_module
    from otree.session import create_session, merged_config

    unknown = set(payload) - CREATE_KEYS
    if unknown:
        raise RESTError(f"create_session() got an unexpected keyword argument {sorted(unknown)[0]!r}", 403)
    if "session_config_name" not in payload or "num_participants" not in payload:
        raise RESTError("session_config_name and num_participants are required")
    config_name = _typed(payload, "session_config_name", (str,), "a string")
    num_participants = _typed(payload, "num_participants", (int,), "a positive whole number")
    modified = _typed(payload, "modified_session_config_fields", (dict,), "a JSON object", default={})
    room_name = _typed(payload, "room_name", (str,), "a string")
    label = _typed(payload, "label", (str,), "a string", default="")
    is_mturk = _typed(payload, "is_mturk", (bool,), "true or false", default=False)
    if room_name:
        rooms_module.get_room(room_name)  # a 404-worthy error for an unknown room
    # The API edits the config's own fields only, each keeping its type.
    merged_config(config_name, modified, allow_new_keys=False)
    session = create_session(
        config_name, num_participants, modified_session_config_fields=modified, label=label,
        room_name=room_name, is_mturk=is_mturk,
    )
    info = _session_info(request, session)
    if room_name:
        # Once the session is committed: the room's waiting participants are sent into it.
        after_commit(lambda: rooms_module.notify_session_created(room_name))
    return _json({k: info[k] for k in ("code", "session_wide_url", "admin_url", "room_url") if k in info})


@api(db="read")
def get_session(request: Request, payload: dict) -> Response:
    wanted_participant_vars = _string_list(payload, "participant_vars")
    wanted_session_vars = _string_list(payload, "session_vars")
    with_labels = _string_list(payload, "participant_labels") if payload.get("participant_labels") is not None \
        else None
    session = _get_session(request.path_params["code"])
    info = _session_info(request, session)
    info["config"] = {k: v for k, v in session.config.items() if _json_safe(v)}
    info["REAL_WORLD_CURRENCY_CODE"] = settings.REAL_WORLD_CURRENCY_CODE
    participants = []
    for p in session.get_participants():
        if with_labels and p.label not in with_labels:
            continue
        row = dict(
            id_in_session=p.id_in_session, code=p.code, label=p.label,
            payoff_in_real_world_currency=p.payoff_in_real_world_currency(), status=p.status,
            finished=p._index_in_pages > p._max_page_index,
        )
        for name in wanted_participant_vars:
            row[name] = p.vars.get(name)
        participants.append(row)
    info["participants"] = participants
    for name in wanted_session_vars:
        info[name] = session.vars.get(name)
    return _json(info)


def _vars(payload: dict) -> dict:
    values = payload.get("vars")
    if not isinstance(values, dict):
        raise RESTError('The body must be {"vars": {...}}')
    return values


@api(db="write")
def session_vars(request: Request, payload: dict) -> Response:
    values = _vars(payload)
    _get_session(request.path_params["code"]).vars.update(values)
    return _json({})


@api(db="write")
def participant_vars(request: Request, payload: dict) -> Response:
    values, code = _vars(payload), request.path_params["code"]
    participant = current_session().scalars(select(Participant).filter_by(code=code)).one_or_none()
    if participant is None:
        raise RESTError(f"No participant with code {code!r}", 404)
    participant.vars.update(values)
    return _json({})


@api(db=None)  # store_participant_vars runs its own unit of work
def participant_vars_by_room(request: Request, payload: dict) -> Response:
    from otree import rooms as rooms_module

    values = _vars(payload)
    room_name = _typed(payload, "room_name", (str,), "a string")
    label = _typed(payload, "participant_label", (str, int), "a string")
    if not room_name or label in (None, ""):
        raise RESTError("room_name and participant_label are required")
    rooms_module.store_participant_vars(room_name, str(label), values)
    return _json({})


def routes() -> list:
    from starlette.routing import Route

    from . import export_views

    return [
        Route("/api/otree_version", otree_version),
        Route("/api/session_configs", session_configs),
        Route("/api/rooms", rooms),
        Route("/api/apps", apps),
        Route("/api/sessions", sessions, methods=["GET", "POST"]),
        Route("/api/get_session/{code}", get_session, methods=["POST"]),
        Route("/api/sessions/{code}", get_session, methods=["GET"]),
        Route("/api/session_vars/{code}", session_vars, methods=["POST"]),
        Route("/api/participant_vars/{code}", participant_vars, methods=["POST"]),
        Route("/api/participant_vars", participant_vars_by_room, methods=["POST"]),
        *export_views.rest_routes(api),
    ]


__all__ = ["routes", "JSONResponse"]
