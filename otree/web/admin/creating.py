"""Creating sessions from the admin: the form, its validation, and creation with progress.

Both the demo page and the "create session" form create over a WebSocket
(`/create_demo_session`, `/create_session`) so that the browser can show each step
("Created participants", "Creating models for <app>", ...); both also work as a plain
form POST for browsers without JavaScript. Creation runs in a worker thread in one unit
of work: if a creating_session function fails, nothing of the session is kept.
"""

from __future__ import annotations

import logging
import math
import traceback
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Mapping

import anyio.from_thread
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from otree.channels.consumer import AsyncJsonWebsocketConsumer
from otree.conf import settings
from otree.errors import SessionCreationError
from otree.project import NON_EDITABLE_CONFIG_KEYS, get_project, participants_multiple

from .. import auth
from ..endpoints import endpoint
from .common import render_admin, rooms_setting

logger = logging.getLogger("otree.admin")

# Shown first, in this order, when the config has them.
MONEY_KEYS = ("participation_fee", "real_world_currency_per_point")
ALL_ERRORS = "__all__"


# -- the editable fields of a session config ------------------------------------------------


@dataclass
class ConfigField:
    config_name: str
    key: str
    kind: str  # "bool", "int", "float" or "str"
    value: Any

    @property
    def input_name(self) -> str:
        return f"{self.config_name}.{self.key}"


def _kind(value: Any) -> str | None:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, (float, Decimal)):
        return "float"
    if isinstance(value, str):
        return "str"
    return None  # lists, dicts (mturk_hit_settings), None...: not editable on the form


def editable_fields(config: Mapping[str, Any]) -> list[ConfigField]:
    """participation_fee, real_world_currency_per_point, then the custom bool/int/float/str keys."""
    name = config["name"]
    fields = []
    for key in MONEY_KEYS:
        if key in config:
            value = config[key]
            fields.append(ConfigField(name, key, "float", float(value) if value is not None else 0.0))
    for key, value in config.items():
        if key in MONEY_KEYS or key in NON_EDITABLE_CONFIG_KEYS:
            continue
        kind = _kind(value)
        if kind is not None:
            fields.append(ConfigField(name, key, kind, float(value) if kind == "float" else value))
    return fields


TRUE_WORDS = {"on", "true", "1", "yes"}
FALSE_WORDS = {"", "off", "false", "0", "no"}


def parse_value(kind: str, raw: Any) -> Any:
    """The typed value of a submitted field; ValueError with a message for the form."""
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        text = str(raw if raw is not None else "").strip().lower()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise ValueError("Enter true or false.")
    if kind == "int":
        if isinstance(raw, bool):
            raise ValueError("Enter a whole number.")
        if isinstance(raw, int):
            return raw
        if isinstance(raw, float) and raw.is_integer():
            return int(raw)
        try:
            return int(str(raw).strip())
        except ValueError:
            raise ValueError("Enter a whole number.") from None
    if kind == "float":
        if isinstance(raw, bool):
            raise ValueError("Enter a number.")
        try:
            value = float(str(raw).strip())
        except ValueError:
            raise ValueError("Enter a number.") from None
        if not math.isfinite(value):
            raise ValueError("Enter a number.")
        return value
    return "" if raw is None else str(raw)


# -- the request to create a session --------------------------------------------------------


@dataclass
class CreateRequest:
    config_name: str
    num_participants: int
    modified: dict[str, Any] = field(default_factory=dict)
    label: str = ""
    room_name: str | None = None
    is_mturk: bool = False


