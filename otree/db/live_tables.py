"""Tables of live pages and chat: replies kept for replay, and chat messages.

Both live in the database rather than in a worker's memory: a participant may reconnect
to another worker process (or machine) than the one that sent a reply, and chat history
must be the same whichever worker a browser is connected to.
"""

from __future__ import annotations

import time

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .core import CoreBase


class LiveReply(CoreBase):
    """One payload sent to one participant on one live page, numbered in sending order.

    The id is the sequence number the browser acknowledges: a socket that reconnects asks
    for every reply after the last one it received.
    """

    __tablename__ = "otree_livereply"
    __table_args__ = (Index("ix_otree_livereply_recipient", "participant_code", "page_index", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("otree_session.id", ondelete="CASCADE"), index=True)
    participant_code: Mapped[str] = mapped_column(String(16))
    page_index: Mapped[int] = mapped_column(Integer)
    # JSON text, encoded like every socket message (currency values become numbers).
    payload_json: Mapped[str] = mapped_column(Text)
    created: Mapped[float] = mapped_column(Float, default=time.time)


class ChatMessage(CoreBase):
    """A message of a chat channel; the chat export lists these."""

    __tablename__ = "otree_chatmessage"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # "<session id>-<app name_in_url>-<channel>", as in oTree.
    channel: Mapped[str] = mapped_column(String(255), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("otree_participant.id", ondelete="CASCADE"), index=True)
    nickname: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    timestamp: Mapped[float] = mapped_column(Float, default=time.time)
