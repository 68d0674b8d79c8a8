"""Participant-facing HTTP routes: start links, pages, wait pages and the end page.

Each view turns its request into one call of the page flow (otree.flow), which holds the
rules and opens its own units of work, and turns the flow's answer (an `Outcome`) into a
response with `respond`. The `@endpoint` wrapper runs the view on a worker thread (app
code is synchronous) and runs it again if PostgreSQL aborted it as a deadlock victim.
"""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from otree import flow

from .endpoints import NotFound, endpoint
from .online import prolific_error
from .rendering import render, render_page

REDIRECT = 302


def respond(outcome: flow.Outcome) -> Response:
    """The response for an outcome of the page flow (called inside the unit of work that made it)."""
    if isinstance(outcome, flow.ShowPage):
        return render_page(outcome.page, form=outcome.form, headers=outcome.headers)
    if isinstance(outcome, flow.GoTo):
        # Returned, not raised: a redirect after a write (a POST to a stale URL counts as activity)
        # must commit it.
        return RedirectResponse(outcome.url, status_code=REDIRECT)
    if isinstance(outcome, flow.Missing):
        raise NotFound(outcome.message)
    if isinstance(outcome, flow.Finished):
        return render("otree/OutOfRangeNotification.html", {"participant": outcome.participant})
    if isinstance(outcome, flow.SessionFull):
        return render("otree/SessionFull.html", {}, status=404)
    if isinstance(outcome, flow.Refused):
        return prolific_error(outcome.message)
    raise TypeError(f"Not an outcome of the page flow: {outcome!r}")


# The flow opens its own units of work (a submission, then the wait pages it leads to), so
# the endpoints open none (db=None).


@endpoint(db=None, form=False)
def initialize_participant(request: Request, form: FormData | None) -> Response:
    query = request.query_params
    return flow.start(request.path_params["code"], query.get("participant_label"), query, respond)


@endpoint(db=None, form=False)
def join_session(request: Request, form: FormData | None) -> Response:
    """Session-wide link: hand out the next participant who has not started yet."""
    query = request.query_params
    return flow.join(request.path_params["anonymous_code"], query.get("participant_label"), query, respond)


@endpoint(db=None, form=False)
def out_of_range(request: Request, form: FormData | None) -> Response:
    return flow.out_of_range(request.path_params["code"], respond)


@endpoint(db=None)
def page(request: Request, form: FormData | None) -> Response:
    params = request.path_params
    where = (params["participant_code"], params["name_in_url"], params["page_name"], params["page_index"])
    if form is None:
        return flow.open_page(*where, respond)
    return flow.submit_page(*where, form, respond)


async def trailing_slash(request: Request) -> Response:
    # 307 like Starlette's own slash redirect (which oTree relies on): a POST stays a POST.
    url = request.url
    return RedirectResponse(str(url.replace(path=url.path.rstrip("/"))), status_code=307)


async def not_found(request: Request, exc) -> Response:
    return PlainTextResponse("Not Found", status_code=404)
