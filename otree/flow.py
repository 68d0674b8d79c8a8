"""Page flow: what a participant's request, a page timeout or the admin's "advance" does.

The rules of moving through a session live here, free of HTTP: submitting a page (form
validation, error_message, timeouts and their defaults, before_next_page), arriving at and
leaving wait pages, start links, and advancing. The web layer (otree.web.participant) only
turns requests into calls of this module and its answers into responses; the task loop
(otree.web.timeout_tasks) and the session monitor's "advance" (otree.web.monitor) call the
same functions, so a timeout is applied the same way whoever applies it.

What the participant is to see is answered as an `Outcome` (show this page with this form,
go to this URL, no such participant, ...). Functions that answer with a page take a
`present(outcome)` callback and return what it returns: a page's objects belong to the
unit of work that loaded them, so `present` is called inside it, exactly once.

Units of work: a form submission commits in its own unit of work, holding only the
participant's row; arriving at a wait page then runs in a fresh one that locks the group
(see otree.waitpages for why this split makes exactly-once safe and deadlock-free).
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar
from urllib.parse import urlencode

from sqlalchemy import bindparam, select

from otree import dropouts, leaving, pages, prolific, tasks, waitpages
from otree import monitor  # noqa: F401  (see below)
from otree.channels import group_send_sync
from otree.db.core import Participant, Session
from otree.db.uow import about_to_write, current_session, run_read_mostly, unit_of_work
from otree.forms import Form
from otree.pages import BasePage, Page, Slot, WaitPage, call_hook

# otree.monitor is imported for its listener of "participant_moved" (otree.events): every
# process that moves participants goes through this module, so the monitor always hears of it.

LEAVE_FIELD = "otree_leave_wait_page"  # the wait page's "leave" button (otree.leaving)
BOT_DROPOUT_FIELD = "otree_dropout"  # a bot's timed-out Submission that simulates a dropout

R = TypeVar("R")


# -- outcomes ---------------------------------------------------------------------------------


class Outcome:
    """What the participant is to see next."""


@dataclass(frozen=True)
class ShowPage(Outcome):
    """Show this page (with this form; a form page shown again with its errors carries headers for bots)."""

    page: BasePage
    form: Form | None = None
    headers: dict[str, str] | None = None


@dataclass(frozen=True)
class GoTo(Outcome):
    """Send the browser to this URL (their current page, usually)."""

    url: str


@dataclass(frozen=True)
class Missing(Outcome):
    """The link names no participant (or session)."""

    message: str


@dataclass(frozen=True)
class Finished(Outcome):
    """The participant is past the last page."""

    participant: Participant


@dataclass(frozen=True)
class SessionFull(Outcome):
    """A session-wide link, and every participant of the session has started."""


@dataclass(frozen=True)
class Refused(Outcome):
    """A start link with bad Prolific parameters."""

    message: str


@dataclass(frozen=True)
class Moved:
    """A page was submitted and the participant moved on; the wait pages skipped on the way."""

    skipped: list[Slot] = field(default_factory=list)


Present = Callable[[Outcome], R]

# Internal answers of the read-mostly steps (never given to `present`).
_BOT_LEAVES = object()  # "a bot past the maximum wait: leave"


@dataclass(frozen=True)
class _Landing:
    """Where a move left a participant, read before its unit of work ends (see _landing)."""

    url: str
    skipped: list[Slot]  # the wait pages passed on the way
    on_wait_page: bool
    probe: waitpages.ArrivalProbe | None = None  # of the wait page landed on (not group_by_arrival_time)

    def follow_up(self, code: str) -> None:
        """After the commit: only wait pages (skipped, or landed on) need more work now."""
        if not (self.skipped or self.on_wait_page):
            return
        if not self.skipped and self.probe is not None:
            # Most arrivals are not the last: two plain SELECTs tell, instead of loading the
            # participant and their player again for `arrive`.
            with unit_of_work(readonly=True):
                if waitpages.still_waiting(self.probe):
                    return
            # Complete (or completing now): the participant moves on, a write, so no read attempt.
            after_moving(code, [], write_first=True)
            return
        after_moving(code, self.skipped)


def _landing(participant: Participant, skipped: list[Slot]) -> _Landing:
    """Where `participant` is now, after a move that skipped these wait pages."""
    url = pages.current_url(participant)
    slot = pages.slot_of(participant)
    if slot is None or not slot.is_wait_page:
        return _Landing(url, skipped, False)
    # The landed page was built when settling on it: its player is loaded, this costs no query.
    return _Landing(url, skipped, True, waitpages.probe_of(_wait_page(participant, slot)))


# -- participants --------------------------------------------------------------------------------


def find_participant(code: str, lock: bool = False) -> Participant | None:
    """The participant with this code in the current unit of work (lock: SELECT ... FOR UPDATE)."""
    return _participant_where("code", code, lock)


# Key in a unit of work's Session.info: participants it has locked already, by id.
_LOCKED_PARTICIPANTS = "otree_locked_participants"


def _locked(participant_id: int) -> Participant | None:
    locked = current_session().info.get(_LOCKED_PARTICIPANTS, {})
    if participant_id in locked:
        return locked[participant_id]
    return _participant_where("id", participant_id, lock=True)


def lock_participants(participant_ids: list[int]) -> None:
    """Lock these participants' rows (with their sessions and current players) in a few queries.

    The task loop's batches call this before timing out each participant; their `_locked`
    lookups then find them without a query each. Rows are locked in id order, so that two
    batches never wait for each other in a circle.
    """
    db = current_session()
    query = (select(Participant, Session).join(Session, Session.id == Participant.session_id)
             .where(Participant.id.in_(participant_ids)).order_by(Participant.id)
             .with_for_update(of=Participant))
    found = [row[0] for row in db.execute(query)]
    db.info.setdefault(_LOCKED_PARTICIPANTS, {}).update((p.id, p) for p in found)
    pages.preload_players(found)


def _participant_where(column: str, value: Any, lock: bool) -> Participant | None:
    """The participant whose `column` is `value`, with their session in the same SELECT.

    Every page needs the session (its config names the apps), and once it is in the identity
    map, `participant.session` costs no second query.
    """
    row = current_session().execute(_participant_query(column, lock), {"value": value}).one_or_none()
    return None if row is None else row[0]


@functools.cache
def _participant_query(column: str, lock: bool) -> Any:
    # Built once: a statement is immutable, and SQLAlchemy remembers a built statement's cache
    # key, which it computes again (with the construction) for every new one. Half the cost of
    # this lookup, the commonest statement of all, was building it.
    query = (select(Participant, Session).join(Session, Session.id == Participant.session_id)
             .where(getattr(Participant, column) == bindparam("value")))
    if lock:
        query = query.with_for_update(of=Participant)  # the participant's row only, not the session's
    return query


def _found(code: str) -> Participant:
    """The participant of a code this request (or the unit of work that scheduled it) already found.

    Participants are only ever deleted with their whole session, so the code still names one.
    """
    participant = find_participant(code)
    assert participant is not None, f"participant {code!r} was found before"
    return participant


def _wait_page(participant: Participant, slot: Slot) -> WaitPage:
    """The page of a wait page's slot (slot.is_wait_page: its class is a WaitPage)."""
    page = pages.build_page(participant, slot)
    assert isinstance(page, WaitPage), f"{slot.name} is a wait page"
    return page


