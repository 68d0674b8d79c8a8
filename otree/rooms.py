"""Rooms (reference §8.4): a permanent link per lab or class, to which sessions are attached one at a time.

settings.ROOMS is read and checked the first time rooms are used (errors name settings.py).
Everything a room knows at run time lives in the database, so that several worker
processes agree about it:

* the room's session is the newest otree_session row whose _room_name is the room's name
  (create_session(..., room_name=...) writes it; CloseRoom clears it);
* who is waiting is otree_roompresence, one row per waiting-page socket, with a heartbeat;
* participant vars sent by REST before a label joins are otree_roomparticipantvars.

The channel layer only carries "something happened" (a session is ready, someone arrived
or left). A waiting socket also polls the database every few seconds, so a session made
where no channel message can reach it (`otree create_session --room` in another process,
several workers without REDIS_URL) still starts the participants.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import os
import re
import threading
import time
import zlib
from typing import Any

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import IntegrityError

from otree import state
from otree.channels import group_send_sync
from otree.conf import settings
from otree.db.core import Participant, Session
from otree.db.rooms_tables import RoomParticipantVars, RoomPresence
from otree.db.uow import current_session, unit_of_work
from otree.errors import ConfigError, find_line

ROOM_NAME_RE = re.compile(r"^[A-Za-z0-9_]+$")
KNOWN_KEYS = {"name", "display_name", "participant_label_file", "use_secure_urls", "welcome_page"}

# A waiting socket checks for a session this often (seconds), and refreshes its presence row
# every HEARTBEAT_SECONDS; a row not refreshed for STALE_SECONDS belongs to a dead connection.
SESSION_POLL_SECONDS = 5.0
HEARTBEAT_SECONDS = 30.0
STALE_SECONDS = 90.0

LABEL_NOT_FOUND = "This participant label was not found"


class UnknownRoom(KeyError):
    """No room of this name in settings.ROOMS (a KeyError, so REST answers 4xx with the message)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "Unknown room"


class SessionFull(Exception):
    """Every participant of the room's session has been handed out."""


@dataclasses.dataclass(frozen=True)
class Room:
    name: str
    display_name: str
    participant_label_file: str | None = None  # absolute path
    use_secure_urls: bool = False
    welcome_page: str | None = None  # a template name

    # -- participant labels -----------------------------------------------------------------

    @property
    def has_participant_labels(self) -> bool:
        return self.participant_label_file is not None

    def get_participant_labels(self) -> list[str]:
        """The labels listed in participant_label_file (re-read when the file changes)."""
        if self.participant_label_file is None:
            return []
        return _read_labels(self.participant_label_file)

    def has_label(self, label: str) -> bool:
        return label in self.get_participant_labels()

    def hash_for(self, label: str) -> str:
        return participant_label_hash(label)

    def validate(self, label: str | None, hash_: str | None) -> dict[str, str]:
        """Errors (field → message) of a participant arriving with this label and hash; {} when fine."""
        if not self.has_participant_labels:
            return {}
        if not label:
            if self.use_secure_urls:
                return {"participant_label": "This room needs your personal link (with participant_label and hash)."}
            return {"participant_label": "Please enter your participant label."}
        if not self.has_label(label):
            return {"participant_label": LABEL_NOT_FOUND}
        if self.use_secure_urls and not hmac.compare_digest(str(hash_ or ""), self.hash_for(label)):
            return {"hash": "This link is not valid (the hash does not match the participant label)."}
        return {}

    # -- URLs -----------------------------------------------------------------------------

    def url(self, base_url: str = "", label: str | None = None) -> str:
        from urllib.parse import urlencode

        url = f"{base_url.rstrip('/')}/room/{self.name}"
        if label is None:
            return url
        params = {"participant_label": label}
        if self.use_secure_urls:
            params["hash"] = self.hash_for(label)
        return f"{url}?{urlencode(params)}"

    def participant_urls(self, base_url: str = "") -> list[tuple[str, str]]:
        """(label, URL) for every listed label."""
        return [(label, self.url(base_url, label)) for label in self.get_participant_labels()]

    # -- session --------------------------------------------------------------------------

    def get_session(self) -> Session | None:
        """The room's session, in the current unit of work."""
        return current_session().scalars(
            select(Session).where(Session._room_name == self.name).order_by(Session.id.desc()).limit(1)
        ).first()

    def participant_channel(self) -> str:
        return f"room-{self.name}"

    def admin_channel(self) -> str:
        return f"room-admin-{self.name}"


