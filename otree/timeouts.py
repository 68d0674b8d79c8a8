"""Page timers: a participant's deadline on a timed page, and the tasks that enforce it.

The timer starts when the participant arrives on the page (the step that moves them
there, see otree.pages.settle), not when a browser first renders it: a participant whose
browser is closed still gets a deadline, and the task loop submits the page for them
when it passes, exactly as their browser's countdown would have. Reloading the page
keeps the deadline.

After a wait page completes, the members still on it are moved on by a task a moment
later (browsers, woken by their socket, usually move themselves first), so that members
with no browser reach their next page and its timer starts.
"""

from __future__ import annotations

import time
from typing import Any, Callable

from otree import tasks

PAGE_TIMEOUT = "page_timeout"
LEAVE_WAIT_PAGE = "leave_wait_page"
# Browsers woken by a completed wait page move on within milliseconds; the loop moves the
# others this much later, so it rarely competes with them for the same rows.
WAIT_PAGE_GRACE_S = 0.5
# An open page's countdown submits at the deadline, with what the participant typed; the
# server waits this long after it (a browser's request takes some milliseconds to arrive),
# so that with a browser open the browser's submission, not the defaults, usually wins.
BROWSER_GRACE_S = 0.2


def timeout_key(participant_id: int, page_index: int) -> str:
    return f"{PAGE_TIMEOUT}:{participant_id}:{page_index}"


def start_timer(page, timeout_seconds: Callable[[], Any]) -> None:
    """Give the participant their deadline on this form page (once), and schedule its enforcement.

    timeout_seconds: the page's timeout (otree.pages.timeout_seconds_of), asked only when it
    matters. Callers go through otree.pages.start_timer, which leaves wait pages out.
    """
    participant, index = page.participant, page._index_in_pages
    if participant._timeout_page_index == index:
        return
    if participant.is_dropout and not (participant._is_bot or participant.is_browser_bot):
        # A dropout's pages are submitted at once (otree.dropouts), timed or not.
        now = time.time()
        participant._timeout_page_index = index
        participant._timeout_expiration_time = now
        tasks.schedule(PAGE_TIMEOUT, now, {"participant_id": participant.id, "page_index": index},
                       key=timeout_key(participant.id, index))
        return
    seconds = timeout_seconds()
    if seconds is None:
        return
    deadline = time.time() + float(seconds)
    participant._timeout_page_index = index
    participant._timeout_expiration_time = deadline
    if participant._is_bot or participant.is_browser_bot:
        return  # bots submit their own pages (and oTree never times them out on the server)
    tasks.schedule(PAGE_TIMEOUT, deadline + BROWSER_GRACE_S, {"participant_id": participant.id, "page_index": index},
                   key=timeout_key(participant.id, index))


def move_waiters_on(session_id: int, page_index: int, participant_ids: list[int], scope: str) -> None:
    """A wait page completed for these members: move those still on it on (after WAIT_PAGE_GRACE_S)."""
    tasks.schedule(
        LEAVE_WAIT_PAGE, time.time() + WAIT_PAGE_GRACE_S,
        {"page_index": page_index, "participant_ids": sorted(participant_ids)},
        key=f"{LEAVE_WAIT_PAGE}:{session_id}:{page_index}:{scope}",
    )