def _form_page(participant: Participant, slot: Slot) -> Page:
    """The page of a slot that is not a wait page: a Page, since apps' pages subclass Page or WaitPage."""
    page = pages.build_page(participant, slot)
    assert isinstance(page, Page), f"{slot.name} is a Page"
    return page


def _locate(code: str, name_in_url: str, page_name: str, index: int, lock: bool) -> tuple[Participant, Slot] | Outcome:
    """The participant and the slot of a page URL, or the outcome for a bad one."""
    participant = find_participant(code, lock=lock)
    if participant is None:
        return Missing("This participant link is not valid.")
    slot = pages.slot_of(participant)
    if (slot is None or slot.index != index or slot.name != page_name or slot.app.name_in_url != name_in_url
            or participant._index_in_pages < 1):
        # A stale, forged or replayed URL (back button, double submit): never applied twice.
        return GoTo(pages.current_url(participant))
    return participant, slot


def current_page(code: str, present: Present[R]) -> R:
    """Send the participant to where they are now (read in a fresh unit of work)."""
    with unit_of_work(readonly=True):
        return present(GoTo(pages.current_url(_found(code))))


# -- start links ---------------------------------------------------------------------------------


def start(code: str, label: str | None, query: Any, present: Present[R]) -> R:
    """A participant's start link: mark them started, then on to their first page."""
    try:
        arrival = prolific.read(query)
    except prolific.ProlificError as exc:
        return present(Refused(str(exc)))
    with unit_of_work():
        participant = find_participant(code, lock=True)
        if participant is None:
            return present(Missing("This participant link is not valid."))
        prolific.apply(participant, arrival or {})
        landing = _landing(participant, pages.start(participant, label))
    # As after a submission: the browser passes through the URL it landed on (a complete
    # wait page sends it on).
    landing.follow_up(code)
    return present(GoTo(landing.url))