def parse_create_form(data: Mapping[str, Any], *, html_form: bool) -> tuple[CreateRequest | None, dict[str, str]]:
    """Validate the create-session form (a posted form or the JSON a socket client sent).

    Returns (request, {}) or (None, {input name: message}). With html_form, an unchecked
    checkbox (absent from the data) means False; from JSON an absent key keeps the default.
    """
    project = get_project()
    errors: dict[str, str] = {}
    config_name = str(data.get("session_config") or data.get("session_config_name") or "").strip()
    config = project.session_configs.get(config_name)
    if config is None:
        errors["session_config"] = "Choose a session config." if not config_name else (
            f"There is no session config named {config_name!r}.")
        return None, errors

    num_participants = None
    raw_num = data.get("num_participants")
    if isinstance(raw_num, bool) or raw_num in (None, ""):
        errors["num_participants"] = "Enter the number of participants."
    else:
        try:
            num_participants = parse_value("int", raw_num)
        except ValueError as exc:
            errors["num_participants"] = str(exc)
    if num_participants is not None:
        multiple = participants_multiple(project, config)
        limit = int(settings.MAX_PARTICIPANTS_PER_SESSION)
        if num_participants < 1:
            errors["num_participants"] = "The number of participants must be at least 1."
        elif num_participants > limit:
            errors["num_participants"] = (
                f"The number of participants must be at most {limit} (MAX_PARTICIPANTS_PER_SESSION in settings.py).")
        elif num_participants % multiple:
            errors["num_participants"] = (
                f"The number of participants must be a multiple of {multiple} "
                f"(the group sizes of this session's apps); {num_participants} is not.")

    modified: dict[str, Any] = {}
    for config_field in editable_fields(config):
        name = config_field.input_name
        if name not in data:
            if html_form and config_field.kind == "bool":
                modified[config_field.key] = False
            continue
        raw = data[name]
        if config_field.kind in ("int", "float") and str(raw).strip() == "":
            errors[name] = "This field is required."
            continue
        try:
            modified[config_field.key] = parse_value(config_field.kind, raw)
        except ValueError as exc:
            errors[name] = str(exc)
    for key in MONEY_KEYS:
        if key in modified and modified[key] < 0:
            errors[f"{config_name}.{key}"] = "This must not be negative."

    room_name = str(data.get("room_name") or "").strip() or None
    if room_name is not None and room_name not in {room["name"] for room in rooms_setting()}:
        errors["room_name"] = f"There is no room named {room_name!r}."
    try:
        is_mturk = parse_value("bool", data.get("is_mturk") or False)
    except ValueError as exc:
        errors["is_mturk"] = str(exc)

    label = str(data.get("label") or "").strip()
    if "\x00" in label:
        errors["label"] = "Null characters are not allowed."
    if errors:
        return None, errors
    # Only what differs from the config is recorded as modified.
    changed = {k: v for k, v in modified.items() if config.get(k) != v or type(config.get(k)) is not type(v)}
    return CreateRequest(
        config_name=config_name, num_participants=num_participants, modified=changed,
        label=label, room_name=room_name, is_mturk=is_mturk,
    ), {}


class CreationFailed(Exception):
    """A creating_session function (or something else unexpected) raised; carries the traceback."""

    def __init__(self, message: str, traceback_text: str):
        super().__init__(message)
        self.traceback_text = traceback_text


def create(request: CreateRequest, *, is_demo: bool, progress: Callable[[str], None] | None = None) -> str:
    """Create the session (in a worker thread); returns the admin URL to go to next.

    Raises SessionCreationError for invalid input, CreationFailed for errors in app code.
    """
    from otree.db.uow import unit_of_work
    from otree.session import create_session

    try:
        with unit_of_work():
            session = create_session(
                request.config_name, request.num_participants,
                modified_session_config_fields=request.modified or None, label=request.label,
                room_name=request.room_name, is_demo=is_demo, is_mturk=request.is_mturk, progress=progress,
            )
            code = session.code
    except SessionCreationError:
        raise
    except Exception as exc:  # user code in creating_session, most likely
        logger.exception("Creating a session of %r failed", request.config_name)
        raise CreationFailed(f"{type(exc).__name__}: {exc}", traceback.format_exc()) from exc
    if request.room_name:
        _tell_room(request.room_name)
        return f"/room_with_session/{request.room_name}"
    return f"/SessionStartLinks/{code}"


def _tell_room(room_name: str) -> None:
    """The new session becomes the room's session; participants waiting in the room are woken."""
    from otree import rooms

    rooms.notify_session_created(room_name)


def demo_request(config_name: str) -> CreateRequest:
    project = get_project()
    config = project.session_configs.get(config_name)
    if config is None:
        raise SessionCreationError(f"There is no session config named {config_name!r}.")
    return CreateRequest(config_name=config_name, num_participants=config["num_demo_participants"])


# -- the create-session page ------------------------------------------------------------------


