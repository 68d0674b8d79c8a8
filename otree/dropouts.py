"""Dropouts: participants whose browser left a timed page, and moving them through the rest at once.

Opt-in, per page (`detect_dropout = True` on a Page) or per session config
(`"detect_dropouts": True`). When such a page's timeout passes and the participant's
browser shows no sign of life (no page socket connected now, no request since they
arrived on the page), they are marked `participant.is_dropout`. From then on each page
they reach is submitted at once, as a timeout (with the page's or app's
`dropout_submission`, else `timeout_submission`, else type defaults), so groupmates
never wait for them. The app's `on_dropout(player)` runs once, when they are marked.

Everything is read from and written to the participant's row, never a process's memory:
a browser may be served by one worker while the task loop runs in another.
"""

from __future__ import annotations

import time

from sqlalchemy import case, func, select, update

from otree import events, pages, tasks, timeouts
from otree.db.core import Participant
from otree.db.uow import about_to_write, current_session, unit_of_work

# A submission landing on the next page and the participant's arrival there are the same
# instant; a request counts as activity on a page only if it came this long after arriving.
ARRIVAL_SLACK_S = 0.05


def enabled(page) -> bool:
    """Whether dropout detection applies to this page (the page's setting wins over the config's)."""
    return _detects(type(page), page.session.config)


def counts_sockets(participant: Participant, page_index: int | None) -> bool:
    """Whether the page sockets of the participant's page at `page_index` are counted.

    Only pages that detect dropouts ever read the count (is_absent); on the others, counting
    would be two write transactions per page view (connect, disconnect) that nobody reads.
    """
    if page_index is None:
        return False
    slot = pages.slot_of(participant, page_index)
    return slot is not None and slot.page_class is not None and _detects(slot.page_class, participant.session.config)


def _detects(page_class: type, config: dict) -> bool:
    own = getattr(page_class, "detect_dropout", None)
    if own is not None:
        return bool(own)
    return bool(config.get("detect_dropouts", False))


def is_absent(participant: Participant) -> bool:
    """No browser connected now, and no request since the participant arrived on their page."""
    if participant._browser_connections and participant._browser_connections > 0:
        return False
    arrived = participant._page_arrived_at or 0
    active = participant._last_activity_at
    return active is None or active <= arrived + ARRIVAL_SLACK_S


def mark(page) -> None:
    """The participant dropped out on this page: flag them and run the app's on_dropout(player)."""
    participant = page.participant
    if participant.is_dropout:
        return
    participant.is_dropout = True
    events.emit(events.PARTICIPANT_MOVED, participant)  # the monitor shows who dropped out
    hook = page._app.model_hook(page._app.Player, "on_dropout")
    if hook is not None:
        hook(page.player)


def submission(page) -> dict:
    """The values a timed-out page is submitted with: dropout_submission for dropouts, else timeout_submission."""
    if page.participant.is_dropout:
        own = getattr(type(page), "dropout_submission", None)
        if own is None:
            own = getattr(page._app.module, "dropout_submission", None)
        if callable(own):
            own = own(page.player)
        if own is not None:
            return dict(own)
    return dict(getattr(type(page), "timeout_submission", None) or {})


def welcome_back(page) -> None:
    """A dropout opened their current page: unless the app's on_dropout_return(player) returns
    False, they are no longer a dropout, and a timed page gives them a fresh countdown."""
    participant = page.participant
    if not participant.is_dropout or participant._is_bot:
        return  # a bot that simulated a dropout goes on fetching its pages: it stays one
    about_to_write()
    db = current_session()
    # Locked: the task loop may be submitting this very page for them right now.
    db.execute(select(Participant.id).where(Participant.id == participant.id).with_for_update())
    db.refresh(participant)
    if not participant.is_dropout or participant._index_in_pages != page._index_in_pages:
        return
    hook = page._app.model_hook(page._app.Player, "on_dropout_return")
    if hook is not None and hook(page.player) is False:
        return
    participant.is_dropout = False
    participant._last_activity_at = time.time()
    events.emit(events.PARTICIPANT_MOVED, participant)
    if participant._timeout_page_index == page._index_in_pages:
        tasks.cancel(timeouts.timeout_key(participant.id, page._index_in_pages))
        participant._timeout_page_index = None
        participant._timeout_expiration_time = None
        pages.start_timer(page)


def group_dropouts(page) -> list[int]:
    """id_in_group of the page's groupmates who dropped out (for wait pages: 'a member left')."""
    player = page.player
    Player = type(player)
    return sorted(current_session().scalars(
        select(Player.id_in_group).join(Participant, Player.participant_id == Participant.id)
        .where(Player.group_id == player.group_id, Participant.is_dropout.is_(True), Player.id != player.id)
    ))


# -- browser activity (its own unit of work: sockets and requests of any worker) ---------------


def record_request(participant: Participant) -> None:
    """A request of the participant's browser that shows they are there (a form post, a live message)."""
    participant._last_activity_at = time.time()


def socket_connected(code: str, page_index: int | None, connected: bool) -> None:
    """A page socket of this participant's browser connected (+1) or disconnected (-1).

    Counted for the participant's current page only (the count starts at 0 on each page), so
    a socket of the page they just left, closing late, or one a crashed worker never closed,
    cannot make a closed browser look open.
    """
    if page_index is None:
        return
    delta = 1 if connected else -1
    current = func.coalesce(Participant._browser_connections, 0)
    with unit_of_work() as db:
        db.execute(
            update(Participant).where(Participant.code == code, Participant._index_in_pages == page_index)
            .values(_browser_connections=case((current + delta < 0, 0), else_=current + delta))
            .execution_options(synchronize_session=False)
        )