def join(anonymous_code: str, label: str | None, query: Any, present: Present[R]) -> R:
    """A session-wide link: hand out the next participant who has not started yet."""
    with unit_of_work() as db:
        session = db.scalars(select(Session).filter_by(_anonymous_code=anonymous_code)).one_or_none()
        if session is None:
            return present(Missing("This session link is not valid."))
        try:
            arrival = prolific.read(query or {}, session.config)
        except prolific.ProlificError as exc:
            return present(Refused(str(exc)))
        # The same Prolific participant, opening the link again, gets the same participant back.
        label = label or arrival.get("PROLIFIC_PID")
        base = select(Participant).filter_by(session_id=session.id)
        participant = None
        if label:
            participant = db.scalars(base.filter_by(label=label)).first()
        if participant is None:
            # SKIP LOCKED: two people opening the link at once never get the same participant.
            participant = db.scalars(
                base.filter_by(visited=False).order_by(Participant.id_in_session).limit(1)
                .with_for_update(skip_locked=True)
            ).first()
        if participant is None:
            return present(SessionFull())
        participant.visited = True
        if label:
            participant.label = label
        code = participant.code
    params = "&".join(p for p in (urlencode({"participant_label": label}) if label else "",
                                  prolific.query_string(arrival)) if p)
    return present(GoTo(f"/InitializeParticipant/{code}" + (f"?{params}" if params else "")))


def out_of_range(code: str, present: Present[R]) -> R:
    """The page past the last one: Prolific's completion link, or the "finished" page."""
    with unit_of_work(readonly=True):
        participant = find_participant(code)
        if participant is None:
            return present(Missing("This participant link is not valid."))
        if pages.slot_of(participant) is not None or participant._index_in_pages < 1:
            return present(GoTo(pages.current_url(participant)))
        completion = prolific.completion_url(participant)
        if completion:
            return present(GoTo(completion))
        return present(Finished(participant))


# -- showing pages -------------------------------------------------------------------------------


def open_page(code: str, name_in_url: str, page_name: str, index: int, present: Present[R]) -> R:
    """GET of a page URL: the page, or (a wait page) move on if it is complete, else show it."""
    shown = run_read_mostly(_open, code, name_in_url, page_name, index, present)
    if shown is _BOT_LEAVES:
        # Bots cannot press the leave button: past the maximum wait they leave, so that a bot
        # session (`otree test`) never hangs on a wait page nobody else will reach.
        return leave_wait_page(code, None, None, index, present)
    if isinstance(shown, _Landing):  # the wait page was complete: moved on, as after a submission
        shown.follow_up(code)
        return present(GoTo(shown.url))
    return shown


def _open(code: str, name_in_url: str, page_name: str, index: int, present: Present[R]) -> Any:
    # In a read-mostly unit of work: showing a page rarely changes anything.
    located = _locate(code, name_in_url, page_name, index, lock=False)
    if isinstance(located, Outcome):
        return present(located)
    participant, slot = located
    if slot.is_wait_page:
        return _at_wait_page(participant, _wait_page(participant, slot), present)
    page = pages.build_page(participant, slot)
    dropouts.welcome_back(page)
    return present(ShowPage(page, form_for(page)))


