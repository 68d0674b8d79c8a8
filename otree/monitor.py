"""The session monitor: one row per participant, and the notifications that keep it live.

A participant "moves" when their page position changes (a page submitted, a wait page
left, the start link opened), when a flag the monitor shows changes (dropout, left), or
when their wait page's socket connects or disconnects. The modules that move participants
announce it as the event "participant_moved" (otree.events); this module listens (from
its import on: otree.flow imports it, so every server and task process has the listener).
Each move registers, in the unit of work that made it, one message to the channel-layer
group of the session's monitor, sent only after that unit of work has committed:

    {"type": "monitor.moved", "participant_ids": [...]}

The message carries ids only. The monitor's socket (otree.web.monitor) reads the rows
fresh from the database, so the participant's request pays one group_send and no query,
and what the admin sees is what was committed, whichever worker process made the move.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Iterable

from sqlalchemy import select, update

from otree import events, state
from otree.channels import group_send_sync
from otree.db.core import Participant
from otree.db.uow import after_commit, current_session, has_current_session, unit_of_work

if TYPE_CHECKING:
    from otree.pages import Slot

# Presence on a wait page (the "waiting" column): the page's socket is connected or not.
CONNECTED = "connected"
DISCONNECTED = "disconnected"

# oTree advances the slowest participants in batches of at most this many per click.
ADVANCE_BATCH = 20

_PENDING_KEY = "otree_monitor_pending"


def monitor_channel(session_id: int) -> str:
    return f"session-monitor-{session_id}"


# -- notifying ------------------------------------------------------------------------------


def participant_moved(participant) -> None:
    """Tell the session's monitor, after the current unit of work commits, that this participant moved.

    Several moves in one unit of work make one message per session. Outside a unit of
    work (nothing will be committed) this does nothing.
    """
    if not has_current_session():
        return
    db = current_session()
    pending: dict[int, set[int]] | None = db.info.get(_PENDING_KEY)
    if pending is None:
        pending = db.info[_PENDING_KEY] = {}
        after_commit(lambda: _send(pending))
    pending.setdefault(participant.session_id, set()).add(participant.id)


events.listen(events.PARTICIPANT_MOVED, participant_moved)


def notify(session_id: int, participant_ids: Iterable[int]) -> None:
    """Send the monitor message now (for code that has already committed)."""
    _send({session_id: set(participant_ids)})


def _send(pending: dict[int, set[int]]) -> None:
    for session_id, ids in pending.items():
        if ids:
            group_send_sync(monitor_channel(session_id),
                            {"type": "monitor.moved", "participant_ids": sorted(ids)})


def set_waitpage_presence(participant_id: int, page_index: int, connected: bool) -> None:
    """A wait page socket connected (only counts while the participant is on that page) or disconnected.

    Runs in its own unit of work; the monitor hears of it only if the flag changed.
    """
    with unit_of_work() as db:
        query = (update(Participant)
                 .where(Participant.id == participant_id, Participant._waitpage_is_connected != connected)
                 .values(_waitpage_is_connected=connected))
        if connected:
            query = query.where(Participant._index_in_pages == page_index)
        session_id = db.execute(query.returning(Participant.session_id)).scalar()
        if session_id is not None:
            pending = {session_id: {participant_id}}
            after_commit(lambda: _send(pending))


# -- rows -----------------------------------------------------------------------------------


def rows(session, participant_ids: Iterable[int] | None = None) -> list[dict[str, Any]]:
    """Monitor rows of a session's participants (all, or those with these ids), by id in session."""
    db = current_session()
    query = select(Participant).filter_by(session_id=session.id).order_by(Participant.id_in_session)
    wanted = None if participant_ids is None else set(participant_ids)
    if wanted is not None:
        if not wanted:
            return []
        query = query.where(Participant.id.in_(wanted))
    participants = list(db.scalars(query))
    slots = _slots(session)
    waiting = {p.id: slots[p._index_in_pages - 1] for p in participants
               if 1 <= p._index_in_pages <= len(slots) and slots[p._index_in_pages - 1].is_wait_page}
    waits_for = _waits_for(session, participants, waiting, complete=wanted is None)
    return [_row(p, waiting.get(p.id), waits_for.get(p.id, [])) for p in participants]