def _form_context(values: Mapping[str, Any] | None = None, errors: dict | None = None,
                  submitted: bool = False, traceback: str | None = None) -> dict:
    """The form's context; `values` are what was posted (shown again with the errors) or preselections."""
    project = get_project()
    values = values or {}
    configs = []
    for name, config in project.session_configs.items():
        fields = []
        for f in editable_fields(config):
            value = f.value
            if submitted and f.kind == "bool":
                value = str(values.get(f.input_name) or "").lower() in TRUE_WORDS
            elif submitted:
                value = values.get(f.input_name, f.value)
            fields.append(dict(input_name=f.input_name, key=f.key, kind=f.kind, value=value,
                               error=(errors or {}).get(f.input_name)))
        configs.append(dict(
            name=name, display_name=config.get("display_name") or name,
            multiple=participants_multiple(project, config), fields=fields,
            num_demo_participants=config.get("num_demo_participants"),
            app_sequence=list(config.get("app_sequence") or []), doc=str(config.get("doc") or "").strip(),
        ))
    return dict(
        configs=configs, rooms=rooms_setting(), errors=errors or {},
        general_error=(errors or {}).get(ALL_ERRORS) or (errors or {}).get("is_mturk"), traceback=traceback,
        # The first config is preselected, as the form is most often used with it.
        selected_config=str(values.get("session_config") or (configs[0]["name"] if configs and not submitted else "")),
        num_participants=values.get("num_participants", ""), label=values.get("label", ""),
        selected_room=str(values.get("room_name") or ""), is_mturk=bool(values.get("is_mturk")),
    )


@auth.admin_view("admin")
@endpoint(db=None)  # create() runs its own unit of work, reporting progress as it goes
def create_session_page(request: Request, form: FormData | None) -> Response:
    if form is None:
        values: dict[str, Any] = {}
        if request.query_params.get("room_name"):
            values["room_name"] = request.query_params["room_name"]
        if request.query_params.get("is_mturk"):
            values["is_mturk"] = True
        return render_admin(request, "otree/admin/CreateSession.html", **_form_context(values))
    data = {key: form.get(key) for key in form.keys()}
    create_request, errors = parse_create_form(data, html_form=True)
    if errors:
        return render_admin(request, "otree/admin/CreateSession.html",
                            **_form_context(data, errors, submitted=True))
    try:
        url = create(create_request, is_demo=False)
    except SessionCreationError as exc:
        return render_admin(request, "otree/admin/CreateSession.html",
                            **_form_context(data, {ALL_ERRORS: str(exc)}, submitted=True))
    except CreationFailed as exc:
        return render_admin(request, "otree/admin/CreateSession.html", status=500,
                            **_form_context(data, {ALL_ERRORS: str(exc)}, submitted=True,
                                            traceback=exc.traceback_text))
    return RedirectResponse(url, status_code=302)


# -- WebSockets ---------------------------------------------------------------------------------


class AdminConsumer(AsyncJsonWebsocketConsumer):
    """An admin socket: accepted, then closed with 1008 if the auth level needs a login it lacks."""

    area = auth.ALWAYS_LOGIN

    async def connect(self) -> None:
        await self.accept()
        if not auth.may_access(self.websocket, self.area):
            await self.close(1008)


class _CreatingConsumer(AdminConsumer):
    is_demo = False

    def __init__(self, websocket):
        super().__init__(websocket)
        self.busy = False

    def build_request(self, content: Any) -> tuple[CreateRequest | None, dict]:
        raise NotImplementedError

    async def receive_json(self, content: Any) -> None:
        if self.busy:
            return  # one creation per socket at a time; a double click must not make two sessions
        if not isinstance(content, dict):
            await self.send_json({"validation_errors": {ALL_ERRORS: "Send a JSON object."}})
            return
        create_request, errors = self.build_request(content)
        if errors:
            await self.send_json({"validation_errors": errors})
            return
        self.busy = True
        try:
            url = await run_in_threadpool(create, create_request, is_demo=self.is_demo, progress=self._progress)
        except SessionCreationError as exc:
            await self.send_json({"validation_errors": {ALL_ERRORS: str(exc)}})
        except CreationFailed as exc:
            await self.send_json({"error": str(exc), "traceback": exc.traceback_text})
        else:
            await self.send_json({"session_url": url})
        finally:
            self.busy = False

    def _progress(self, message: str) -> None:
        """Called in the worker thread: hand the message to the event loop and wait until sent."""
        try:
            anyio.from_thread.run(self.send_json, {"progress": message})
        except Exception:  # the browser went away: creating the session goes on regardless
            pass


class CreateSessionConsumer(_CreatingConsumer):
    """WS /create_session: the create-session form's fields as JSON -> progress, session_url."""

    area = auth.ALWAYS_LOGIN

    def build_request(self, content):
        return parse_create_form(content, html_form=False)


class CreateDemoSessionConsumer(_CreatingConsumer):
    """WS /create_demo_session: {"session_config": name} -> progress, session_url."""

    area = auth.OPEN_UNDER_DEMO
    is_demo = True

    def build_request(self, content):
        try:
            return demo_request(str(content.get("session_config") or "")), {}
        except SessionCreationError as exc:
            return None, {"session_config": str(exc)}