def _at_wait_page(participant: Participant, page: WaitPage, present: Present[R]) -> Any:
    """A wait page's GET, in the unit of work that found the participant: leave it if complete, else show it.

    One unit of work for the whole visit: a member who is not the last to arrive only reads
    (on SQLite neither waiting for nor holding the write lock), and the last one's attempt
    is run again with the write lock, where it completes the page and moves on.
    """
    if waitpages.arrive(page):
        skipped = _leave_completed_wait_page(participant, page)
        if skipped is None:  # another request of theirs moved them on, and did the rest
            return _Landing(pages.current_url(participant), [], False)
        return _landing(participant, skipped)
    if participant._is_bot and leaving.seconds_until_leave(page) == 0:
        return _BOT_LEAVES
    dropouts.welcome_back(page)
    return present(ShowPage(page))


def form_for(page: BasePage, data: Any = None) -> Form:
    """The form of a page (the model and fields it edits: otree.pages.form_target), with posted data."""
    instance, fields = pages.form_target(page)
    if not fields:
        return Form(instance, [], page._app, data)
    # Self-format apps may define <field>_min/_max/_choices/_error_message on the page too
    # (oTree looks on the page first, then on the model); no-self pages never had them.
    return Form(instance, fields, page._app, data, page=None if page._app.is_noself else page)


# -- submitting pages ----------------------------------------------------------------------------


def submit_page(code: str, name_in_url: str, page_name: str, index: int, data: Any, present: Present[R]) -> R:
    """POST of a page URL: apply the submission (or the wait page's "leave"), then where it led."""
    if data.get(LEAVE_FIELD):
        return leave_wait_page(code, name_in_url, page_name, index, present)
    with unit_of_work():
        located = _locate(code, name_in_url, page_name, index, lock=True)
        if isinstance(located, Outcome):
            return present(located)
        participant, slot = located
        if slot.is_wait_page:
            dropouts.record_request(participant)
            return present(GoTo(pages.current_url(participant)))
        page = _form_page(participant, slot)
        # After loading the page's player: that SELECT would otherwise flush this change alone.
        dropouts.record_request(participant)
        result = submit(page, data)
        if isinstance(result, ShowPage):
            return present(result)
        # Where the submission led, as in oTree: if that is a wait page the member completes
        # now, the browser still passes through its URL (and is sent on from there).
        landing = _landing(participant, result.skipped)
    landing.follow_up(code)
    return present(GoTo(landing.url))


def submit(page: Page, data: Any, *, forced_timeout: bool = False) -> ShowPage | Moved:
    """Validate and apply a form submission: the page to show again (with errors), or Moved.

    forced_timeout: the admin or the task loop advanced the participant: the page is
    submitted as timed out (data may be empty), without the proof accept_timeout asks for.
    """
    participant = page.participant
    timeout_happened = forced_timeout or accept_timeout(page, data)
    if timeout_happened and data and data.get(BOT_DROPOUT_FIELD) and from_admin_or_bot(page, data):
        if dropouts.enabled(page):
            dropouts.mark(page)  # a bot simulating a closed browser (see otree.dropouts)
    form = form_for(page, data)  # a form even on pages without fields: error_message may apply
    if timeout_happened:
        form.validate()
        fill_timeout_defaults(page, form)
    else:
        if form.validate():
            error = call_hook(page, "error_message", dict(form.cleaned_data), default=None)
            _apply_error_message(form, error)
        if form.has_errors():
            headers = {"oTree-Redisplay-With-Errors": "1"}
            if participant._is_bot:
                headers["oTree-Bot-Error-Fields"] = ",".join(form.errors)
            return ShowPage(page, form, headers)
        if participant._is_bot and data.get("must_fail"):
            # A bot's SubmissionMustFail passed validation: report it and apply nothing.
            return ShowPage(page, form, {"oTree-Bot-Must-Fail-Passed": "1"})
    form.save()
    page.timeout_happened = timeout_happened
    call_hook(page, "before_next_page", timeout_happened, default=None, self_args=())
    pages.record_completion(page, timeout_happened)
    participant._timeout_expiration_time = None
    return Moved(pages.advance(page))


