"""Tables of rooms (reference §8.4): who is waiting in a room, and participant vars sent ahead by REST.

oTree keeps room presence in the memory of its single process. Here it is a table, so
every worker process (and machine) sees the same waiting participants: a row per open
waiting-page socket, refreshed by a heartbeat, so rows of a worker that died unannounced
stop counting after a while instead of haunting the admin page forever.

Which session a room holds is not stored here: it is otree_session._room_name (the newest
session carrying the room's name), which is what REST and the CLI already write.
"""

from __future__ import annotations

import time

from sqlalchemy import JSON, Float, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .core import CoreBase


class RoomPresence(CoreBase):
    """One row per connected waiting-page socket of a room."""

    __tablename__ = "otree_roompresence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_name: Mapped[str] = mapped_column(String(255), index=True)
    # Who this is, for counting: the participant label, or "tab:<tab_unique_id>" without one.
    presence_key: Mapped[str] = mapped_column(Text)
    participant_label: Mapped[str | None] = mapped_column(Text, nullable=True)
    tab_unique_id: Mapped[str] = mapped_column(String(64))
    # Unique per socket connection: a reconnecting tab briefly has two, and each removes only its own.
    connection_id: Mapped[str] = mapped_column(String(64), unique=True)
    last_seen: Mapped[float] = mapped_column(Float, default=time.time, index=True)


class RoomParticipantVars(CoreBase):
    """participant.vars for a label, sent by POST /api/participant_vars before the label joins the room."""

    __tablename__ = "otree_roomparticipantvars"
    __table_args__ = (UniqueConstraint("room_name", "participant_label"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_name: Mapped[str] = mapped_column(String(255))
    participant_label: Mapped[str] = mapped_column(String(255))
    vars: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[float] = mapped_column(Float, default=time.time)