def participant_label_hash(label: str) -> str:
    """First 8 hex digits of sha224(label + SECRET_KEY + ADMIN_PASSWORD), as oTree's secure room URLs."""
    secret = f"{settings.SECRET_KEY or ''}{settings.ADMIN_PASSWORD or ''}"
    return hashlib.sha224(f"{label}{secret}".encode()).hexdigest()[:8]


# -- configuration --------------------------------------------------------------------------

# Label files by path, re-read when their mtime changes (a file, not app state: any app may share it).
_label_cache: dict[str, tuple[float, list[str]]] = {}
_cache_lock = threading.Lock()


def _read_labels(path: str) -> list[str]:
    try:
        mtime = os.stat(path).st_mtime
    except OSError:
        raise ConfigError(
            f"The participant_label_file {path} of a room in settings.ROOMS does not exist (any more).",
            fix="create it with one participant label per line, or correct participant_label_file in settings.py.",
        ) from None
    cached = _label_cache.get(path)
    if cached is not None and cached[0] == mtime:
        return cached[1]
    with open(path, encoding="utf-8-sig") as f:
        labels: list[str] = []
        for line in f:
            label = line.strip()
            if label and label not in labels:
                labels.append(label)
    _label_cache[path] = (mtime, labels)
    return labels


def _project_root() -> str:
    project = state.current().project
    return project.root if project is not None else os.getcwd()


def _settings_path(root: str) -> str:
    return os.path.join(root, "settings.py")


def _build_rooms(raw_rooms: Any, root: str) -> dict[str, Room]:
    path = _settings_path(root)
    line = find_line(path, "ROOMS") if os.path.isfile(path) else None
    if raw_rooms is None:
        return {}
    if not isinstance(raw_rooms, (list, tuple)):
        raise ConfigError("ROOMS must be a list of dicts.", path=path, line=line,
                          fix="write ROOMS = [dict(name='lab', display_name='Lab'), ...].")
    rooms: dict[str, Room] = {}
    for raw in raw_rooms:
        if not isinstance(raw, dict):
            raise ConfigError(f"Each entry of ROOMS must be a dict, not {raw!r}.", path=path, line=line,
                              fix="write dict(name='lab', display_name='Lab').")
        name = raw.get("name")
        where = (find_line(path, repr(name)) or find_line(path, f'"{name}"') or line) if os.path.isfile(path) else None
        if not isinstance(name, str) or not ROOM_NAME_RE.match(name):
            raise ConfigError(f"The room name {name!r} in ROOMS is invalid.", path=path, line=where,
                              fix="give each room a name made of letters, digits and underscores.")
        if name in rooms:
            raise ConfigError(f"Two rooms in ROOMS are named {name!r}.", path=path, line=where,
                              fix="give each room a unique name.")
        unknown = sorted(set(raw) - KNOWN_KEYS)
        if unknown:
            raise ConfigError(
                f"Room {name!r} in ROOMS has the unknown key {unknown[0]!r}.", path=path, line=where,
                fix=f"use only {', '.join(sorted(KNOWN_KEYS))}.",
            )
        label_file = raw.get("participant_label_file")
        label_path = None
        if label_file:
            if not isinstance(label_file, str):
                raise ConfigError(f"participant_label_file of room {name!r} must be a file path.",
                                  path=path, line=where)
            label_path = label_file if os.path.isabs(label_file) else os.path.join(root, label_file)
            if not os.path.isfile(label_path):
                raise ConfigError(
                    f"Room {name!r}: the participant_label_file {label_file!r} does not exist "
                    f"(looked for {label_path}).", path=path, line=where,
                    fix="create it with one participant label per line, or correct the path "
                        "(relative to the folder of settings.py).",
                )
        secure = bool(raw.get("use_secure_urls"))
        if secure and not label_path:
            raise ConfigError(
                f"Room {name!r} has use_secure_urls=True but no participant_label_file.", path=path, line=where,
                fix="add participant_label_file (secure URLs are per participant label), or remove use_secure_urls.",
            )
        welcome_page = raw.get("welcome_page") or None
        if welcome_page is not None and not isinstance(welcome_page, str):
            raise ConfigError(f"welcome_page of room {name!r} must be a template path.", path=path, line=where)
        display_name = raw.get("display_name") or name
        rooms[name] = Room(name=name, display_name=str(display_name), participant_label_file=label_path,
                           use_secure_urls=secure, welcome_page=welcome_page)
    return rooms