def _apply_error_message(form: Form, error: Any) -> None:
    """error_message may return a message for the whole form, or {field: message, '__all__': ...}."""
    if not error:
        return
    if isinstance(error, dict):
        for name, message in error.items():
            form.add_error(None if name == "__all__" else name, message)
    else:
        form.add_error(None, str(error))


def accept_timeout(page: BasePage, data: Any) -> bool:
    """timeout_happened is trusted only from the admin/bots (secret code) or close to the deadline."""
    if not data or not data.get("timeout_happened"):
        return False
    if from_admin_or_bot(page, data):
        return True
    deadline = page.participant._timeout_expiration_time
    return deadline is not None and deadline - time.time() < 2


def from_admin_or_bot(page: BasePage, data: Any) -> bool:
    """Whether the submission carries the session's admin secret (the admin's tools and bots do)."""
    return bool(data.get("admin_secret_code")) and data.get("admin_secret_code") == page.session._admin_secret_code


def fill_timeout_defaults(page: BasePage, form: Form) -> None:
    """On timeout, fields that are missing or invalid get timeout_submission values or type defaults."""
    submitted = dropouts.submission(page)
    fields = type(form.instance)._otree_fields
    for name in form.field_names:
        if name not in form.errors and form.cleaned_data.get(name) is not None:
            continue
        form.cleaned_data[name] = submitted[name] if name in submitted else fields[name].timeout_default()
    form.errors.clear()


# -- wait pages ------------------------------------------------------------------------------------


def leave_wait_page(code: str, name_in_url: str | None, page_name: str | None, index: int,
                    present: Present[R]) -> R:
    """The participant pressed "leave" on a wait page: leave it if allowed, else back to their page.

    Without a URL's names (a bot past the maximum wait), the participant's current page at `index`.
    """
    with unit_of_work():
        if name_in_url is None:
            current = pages.slot_of(_found(code))
            name_in_url, page_name = (current.app.name_in_url, current.name) if current else ("", "")
        # No lock yet: leaving locks the group first, then the participant, as arriving does.
        located = _locate(code, name_in_url, page_name or "", index, lock=False)
        if isinstance(located, Outcome):
            return present(located)
        participant, slot = located
        if not slot.is_wait_page:
            return present(GoTo(pages.current_url(participant)))
        skipped = leaving.leave(_wait_page(participant, slot))
    if skipped is not None:
        after_moving(code, skipped)
    return current_page(code, present)


def after_moving(code: str, skipped: list[Slot], write_first: bool = False) -> None:
    """After a participant moved (and that committed): complete the wait pages they skipped, and
    the one they landed on, moving them on from it if it is complete; each in its own unit of work.

    write_first: the landed page is known to be complete or completing (ArrivalProbe): check it
    in a writing unit of work at once.
    """
    _complete_skipped(code, skipped)
    while True:
        if write_first:
            write_first = False
            with unit_of_work():
                landing = arrive_and_leave(code, looked=True)
        else:
            # Read-mostly: a member who is not the last to arrive only reads, so (on SQLite) the
            # check neither waits for nor holds the write lock; the last one completes the page.
            landing = run_read_mostly(arrive_and_leave, code)
        if landing is None:
            return
        _complete_skipped(code, landing.skipped)
        if not landing.on_wait_page:
            return  # moved on to a page with nothing to wait for


def _complete_skipped(code: str, skipped: list[Slot]) -> None:
    for slot in skipped:
        with unit_of_work():
            participant = _found(code)
            waitpages.complete_if_all_arrived(_wait_page(participant, slot))  # skipped: only wait pages


def arrive_and_leave(code: str, looked: bool = False) -> _Landing | None:
    """If the participant is on a wait page that is complete, move them on: where they landed
    (and the waits they skipped), or None if they stay (or were not on a wait page).

    looked: an ArrivalProbe of the page has just found it complete or completing.
    """
    participant = _found(code)
    slot = pages.slot_of(participant)
    if slot is None or not slot.is_wait_page:
        return None
    page = _wait_page(participant, slot)
    if not waitpages.arrive(page, looked=looked):
        return None
    skipped = _leave_completed_wait_page(participant, page)
    return None if skipped is None else _landing(participant, skipped)


