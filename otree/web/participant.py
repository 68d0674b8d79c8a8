"""Participant-facing HTTP routes: start links, pages, wait pages and the end page.

Every request is one or more units of work run in a worker thread (app code is
synchronous). A form submission commits in its own unit of work, holding only the
participant's row; arriving at a wait page then runs in a fresh one that locks the group
(see otree.waitpages for why this split makes exactly-once safe and deadlock-free).
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from otree import dropouts, pages, prolific, waitpages
from otree.db.core import Participant, Session
from otree.db.uow import current_session, run_read_mostly, unit_of_work
from otree.pages import Page, WaitPage, call_hook

from .online import prolific_error
from .rendering import build_form, render, render_page

REDIRECT = 302


def _not_found(message: str) -> HTMLResponse:
    return HTMLResponse(f"<!doctype html><title>Not found</title><h1>404</h1><p>{message}</p>", status_code=404)


def _participant(code: str, lock: bool = False) -> Participant | None:
    query = select(Participant).filter_by(code=code)
    if lock:
        query = query.with_for_update()
    return current_session().scalars(query).one_or_none()


def _retrying(fn, *args):
    """Run fn; retry a few times if PostgreSQL aborted it as a deadlock or serialization victim."""
    for attempt in range(5):
        try:
            return fn(*args)
        except DBAPIError as exc:
            code = getattr(getattr(exc, "orig", None), "sqlstate", None)
            if code not in ("40P01", "40001") or attempt == 4:
                raise
            time.sleep(0.01 * (attempt + 1))


# -- start links ------------------------------------------------------------------------


async def initialize_participant(request: Request) -> Response:
    code = request.path_params["code"]
    label = request.query_params.get("participant_label")
    try:
        arrival = prolific.read(request.query_params)
    except prolific.ProlificError as exc:
        return prolific_error(str(exc))
    return await run_in_threadpool(_retrying, _initialize, code, label, arrival)


def _initialize(code: str, label: str | None, arrival: dict | None = None) -> Response:
    with unit_of_work():
        participant = _participant(code, lock=True)
        if participant is None:
            return _not_found("This participant link is not valid.")
        prolific.apply(participant, arrival or {})
        skipped = pages.start(participant, label)
    _after_moving(code, skipped)
    return _to_current(code)


async def join_session(request: Request) -> Response:
    """Session-wide link: hand out the next participant who has not started yet."""
    anonymous_code = request.path_params["anonymous_code"]
    label = request.query_params.get("participant_label")
    return await run_in_threadpool(_retrying, _join, anonymous_code, label, request.query_params)


def _join(anonymous_code: str, label: str | None, query=None) -> Response:
    with unit_of_work() as db:
        session = db.scalars(select(Session).filter_by(_anonymous_code=anonymous_code)).one_or_none()
        if session is None:
            return _not_found("This session link is not valid.")
        try:
            arrival = prolific.read(query or {}, session.config)
        except prolific.ProlificError as exc:
            return prolific_error(str(exc))
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
            return render("otree/SessionFull.html", {}, status=404)
        participant.visited = True
        if label:
            participant.label = label
        code = participant.code
    params = "&".join(p for p in (urlencode({"participant_label": label}) if label else "",
                                  prolific.query_string(arrival)) if p)
    return RedirectResponse(f"/InitializeParticipant/{code}" + (f"?{params}" if params else ""), status_code=REDIRECT)


async def out_of_range(request: Request) -> Response:
    return await run_in_threadpool(_out_of_range, request.path_params["code"])


def _out_of_range(code: str) -> Response:
    with unit_of_work(readonly=True):
        participant = _participant(code)
        if participant is None:
            return _not_found("This participant link is not valid.")
        if pages.slot_of(participant) is not None or participant._index_in_pages < 1:
            return RedirectResponse(pages.current_url(participant), status_code=REDIRECT)
        completion = prolific.completion_url(participant)
        if completion:
            return RedirectResponse(completion, status_code=REDIRECT)
        return render("otree/OutOfRangeNotification.html", {"participant": participant})


# -- pages --------------------------------------------------------------------------------


async def page(request: Request) -> Response:
    params = request.path_params
    data = await request.form() if request.method == "POST" else None
    return await run_in_threadpool(
        _retrying, _page, params["participant_code"], params["name_in_url"], params["page_name"],
        params["page_index"], data,
    )


_WAIT_PAGE = object()  # _locate's answer for "this is a wait page": handled by _wait_page


def _locate(code: str, name_in_url: str, page_name: str, index: int, lock: bool):
    """The participant and the slot of the URL, or a Response (404, or a redirect to the current page)."""
    participant = _participant(code, lock=lock)
    if participant is None:
        return _not_found("This participant link is not valid."), None
    slot = pages.slot_of(participant)
    if (slot is None or slot.index != index or slot.name != page_name or slot.app.name_in_url != name_in_url
            or participant._index_in_pages < 1):
        # A stale, forged or replayed URL (back button, double submit): never applied twice.
        return RedirectResponse(pages.current_url(participant), status_code=REDIRECT), None
    return participant, slot


def _show(code: str, name_in_url: str, page_name: str, index: int):
    """GET of a page (in a read-mostly unit of work: showing a page rarely changes anything)."""
    participant, slot = _locate(code, name_in_url, page_name, index, lock=False)
    if slot is None:
        return participant
    if slot.is_wait_page:
        return _WAIT_PAGE
    page = pages.build_page(participant, slot)
    dropouts.welcome_back(page)
    return render_page(page)


def _page(code: str, name_in_url: str, page_name: str, index: int, data) -> Response:
    if data is None:
        shown = run_read_mostly(_show, code, name_in_url, page_name, index)
        return _wait_page(code, index) if shown is _WAIT_PAGE else shown
    if data.get(LEAVE_FIELD):
        return _leave(code, name_in_url, page_name, index)
    with unit_of_work():
        participant, slot = _locate(code, name_in_url, page_name, index, lock=True)
        if slot is None:
            return participant
        dropouts.record_request(participant)
        if slot.is_wait_page:
            return RedirectResponse(pages.current_url(participant), status_code=REDIRECT)
        outcome = _submit(pages.build_page(participant, slot), data)
        if isinstance(outcome, Response):
            return outcome
        # Where the submission led, as in oTree: if that is a wait page the member completes
        # now, the browser still passes through its URL (and is sent on from there).
        landed = pages.current_url(participant)
        on_wait_page = getattr(pages.slot_of(participant), "is_wait_page", False)
    if outcome or on_wait_page:  # only wait pages (skipped or landed on) need more work now
        _after_moving(code, outcome)
    return RedirectResponse(landed, status_code=REDIRECT)


LEAVE_FIELD = "otree_leave_wait_page"  # the wait page's "leave" button (otree.leaving)
BOT_DROPOUT_FIELD = "otree_dropout"  # a bot's timed-out Submission that simulates a dropout


def _leave(code: str, name_in_url: str | None, page_name: str | None, index: int) -> Response:
    """The participant pressed "leave" on a wait page: leave it if allowed, else back to their page.

    Without a URL's names (a bot past the maximum wait), the participant's current page at `index`.
    """
    from otree import leaving

    with unit_of_work():
        if name_in_url is None:
            current = pages.slot_of(_participant(code))
            name_in_url, page_name = (current.app.name_in_url, current.name) if current else ("", "")
        # No lock yet: leaving locks the group first, then the participant, as arriving does.
        participant, slot = _locate(code, name_in_url, page_name, index, lock=False)
        if slot is None or not slot.is_wait_page:
            return participant if slot is None else RedirectResponse(pages.current_url(participant), REDIRECT)
        skipped = leaving.leave(pages.build_page(participant, slot))
    if skipped is not None:
        _after_moving(code, skipped)
    return _to_current(code)


def _submit(page: Page, data, *, forced_timeout: bool = False):
    """Validate and apply a form submission; a Response when the page must be shown again.

    forced_timeout: the admin advanced the participant (otree.web.monitor): the page is
    submitted as timed out (data may be empty), without the proof _accept_timeout asks for.
    """
    participant = page.participant
    timeout_happened = forced_timeout or _accept_timeout(page, data)
    if timeout_happened and data and data.get(BOT_DROPOUT_FIELD) and _from_admin_or_bot(page, data):
        if dropouts.enabled(page):
            dropouts.mark(page)  # a bot simulating a closed browser (see otree.dropouts)
    form = build_form(page, data)  # a form even on pages without fields: error_message may apply
    if timeout_happened:
        form.validate()
        _fill_timeout_defaults(page, form)
    else:
        if form.validate():
            error = call_hook(page, "error_message", dict(form.cleaned_data), default=None)
            _apply_error_message(form, error)
        if form.has_errors():
            headers = {"oTree-Redisplay-With-Errors": "1"}
            if participant._is_bot:
                headers["oTree-Bot-Error-Fields"] = ",".join(form.errors)
            return render_page(page, form=form, headers=headers)
        if participant._is_bot and data.get("must_fail"):
            # A bot's SubmissionMustFail passed validation: report it and apply nothing.
            return render_page(page, form=form, headers={"oTree-Bot-Must-Fail-Passed": "1"})
    form.save()
    page.timeout_happened = timeout_happened
    call_hook(page, "before_next_page", timeout_happened, default=None, self_args=())
    pages.record_completion(page, timeout_happened)
    participant._timeout_expiration_time = None
    return pages.advance(page)


def _apply_error_message(form, error) -> None:
    """error_message may return a message for the whole form, or {field: message, '__all__': ...}."""
    if not error:
        return
    if isinstance(error, dict):
        for name, message in error.items():
            form.add_error(None if name == "__all__" else name, message)
    else:
        form.add_error(None, str(error))


def _accept_timeout(page: Page, data) -> bool:
    """timeout_happened is trusted only from the admin/bots (secret code) or close to the deadline."""
    if not data or not data.get("timeout_happened"):
        return False
    participant = page.participant
    if _from_admin_or_bot(page, data):
        return True
    deadline = participant._timeout_expiration_time
    return deadline is not None and deadline - time.time() < 2


def _from_admin_or_bot(page: Page, data) -> bool:
    return bool(data.get("admin_secret_code")) and data.get("admin_secret_code") == page.session._admin_secret_code


def _fill_timeout_defaults(page: Page, form) -> None:
    """On timeout, fields that are missing or invalid get timeout_submission values or type defaults."""
    submitted = dropouts.submission(page)
    fields = type(form.instance)._otree_fields
    for name in form.field_names:
        if name not in form.errors and form.cleaned_data.get(name) is not None:
            continue
        form.cleaned_data[name] = submitted[name] if name in submitted else _type_default(fields[name])
    form.errors.clear()


def _type_default(field):
    from otree.db.fields import BooleanField, CurrencyField, FloatField, IntegerField, StringField

    for kind, default in ((BooleanField, False), (CurrencyField, 0), (IntegerField, 0), (FloatField, 0.0),
                          (StringField, "")):
        if isinstance(field, kind):
            return default
    return None


# -- moving on ------------------------------------------------------------------------------


def _after_moving(code: str, skipped: list) -> None:
    """After a participant moved: complete wait pages they skipped, and the one they landed on."""
    for slot in skipped:
        with unit_of_work():
            participant = _participant(code)
            waitpages.complete_if_all_arrived(pages.build_page(participant, slot))
    while True:
        # Read-mostly: a member who is not the last to arrive only reads, so (on SQLite) the
        # check neither waits for nor holds the write lock; the last one completes the page.
        skipped = run_read_mostly(_arrive_and_leave, code)
        if skipped is None:
            return
        for slot in skipped:
            with unit_of_work():
                participant = _participant(code)
                waitpages.complete_if_all_arrived(pages.build_page(participant, slot))


def _arrive_and_leave(code: str):
    """If the participant is on a wait page that is complete, move them on; skipped waits, or None."""
    participant = _participant(code)
    slot = pages.slot_of(participant)
    if slot is None or not slot.is_wait_page:
        return None
    page = pages.build_page(participant, slot)
    if not waitpages.arrive(page):
        return None
    return _leave_wait_page(participant, page)


def _leave_wait_page(participant: Participant, page: WaitPage):
    db = current_session()
    # Locked: the participant's browser and the task loop may both try to move them on.
    index_now = db.scalar(select(Participant._index_in_pages).where(Participant.id == participant.id)
                          .with_for_update())
    if index_now != page._index_in_pages:
        return None  # another request of this participant already moved them on
    pages.record_completion(page)
    return pages.advance(page)


def _wait_page(code: str, index: int) -> Response:
    """GET of a wait page: move on if it is complete, else show it."""
    _after_moving(code, [])
    shown = run_read_mostly(_show_wait_page, code, index)
    if shown is _BOT_LEAVES:
        # Bots cannot press the leave button: past the maximum wait they leave, so that a bot
        # session (`otree test`) never hangs on a wait page nobody else will reach.
        return _leave(code, None, None, index)
    return shown


_BOT_LEAVES = object()  # _show_wait_page's answer for "a bot past the maximum wait: leave"


def _show_wait_page(code: str, index: int) -> Response:
    participant = _participant(code)
    slot = pages.slot_of(participant)
    if slot is None or slot.index != index:
        return RedirectResponse(pages.current_url(participant), status_code=REDIRECT)
    page = pages.build_page(participant, slot)
    if participant._is_bot:
        from otree.leaving import seconds_until_leave

        if seconds_until_leave(page) == 0:
            return _BOT_LEAVES
    dropouts.welcome_back(page)
    return render_page(page)


def _to_current(code: str) -> Response:
    with unit_of_work(readonly=True):
        participant = _participant(code)
        return RedirectResponse(pages.current_url(participant), status_code=REDIRECT)


async def trailing_slash(request: Request) -> Response:
    # 307 like Starlette's own slash redirect (which oTree relies on): a POST stays a POST.
    url = request.url
    return RedirectResponse(str(url.replace(path=url.path.rstrip("/"))), status_code=307)


async def not_found(request: Request, exc) -> Response:
    return PlainTextResponse("Not Found", status_code=404)
