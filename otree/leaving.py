"""Leaving a wait page after its maximum wait.

A WaitPage may set `max_wait_seconds` (or `get_max_wait_seconds(player)`). Once the
participant has waited that long, the page shows a "leave" button; pressing it moves
them to where the page's `leave_to(player)` hook says (the name of an upcoming app, the
name of a later page of this app and round, or None for the end of the study) and marks
`participant.left_wait_page`.

Exactly once, against a groupmate arriving at the same instant: the leave takes the same
group (or subsession) lock as arriving does, and then looks at the completion rows. If
the wait page completed first, the participant simply goes on with their group; if the
leave came first, the group completes without them later (their position is past the
page, so they count as arrived), and after_all_players_arrive still runs exactly once.
For group_by_arrival_time, a leaver is no longer waiting, so no group is formed with them.
"""

from __future__ import annotations

import time

from sqlalchemy import func, select

from otree import events, waitpages
from otree.db.core import Participant
from otree.db.records import CompletedGBATGroup
from otree.db.uow import READ_ATTEMPT, current_session
from otree.pages import Slot, WaitPage, call_hook, find_hook, page_sequence, record_completion, settle


def max_wait_of(page: WaitPage) -> float | None:
    value = call_hook(page, "get_max_wait_seconds", default=None)
    if value is None:
        value = getattr(type(page), "max_wait_seconds", None)
    return None if value is None else float(value)


def seconds_until_leave(page: WaitPage) -> float | None:
    """How long until the participant may leave (0: now), or None if this page has no maximum wait."""
    limit = max_wait_of(page)
    if limit is None:
        return None
    if page.group_by_arrival_time and _nobody_else_can_come(page):
        return 0.0
    arrived = page.participant._page_arrived_at or time.time()
    return max(0.0, arrived + limit - time.time())


def _nobody_else_can_come(page: WaitPage) -> bool:
    """group_by_arrival_time: everyone else is at or past this page, so those still waiting here
    (too few for a group, or they would have been grouped) will never be grouped: they may leave now."""
    Player = type(page.player)
    pending = current_session().scalar(
        select(func.count(Participant.id)).join(Player, Player.participant_id == Participant.id)
        .where(Player.subsession_id == page.player.subsession_id, Participant._index_in_pages < page._index_in_pages)
    )
    return not pending and not _completed(page)


def leave(page: WaitPage) -> list[Slot] | None:
    """Leave the wait page, if allowed now; the wait pages skipped on the way, or None if not left.

    Runs in its own unit of work, which must not hold row locks yet (the same order as arriving).
    """
    participant, index = page.participant, page._index_in_pages
    remaining = seconds_until_leave(page)
    if remaining is None or remaining > 0.05:
        return None
    db = current_session()
    waitpages.lock_wait(page)
    locked = db.scalars(select(Participant).where(Participant.id == participant.id).with_for_update()).one()
    db.refresh(locked)
    if locked._index_in_pages != index:
        return None  # moved on already (the group completed and the loop moved them)
    if _completed(page):
        return None  # the wait is over: they go on with their group, not away from it
    target = _target_index(page)
    participant.left_wait_page = True
    events.emit(events.PARTICIPANT_MOVED, participant)
    record_completion(page)
    participant._index_in_pages = target
    participant._last_request_timestamp = time.time()
    return settle(participant)


def _completed(page: WaitPage) -> bool:
    session_id, index = page.session.id, page._index_in_pages
    if page.group_by_arrival_time:
        db = current_session()
        if not db.info.get(READ_ATTEMPT):
            db.expire(page.player, ["group_id", "group"])
        formed = db.scalar(select(func.count(CompletedGBATGroup.id)).filter_by(session_id=session_id,
                                                                                page_index=index))
        return page.player.group.id_in_subsession <= formed
    if page.wait_for_all_groups:
        return waitpages.is_complete(session_id, index, None, "subsession")
    return waitpages.is_complete(session_id, index, page.player.group_id, "group")


def _target_index(page: WaitPage) -> int:
    """Where leave_to(player) sends the participant: an upcoming app, a later page here, or the end."""
    config = page.session.config
    sequence = page_sequence(config["app_sequence"])
    chosen = call_hook(page, "leave_to", default=None) if find_hook(type(page), "leave_to") else None
    if not chosen:
        return len(sequence) + 1
    app_names = list(config["app_sequence"])
    upcoming = app_names[app_names.index(page._app.name) + 1:]
    for slot in sequence:
        if slot.index > page._index_in_pages and slot.app is page._app and slot.round_number == page.round_number \
                and slot.name == chosen:
            return slot.index
    if chosen in upcoming:
        return next(slot.index for slot in sequence if slot.app.name == chosen)
    raise ValueError(
        f"{type(page).__name__}.leave_to returned {chosen!r}: return a later page of this app and round, "
        f"one of the upcoming apps {upcoming}, or None for the end of the study"
    )