def get_rooms() -> dict[str, Room]:
    """All rooms of settings.ROOMS, in order, checked on first use (ConfigError naming settings.py).

    They are kept in the current AppState, and built again when settings.ROOMS or the project changes.
    """
    app_state = state.current()
    raw = settings.get("ROOMS")
    root = _project_root()
    source = (root, repr(raw))
    with _cache_lock:
        if app_state.rooms is not None and app_state.rooms_source == source:
            return app_state.rooms
        rooms = _build_rooms(raw, root)
        app_state.rooms, app_state.rooms_source = rooms, source
        return rooms


def get_room(name: str) -> Room:
    """The room named `name`; UnknownRoom (a KeyError with a clear message) when there is none."""
    rooms = get_rooms()
    try:
        return rooms[name]
    except (KeyError, TypeError):
        known = ", ".join(rooms) or "none"
        raise UnknownRoom(f"There is no room named {name!r} in settings.ROOMS (known rooms: {known})") from None


# -- sessions in rooms ----------------------------------------------------------------------


def _lock_room(room_name: str) -> None:
    """Serialize joins and var updates of one room across workers (SQLite: BEGIN IMMEDIATE does it)."""
    db = current_session()
    if db.get_bind().dialect.name == "postgresql":
        key = zlib.crc32(f"otree-room:{room_name}".encode()) - 2**31
        db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def session_code_of(room_name: str) -> str | None:
    with unit_of_work(readonly=True):
        session = get_room(room_name).get_session()
        return session.code if session is not None else None


def has_session(room_name: str) -> bool:
    return session_code_of(room_name) is not None


def rest_list(base_url: str) -> list[dict]:
    """GET /api/rooms: [{"name", "session_code", "url"}]."""
    rooms = get_rooms()
    with unit_of_work(readonly=True):
        return [dict(name=room.name, session_code=_code(room.get_session()), url=room.url(base_url))
                for room in rooms.values()]


def _code(session: Session | None) -> str | None:
    return session.code if session is not None else None


def notify_session_created(room_name: str) -> None:
    """A session was just created in the room: it becomes the room's only session; wake the waiting."""
    room = get_room(room_name)
    with unit_of_work() as db:
        _lock_room(room.name)
        current = room.get_session()
        if current is not None:
            db.execute(update(Session).where(Session._room_name == room.name, Session.id != current.id)
                       .values(_room_name=None))
    group_send_sync(room.participant_channel(), {"type": "room.session_ready"})
    group_send_sync(room.admin_channel(), {"type": "room.session_changed"})


def close_room(room_name: str) -> str | None:
    """Detach the room's session (the session itself is kept); returns its code, or None."""
    room = get_room(room_name)
    with unit_of_work() as db:
        _lock_room(room.name)
        current = room.get_session()
        db.execute(update(Session).where(Session._room_name == room.name).values(_room_name=None))
        code = _code(current)
    group_send_sync(room.admin_channel(), {"type": "room.session_changed"})
    return code


def store_participant_vars(room_name: str, label: str, values: dict) -> None:
    """POST /api/participant_vars: vars for the participant with this label in the room.

    If the label already has a participant in the room's session, they get the vars now;
    otherwise the vars wait in the database and are applied when the label joins the room.
    """
    room = get_room(room_name)
    if not isinstance(values, dict):
        raise ValueError("vars must be a JSON object")
    label = str(label)
    if room.has_participant_labels and not room.has_label(label):
        raise ValueError(f"The participant label {label!r} is not in the participant_label_file of room {room.name!r}")
    with unit_of_work() as db:
        _lock_room(room.name)
        session = room.get_session()
        if session is not None:
            participant = db.scalars(select(Participant).filter_by(session_id=session.id, label=label)
                                     .order_by(Participant.id_in_session).limit(1)).first()
            if participant is not None:
                participant.vars.update(values)
                return
        row = db.scalars(select(RoomParticipantVars).filter_by(room_name=room.name, participant_label=label)).first()
        if row is None:
            db.add(RoomParticipantVars(room_name=room.name, participant_label=label, vars=dict(values),
                                       updated_at=time.time()))
        else:
            row.vars = {**(row.vars or {}), **values}
            row.updated_at = time.time()


def _apply_stored_vars(db, room: Room, participant: Participant, label: str) -> None:
    row = db.scalars(select(RoomParticipantVars).filter_by(room_name=room.name, participant_label=label)).first()
    if row is not None:
        participant.vars.update(row.vars or {})
        db.delete(row)


@dataclasses.dataclass
class Assignment:
    """The outcome of arriving at a room whose participant was validated."""

    participant_code: str | None = None  # None: no session yet, wait
    session_code: str | None = None


