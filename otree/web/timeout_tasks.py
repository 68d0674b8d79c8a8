"""Handlers of the task loop for participants: page timeouts, and moving waiters past a wait page.

A page timeout submits the page as timed out (timeout_submission / type defaults,
before_next_page(..., timeout_happened=True), page time marked timed out) through
`time_out`, the one path the admin's "advance" uses too. The guard against applying it
twice is in the database: the participant's row is locked and their position checked,
so whichever of the loop, the browser's own submission or an admin comes second finds
the participant already moved on and does nothing.
"""

from __future__ import annotations

import time

from sqlalchemy import select

from otree import dropouts, pages, tasks
from otree.channels import group_send_sync
from otree.db.core import Participant
from otree.db.uow import current_session
from otree.timeouts import LEAVE_WAIT_PAGE, PAGE_TIMEOUT

from . import participant as participant_views
from .sockets import auto_advance_channel

# A deadline this close counts as passed (clocks of machines sharing the database differ a little).
DEADLINE_TOLERANCE_S = 0.05


def _wait_page_channel(page) -> str:
    from otree import waitpages

    session_id, index = page.session.id, page._index_in_pages
    if page.group_by_arrival_time:
        return waitpages.gbat_channel(session_id, index)
    if page.wait_for_all_groups:
        return waitpages.subsession_channel(session_id, index)
    return waitpages.group_channel(session_id, index, page.player.group_id)


def time_out(participant: Participant) -> bool:
    """Move a participant (whose row the caller locked) one page on, as a timeout; False if finished.

    A form page is submitted as timed out; a wait page is left for this participant only
    (it still completes, and runs after_all_players_arrive, when the rest of the group
    arrives). Wait pages they reach are handled, and their open browser told to reload,
    after the unit of work commits.
    """
    slot = pages.slot_of(participant)
    if slot is None or participant._index_in_pages < 1:
        return False
    page = pages.build_page(participant, slot)
    code = participant.code
    if slot.is_wait_page:
        pages.record_completion(page, timeout_happened=True)
        skipped = pages.advance(page)
        channel, message = _wait_page_channel(page), {"type": "wait_page.ready", "status": "ready"}
    else:
        skipped = participant_views._submit(page, {}, forced_timeout=True)
        channel, message = auto_advance_channel(code), {"type": "auto_advanced"}
    # Only wait pages (skipped, or landed on) need more work once this commits.
    on_wait_page = getattr(pages.slot_of(participant), "is_wait_page", False)

    # Wait pages first, so the browser's reload finds the participant where they end up.
    def follow_up() -> None:
        try:
            if skipped or on_wait_page:
                participant_views._after_moving(code, skipped)
        finally:
            group_send_sync(channel, message)

    tasks.then(follow_up)
    return True


def _locked(participant_id: int) -> Participant | None:
    return current_session().scalars(
        select(Participant).where(Participant.id == participant_id).with_for_update()
    ).one_or_none()


@tasks.handler(PAGE_TIMEOUT)
def apply_page_timeout(payload: dict) -> float | None:
    participant = _locked(payload["participant_id"])
    index = payload["page_index"]
    if participant is None or participant._index_in_pages != index or participant._timeout_page_index != index:
        return None  # submitted (by the browser, an admin or an earlier run) before the deadline
    deadline = participant._timeout_expiration_time
    if deadline is None:
        return None
    if deadline > time.time() + DEADLINE_TOLERANCE_S:
        return deadline  # not yet: run again at the deadline
    slot = pages.slot_of(participant)
    if slot is None or slot.is_wait_page:
        return None
    if not participant.is_dropout:
        page = pages.build_page(participant, slot)
        if dropouts.enabled(page) and dropouts.is_absent(participant):
            dropouts.mark(page)
    time_out(participant)
    return None


@tasks.handler(LEAVE_WAIT_PAGE)
def leave_wait_page(payload: dict) -> None:
    index = payload["page_index"]
    codes = current_session().scalars(
        select(Participant.code).where(Participant.id.in_(payload["participant_ids"]),
                                       Participant._index_in_pages == index)
    ).all()
    for code in codes:
        tasks.then(lambda code=code: participant_views._after_moving(code, []))