def page_labels(session) -> list[str]:
    """One label per page of the session's page sequence, in order (the monitor chart's bars)."""
    return [f"{slot.app.name} r{slot.round_number} {slot.name}" if slot.app.constants.NUM_ROUNDS > 1
            else f"{slot.app.name} {slot.name}" for slot in _slots(session)]


def _slots(session) -> list[Slot]:
    """The session's page sequence, from the loaded project (this module never imports otree.pages)."""
    project = state.current().project
    if project is None:
        raise RuntimeError("No project is loaded (run otree from your project folder).")
    return project.page_sequence(session.config["app_sequence"])


def _row(p: Participant, wait_slot, waits_for: list[int]) -> dict[str, Any]:
    index, last = p._index_in_pages or 0, p._max_page_index or 0
    started, finished = index >= 1, index > last
    if wait_slot is None:
        waiting = None
    else:
        waiting = CONNECTED if p._waitpage_is_connected else DISCONNECTED
    return dict(
        id=p.id,
        id_in_session=p.id_in_session,
        code=p.code,
        label=p.label or "",
        index=index,
        max=last,
        started=started,
        finished=finished,
        app=p._current_app_name if started else None,
        round=p._round_number if started else None,
        page=(p._current_page_name if started and not finished else None),
        waiting=waiting,
        waits_for=waits_for,
        gbat=bool(wait_slot is not None and getattr(wait_slot.page_class, "group_by_arrival_time", False)),
        last_move=p._last_request_timestamp,
        # The timed page they are on: when the server submits it (otree.timeouts).
        deadline=(p._timeout_expiration_time if started and not finished and p._timeout_page_index == index
                  else None),
        status=p.status or "",
        dropout=bool(p.is_dropout),
        left=bool(p.left_wait_page),
    )


def _waits_for(session, participants: list[Participant], waiting: dict, complete: bool) -> dict[int, list[int]]:
    """For each participant on a wait page: the ids in session of the members not there yet.

    One query per (app, round) that someone waits in, for the players' groups; positions
    come from the rows already loaded, or (for a partial update) one narrow query.
    """
    if not waiting:
        return {}
    db = current_session()
    if complete:
        positions = {p.id: (p.id_in_session, p._index_in_pages or 0) for p in participants}
    else:
        positions = {pid: (id_in_session, index or 0) for pid, id_in_session, index in db.execute(
            select(Participant.id, Participant.id_in_session, Participant._index_in_pages)
            .filter_by(session_id=session.id))}
    memberships: dict[tuple[str, int], list[tuple[int, int | None]]] = {}
    result: dict[int, list[int]] = {}
    for participant_id, slot in waiting.items():
        if getattr(slot.page_class, "group_by_arrival_time", False):
            result[participant_id] = []  # the group is formed from whoever arrives: nobody in particular
            continue
        key = (slot.app.name, slot.round_number)
        if key not in memberships:
            Player = slot.app.Player
            memberships[key] = list(db.execute(
                select(Player.participant_id, Player.group_id)
                .filter_by(session_id=session.id, round_number=slot.round_number)).all())
        members = memberships[key]
        if getattr(slot.page_class, "wait_for_all_groups", False):
            others = [pid for pid, _ in members]
        else:
            group_id = next((gid for pid, gid in members if pid == participant_id), None)
            others = [pid for pid, gid in members if gid == group_id]
        behind = [positions[pid][0] for pid in others
                  if pid != participant_id and pid in positions and positions[pid][1] < slot.index]
        result[participant_id] = sorted(behind)
    return result


def message(session, participant_ids: Iterable[int] | None = None) -> dict[str, Any]:
    """What the monitor socket sends: rows plus the server's clock (for 'time since last move')."""
    return {"rows": rows(session, participant_ids), "now": time.time()}


# -- advancing ------------------------------------------------------------------------------


def slowest(session_id: int, limit: int = ADVANCE_BATCH) -> tuple[int | None, list[str]]:
    """The started, unfinished participants furthest behind: (their page index, up to `limit` codes)."""
    db = current_session()
    active = (select(Participant.code, Participant._index_in_pages)
              .filter_by(session_id=session_id)
              .where(Participant._index_in_pages >= 1, Participant._index_in_pages <= Participant._max_page_index))
    candidates = db.execute(active.order_by(Participant._index_in_pages, Participant.id_in_session)
                            .limit(limit)).all()
    if not candidates:
        return None, []
    lowest = candidates[0][1]
    return lowest, [code for code, index in candidates if index == lowest]
