"""The chat export: every chat message, oldest first, with oTree's columns and values."""

from __future__ import annotations

from typing import Iterator

from sqlalchemy import select

from otree.db.core import Participant, Session
from otree.db.live_tables import ChatMessage
from otree.db.uow import unit_of_work

CHAT_COLUMNS = ["session_code", "id_in_session", "participant_code", "channel", "nickname", "body", "timestamp"]
CHUNK_SIZE = 2000


def rows_chat(session_codes=None, *, chunk_size: int = CHUNK_SIZE) -> Iterator[list]:
    yield list(CHAT_COLUMNS)
    last_id = 0
    while True:
        with unit_of_work(readonly=True) as db:
            query = (select(ChatMessage.id, Session.code, Participant.id_in_session, Participant.code,
                            ChatMessage.channel, ChatMessage.nickname, ChatMessage.body, ChatMessage.timestamp)
                     .join(Participant, ChatMessage.participant_id == Participant.id)
                     .join(Session, Participant.session_id == Session.id)
                     .where(ChatMessage.id > last_id).order_by(ChatMessage.id).limit(chunk_size))
            if session_codes:
                codes = [session_codes] if isinstance(session_codes, str) else list(session_codes)
                query = query.where(Session.code.in_(codes))
            found = db.execute(query).all()
        if not found:
            return
        last_id = found[-1][0]
        for row in found:
            yield list(row[1:])  # timestamp: epoch seconds, as oTree exports it
