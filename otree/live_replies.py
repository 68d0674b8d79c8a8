"""Running live messages in units of work, storing their replies, and sending them to sockets.

Every reply is a row of otree_livereply before it is sent: the row id is the number the
browser acknowledges, so a socket that reconnects (to any worker) gets every reply it
missed, in order, from the database. Replies are announced on the channel layer after
commit, to the group `live-<session>-<page index>-<participant>` of each recipient.

Concurrency: a plain live_method runs in a unit of work that first locks its group's row
(SELECT ... FOR UPDATE on PostgreSQL; on SQLite every writing unit of work holds the write
lock from BEGIN IMMEDIATE), then reads everything fresh. So the messages of one group are
applied one at a time, in any number of worker processes, while other groups run in
parallel. An async generator (streaming) does not hold the group lock across its awaits:
it would stall its whole group for as long as, say, a web API takes to answer. Its steps
commit one by one instead, and the messages of one socket are handled in order.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import traceback
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import func, insert, select
from sqlalchemy.exc import DBAPIError

from otree import live
from otree.channels import group_send_sync
from otree.conf import settings
from otree.currency import json_default
from otree.db.core import Participant
from otree.db.live_tables import LiveReply
from otree.db.uow import current_session, unit_of_work
from otree.flow import find_participant
from otree.pages import BasePage, build_page, slot_of

logger = logging.getLogger("otree.live")

REPLY_TYPE = "live.reply"


def dumps(value: Any) -> str:
    return json.dumps(value, default=json_default)


def envelope(reply_id: int | None, payload_json: str) -> str:
    """What the browser receives: oTree's wrapper, plus the reply's number for acknowledging it."""
    number = "null" if reply_id is None else str(int(reply_id))
    return f'{{"otree_success": true, "otree_id": {number}, "live_method_payload": {payload_json}}}'


def error_envelope(exc: BaseException) -> str:
    message: dict[str, Any] = {"otree_success": False, "live_method_payload": None}
    if settings.DEBUG:
        # Shown in the browser console: the developer sees what went wrong without the server log.
        message["otree_error"] = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return json.dumps(message)


@dataclass
class Outcome:
    """What became of one live message (for the socket and for tests)."""

    handled: bool = False
    error: BaseException | None = None
    sent: list[tuple[int, str, str]] = field(default_factory=list)  # (reply id, participant code, payload)


class Stale(Exception):
    """The socket's page is not the participant's current page (they moved on, or never got there)."""


# -- finding the page a message is for --------------------------------------------------------


def _locate(code: str, page_name: str, page_index: int, *, lock_group: bool, for_state: bool = False) -> BasePage:
    db = current_session()
    participant = find_participant(code)
    if participant is None:
        raise Stale(f"participant {code!r} does not exist")
    if participant.is_browser_bot and not for_state:
        # As in oTree: a browser bot's page must not act on its own; call_live_method plays it.
        raise Stale(f"participant {code} is a browser bot")
    slot = _check_position(participant, page_name, page_index)
    # On SQLite the unit of work already holds the database's write lock (BEGIN IMMEDIATE).
    if lock_group and db.get_bind().dialect.name != "sqlite":
        app = slot.app
        db.execute(select(app.Group.id).join(app.Player, app.Player.group_id == app.Group.id)
                   .where(app.Player.participant_id == participant.id, app.Player.round_number == slot.round_number)
                   .with_for_update(of=app.Group))
        # What was read before the lock may predate the last member's message: read again.
        db.expire_all()
        participant = find_participant(code)
        assert participant is not None, "participants are deleted only with their session"
        slot = _check_position(participant, page_name, page_index)
    return build_page(participant, slot)


def _check_position(participant, page_name: str, page_index: int):
    slot = slot_of(participant)
    if participant._index_in_pages != page_index or slot is None or slot.name != page_name:
        where = slot.name if slot is not None else "no page"
        raise Stale(f"participant {participant.code} is on {where} (page {participant._index_in_pages}), "
                    f"not {page_name} (page {page_index})")
    return slot


def members_of(page: BasePage) -> dict[int, str]:
    """id_in_group -> participant code of the page's group, in one query."""
    Player = page._app.Player
    rows = current_session().execute(
        select(Player.id_in_group, Participant.code).join(Participant, Player.participant_id == Participant.id)
        .where(Player.group_id == page.player.group_id))
    return dict(rows.all())


