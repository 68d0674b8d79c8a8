"""Handlers of the task loop for participants: page timeouts, and moving waiters past a wait page.

A page timeout submits the page as timed out (timeout_submission / type defaults,
before_next_page(..., timeout_happened=True), page time marked timed out) through
`otree.flow.time_out`, the one path the admin's "advance" uses too. The guard against
applying it twice is in the database: the participant's row is locked and their position
checked, so whichever of the loop, the browser's own submission or an admin comes second
finds the participant already moved on and does nothing.
"""

from __future__ import annotations

from otree import flow, tasks
from otree.timeouts import LEAVE_WAIT_PAGE, PAGE_TIMEOUT


def lock_timed_out(payloads: list[dict]) -> None:
    flow.lock_participants(list({payload["participant_id"] for payload in payloads}))


@tasks.handler(PAGE_TIMEOUT, prepare=lock_timed_out)
def apply_page_timeout(payload: dict) -> float | None:
    return flow.enforce_timeout(payload["participant_id"], payload["page_index"])


@tasks.handler(LEAVE_WAIT_PAGE)
def leave_wait_page(payload: dict) -> None:
    flow.move_waiters_on(payload["participant_ids"], payload["page_index"])
