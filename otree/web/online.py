"""Participant pages of online studies: a clear page for bad Prolific links, and the page
shown to group_by_arrival_time waiters who did not answer "Are you still there?"."""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from .rendering import render

# Only a participant page of this site (never another host) is a place to return to.
_RETURN_URL = re.compile(r"^/p/[a-z0-9]+/[A-Za-z0-9_]+/[A-Za-z0-9_]+/\d+$")


def prolific_error(message: str) -> HTMLResponse:
    return render("otree/ProlificError.html", {"message": message}, status=400)


async def gbat_inactive(request: Request) -> Response:
    return_url = request.query_params.get("return_url", "")
    if not _RETURN_URL.match(return_url):
        return_url = None
    return render("otree/GBATInactive.html", {"return_url": return_url})