def _store(page: BasePage, deliveries: list[tuple[int, Any]], members: dict[int, str]) -> list[tuple[int, str, str]]:
    """Rows for the replies of this unit of work; returns (id, participant code, payload JSON)."""
    if not deliveries:
        return []
    rows = [dict(session_id=page.session.id, participant_code=members[id_in_group],
                 page_index=page._index_in_pages, payload_json=dumps(payload), created=time.time())
            for id_in_group, payload in deliveries]
    # One INSERT for all recipients (returning the ids in the order of the rows). A Core insert
    # on the unit of work's connection: the ORM's bulk path costs more than the statement here,
    # and these rows are never loaded as objects in the same unit of work.
    table = LiveReply.__table__
    ids = current_session().connection().execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True), rows).scalars().all()
    return [(reply_id, row["participant_code"], row["payload_json"]) for reply_id, row in zip(ids, rows, strict=True)]


def announce(session_code: str, page_index: int, sent: list[tuple[int, str, str]]) -> None:
    """Tell the recipients' sockets, on whichever worker they are (call after commit)."""
    for reply_id, code, text in sent:
        group_send_sync(live.live_group(session_code, page_index, code),
                        {"type": REPLY_TYPE, "id": reply_id, "payload": text})


# -- a message from a browser ----------------------------------------------------------------


RETRY_SQLSTATES = ("40P01", "40001")  # PostgreSQL: deadlock victim, serialization failure
ATTEMPTS = 5


def _should_retry(exc: BaseException, attempt: int) -> bool:
    """A unit of work PostgreSQL aborted to resolve a deadlock is run again: the message is not lost."""
    code = getattr(getattr(exc, "orig", None), "sqlstate", None)
    return isinstance(exc, DBAPIError) and code in RETRY_SQLSTATES and attempt < ATTEMPTS - 1


def handle_message(code: str, page_name: str, page_index: int, data: Any) -> Outcome:
    """Run a plain live_method for the participant in one unit of work, under the group lock."""
    for attempt in range(ATTEMPTS):
        outcome = Outcome()
        try:
            with unit_of_work():
                page = _locate(code, page_name, page_index, lock_group=True)
                session_code = page.session.code
                if not live.has_live_method(type(page)):
                    raise Stale(f"{page_name} has no live_method")
                members = members_of(page)
                outcome.sent = _store(page, live.call_live_method(page, data, list(members)), members)
                outcome.handled = True
        except Stale as exc:
            logger.warning("Ignoring liveSend message: %s", exc)
            return outcome
        except Exception as exc:  # app code: report to the sender, keep serving everyone else
            if _should_retry(exc, attempt):
                time.sleep(0.01 * (attempt + 1))
                continue
            logger.exception("Error in live_method of %s (participant %s)", page_name, code)
            outcome.error = exc
            return outcome
        announce(session_code, page_index, outcome.sent)
        return outcome
    raise AssertionError("unreachable")