# Built once, like _participant_query: every completed wait page's leaver runs it.
_INDEX_FOR_UPDATE = (select(Participant._index_in_pages).where(Participant.id == bindparam("participant_id"))
                     .with_for_update())


def _leave_completed_wait_page(participant: Participant, page: WaitPage) -> list[Slot] | None:
    # Leaving writes: a read attempt (the GET of a woken waiter) stops here, before the lock's SELECT.
    about_to_write()
    db = current_session()
    # Locked: the participant's browser and the task loop may both try to move them on.
    index_now = db.scalar(_INDEX_FOR_UPDATE, {"participant_id": participant.id})
    if index_now != page._index_in_pages:
        return None  # another request of this participant already moved them on
    pages.record_completion(page)
    return pages.advance(page)


# -- timeouts and advancing ----------------------------------------------------------------------


def auto_advance_channel(participant_code: str) -> str:
    """The channel a form page's browser listens on, to reload when the server moved the participant."""
    return f"auto-advance-{participant_code}"


def time_out(participant: Participant) -> bool:
    """Move a participant (whose row the caller locked) one page on, as a timeout; False if finished.

    The one path of a page timeout (the task loop) and of the admin's "advance". A form page
    is submitted as timed out; a wait page is left for this participant only (it still
    completes, and runs after_all_players_arrive, when the rest of the group arrives). Wait
    pages they reach are handled, and their open browser told to reload, after the unit of
    work commits.
    """
    slot = pages.slot_of(participant)
    if slot is None or participant._index_in_pages < 1:
        return False
    code = participant.code
    if slot.is_wait_page:
        page = _wait_page(participant, slot)
        pages.record_completion(page, timeout_happened=True)
        skipped = pages.advance(page)
        channel, message = waitpages.channel_of(page), {"type": "wait_page.ready", "status": "ready"}
    else:
        moved = submit(_form_page(participant, slot), {}, forced_timeout=True)
        assert isinstance(moved, Moved)  # a timed-out submission is never shown again
        skipped = moved.skipped
        channel, message = auto_advance_channel(code), {"type": "auto_advanced"}
    landing = _landing(participant, skipped)

    # Wait pages first, so the browser's reload finds the participant where they end up.
    def follow_up() -> None:
        try:
            landing.follow_up(code)
        finally:
            group_send_sync(channel, message)

    tasks.then(follow_up)
    return True


def advance(code: str, from_index: int | None = None) -> bool:
    """Move one participant one page on, as a timeout would (its own unit of work); False if nothing to do.

    from_index: only if they are still on that page (a click on stale information, two
    admins clicking at once, or the task loop timing the page out meanwhile, never moves
    anyone twice: all of them lock the participant's row and check the position).
    """
    with unit_of_work():
        participant = find_participant(code, lock=True)
        if participant is None or participant._index_in_pages < 1:
            return False
        if from_index is not None and participant._index_in_pages != from_index:
            return False
        return time_out(participant)


# A deadline this close counts as passed (clocks of machines sharing the database differ a little).
DEADLINE_TOLERANCE_S = 0.05


def enforce_timeout(participant_id: int, page_index: int) -> float | None:
    """A page's deadline task (in the caller's unit of work): time the page out if it is due.

    Returns when to run again (the deadline, if not reached yet), or None. Whichever of the
    task loop, the browser's own submission or an admin comes second finds the participant
    moved on (their row is locked and their position checked) and does nothing.
    """
    participant = _locked(participant_id)
    index = page_index
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


def move_waiters_on(participant_ids: list[int], page_index: int) -> None:
    """A wait page completed: move those of these members still on it on, after this unit of work commits."""
    codes = current_session().scalars(
        select(Participant.code).where(Participant.id.in_(participant_ids), Participant._index_in_pages == page_index)
    ).all()
    for code in codes:
        tasks.then(functools.partial(after_moving, code, []))  # bound now, not when the loop has moved on