def assign_participant(room_name: str, label: str | None, remembered_code: str | None = None) -> Assignment:
    """The participant for a visitor of the room: the same one for the same label (or browser cookie).

    Raises SessionFull when every participant of the session is taken.
    """
    room = get_room(room_name)
    with unit_of_work() as db:
        _lock_room(room.name)
        session = room.get_session()
        if session is None:
            return Assignment()
        in_session = select(Participant).filter_by(session_id=session.id)
        participant = None
        if label:
            participant = db.scalars(in_session.filter_by(label=label).order_by(Participant.id_in_session)
                                     .limit(1)).first()
        elif remembered_code:
            participant = db.scalars(in_session.filter_by(code=remembered_code)).first()
        if participant is None:
            participant = db.scalars(
                in_session.filter_by(visited=False)
                .where((Participant.label.is_(None)) | (Participant.label == ""))
                .order_by(Participant.id_in_session).limit(1).with_for_update(skip_locked=True)
            ).first()
            if participant is None:
                raise SessionFull(f"Session {session.code} in room {room.name!r} is full")
            participant.visited = True
            if label:
                participant.label = label
        if label:
            _apply_stored_vars(db, room, participant, label)
        return Assignment(participant_code=participant.code, session_code=session.code)


# -- presence -------------------------------------------------------------------------------


@dataclasses.dataclass
class PresenceChange:
    changed: bool  # this identity arrived / left (not another tab of someone already there)
    participant_label: str | None
    present_count: int


def _presence_key(label: str | None, tab_unique_id: str) -> str:
    return label if label else f"tab:{tab_unique_id}"


def _fresh(room_name: str):
    return select(RoomPresence).where(RoomPresence.room_name == room_name,
                                      RoomPresence.last_seen >= time.time() - STALE_SECONDS)


def _count(db, room_name: str) -> int:
    sub = _fresh(room_name).with_only_columns(RoomPresence.presence_key).distinct().subquery()
    return db.scalar(select(func.count()).select_from(sub)) or 0


def _key_present(db, room_name: str, key: str) -> bool:
    return db.scalars(_fresh(room_name).where(RoomPresence.presence_key == key).limit(1)).first() is not None


def presence_join(room_name: str, label: str | None, tab_unique_id: str, connection_id: str) -> PresenceChange:
    """A waiting socket connected: record it; `changed` if this person was not present before."""
    label = label or None
    key = _presence_key(label, tab_unique_id)
    with unit_of_work() as db:
        db.execute(delete(RoomPresence).where(RoomPresence.last_seen < time.time() - STALE_SECONDS))
        already = _key_present(db, room_name, key)
        db.add(RoomPresence(room_name=room_name, presence_key=key, participant_label=label,
                            tab_unique_id=tab_unique_id, connection_id=connection_id, last_seen=time.time()))
        try:
            db.flush()
        except IntegrityError:  # the same connection id twice: nothing new
            db.rollback()
            return PresenceChange(False, label, _count(db, room_name))
        return PresenceChange(not already, label, _count(db, room_name))


def presence_leave(connection_id: str) -> tuple[str, PresenceChange] | None:
    """A waiting socket closed: (room name, change), or None if it had no row."""
    with unit_of_work() as db:
        row = db.scalars(select(RoomPresence).filter_by(connection_id=connection_id)).first()
        if row is None:
            return None
        room_name, key, label = row.room_name, row.presence_key, row.participant_label
        db.delete(row)
        db.flush()
        still = _key_present(db, room_name, key)
        return room_name, PresenceChange(not still, label, _count(db, room_name))


def presence_touch(connection_id: str) -> bool:
    """Heartbeat of a waiting socket; False if its row is gone (pruned as stale)."""
    with unit_of_work() as db:
        result = db.execute(update(RoomPresence).where(RoomPresence.connection_id == connection_id)
                            .values(last_seen=time.time()))
        return bool(result.rowcount)


def presence_snapshot(room_name: str) -> dict:
    """What the admin's presence socket sends first: present_labels (rooms with labels) or present_count."""
    room = get_room(room_name)
    with unit_of_work(readonly=True) as db:
        if room.has_participant_labels:
            labels = db.scalars(_fresh(room_name).with_only_columns(RoomPresence.participant_label).distinct())
            return {"status": "init", "present_labels": sorted(label for label in labels if label)}
        return {"status": "init", "present_count": _count(db, room_name)}


def present_count(room_name: str) -> int:
    with unit_of_work(readonly=True) as db:
        return _count(db, room_name)


__all__ = [
    "Room", "UnknownRoom", "SessionFull", "Assignment", "get_rooms", "get_room", "rest_list",
    "notify_session_created", "close_room", "store_participant_vars", "assign_participant",
    "participant_label_hash", "presence_join", "presence_leave", "presence_touch", "presence_snapshot",
]