def stream_message(code: str, page_name: str, page_index: int, data: Any) -> Outcome:
    """Run an async generator live_method: each yielded reply is stored and sent at once.

    Runs in a worker thread, on a private event loop, so its awaits block nobody. One unit of
    work spans the stream, but each step commits on its own: objects stay loaded between steps
    (expire_on_commit is off), and a step that does not touch the database holds no lock.
    """
    outcome = Outcome()
    loop = asyncio.new_event_loop()
    try:
        with unit_of_work() as db:
            page = _locate(code, page_name, page_index, lock_group=False)
            session_code = page.session.code
            members = members_of(page)
            generator = live.invoke(page, data)
            db.commit()
            outcome.handled = True
            while True:
                try:
                    # The step runs in a task that copies this context: app code finds this unit of work.
                    reply = loop.run_until_complete(generator.__anext__())
                except StopAsyncIteration:
                    break
                sent = _store(page, live.recipients(reply, list(members)), members)
                db.commit()
                outcome.sent.extend(sent)
                announce(session_code, page_index, sent)
    except Stale as exc:
        logger.warning("Ignoring liveSend message: %s", exc)
    except Exception as exc:  # app code: report to the sender, keep serving everyone else
        logger.exception("Error in live_method of %s (participant %s)", page_name, code)
        outcome.error = exc
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
    return outcome


# -- a socket connecting --------------------------------------------------------------------


@dataclass
class Greeting:
    """What a (re)connecting socket is sent first: the replies it missed, or the page's live_state."""

    messages: list[tuple[int | None, str]] = field(default_factory=list)  # (reply id, payload JSON)
    # Replies up to this id are part of the state just sent: the socket must not send them again.
    covered_up_to: int = 0
    streaming: bool = False  # the page's live_method is an async generator
    error: BaseException | None = None  # live_state raised


def last_reply_id(participant_code: str, page_index: int) -> int:
    """The newest reply to this participant on this page (0 if none): where a fresh page starts."""
    db = current_session()
    value = db.scalar(select(func.max(LiveReply.id)).where(
        LiveReply.participant_code == participant_code, LiveReply.page_index == page_index))
    return int(value or 0)


def greet(code: str, page_name: str, page_index: int, since: int, reconnect: bool) -> Greeting | None:
    """The first messages for a socket connecting to a live page; None if that page is not current.

    A socket reconnecting on the same page gets every reply after `since`, in order. A socket of
    a freshly loaded page gets the page's live_state (if it defines one), computed under the group
    lock so that no reply is both in the state and sent again; without live_state it gets the
    replies sent since the page was rendered.
    """
    try:
        with unit_of_work(readonly=True) as db:
            participant = find_participant(code)
            if participant is None:
                raise Stale(f"participant {code!r} does not exist")
            slot = _check_position(participant, page_name, page_index)
            streaming = live.has_live_method(slot.page_class) and live.is_streaming(slot.page_class, slot.app)
            if reconnect or not live.has_live_state(slot.page_class):
                rows = db.execute(select(LiveReply.id, LiveReply.payload_json).where(
                    LiveReply.participant_code == code, LiveReply.page_index == page_index,
                    LiveReply.id > since).order_by(LiveReply.id)).all()
                return Greeting(messages=[(row[0], row[1]) for row in rows], streaming=streaming)
        try:
            with unit_of_work():
                page = _locate(code, page_name, page_index, lock_group=True, for_state=True)
                state = live.live_state(page)
                covered = last_reply_id(code, page_index)
        except Stale:
            raise
        except Exception as exc:  # app code
            logger.exception("Error in %s of %s (participant %s)", live.STATE_HOOK, page_name, code)
            return Greeting(streaming=streaming, error=exc)
        messages = [] if state is None else [(covered, dumps(state))]
        return Greeting(messages=messages, covered_up_to=covered, streaming=streaming)
    except Stale as exc:
        logger.info("Live socket for a page that is not current: %s", exc)
        return None



def page_context(page: BasePage) -> dict[str, Any]:
    """Template variables of a live page: the socket URL (oTree's) and the newest reply so far."""
    if not live.has_live_method(type(page)):
        return {"live_socket_url": None}
    query = urlencode(dict(participant_code=page.participant.code, page_name=type(page).__name__,
                           page_index=page._index_in_pages, session_code=page.session.code))
    return {"live_socket_url": f"/live?{query}",
            "live_since": last_reply_id(page.participant.code, page._index_in_pages)}
