"""HTTP tests of the participant web flow, driven in-process through httpx's ASGI transport.

`Web` is a small synchronous client (pytest-asyncio is not used): each request runs the
Starlette app in its own event loop; `Web.concurrently` sends several requests at once.
"""

from __future__ import annotations

import asyncio
import json
import re
from urllib.parse import urlsplit

import httpx

BASE_URL = "http://testserver"


class Web:
    """A browser-like client of one app (no redirects followed unless asked)."""

    def __init__(self, app):
        self.app = app

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url=BASE_URL)

    def request(self, method: str, url: str, **kwargs) -> httpx.Response:
        async def go():
            async with self._client() as client:
                return await client.request(method, url, **kwargs)

        return asyncio.run(go())

    def get(self, url: str, **kwargs) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, data=None, **kwargs) -> httpx.Response:
        return self.request("POST", url, data=data if data is not None else {}, **kwargs)

    def concurrently(self, *requests: tuple) -> list[httpx.Response]:
        """Send (method, url, kwargs) requests at the same time; responses in the same order."""

        async def go():
            async with self._client() as client:
                return await asyncio.gather(*(client.request(m, u, **kw) for m, u, kw in requests))

        return asyncio.run(go())

    def follow(self, url: str, max_hops: int = 20) -> tuple[str, httpx.Response]:
        """GET url and follow redirects; (final path, final response)."""
        for _ in range(max_hops):
            response = self.get(url)
            if response.status_code not in (301, 302, 303, 307, 308):
                return url, response
            url = location(response)
        raise AssertionError(f"too many redirects, last {url}")

    def start(self, code: str, **params) -> str:
        """Open the participant's start link; the path of the page it redirects to."""
        response = self.get(f"/InitializeParticipant/{code}", params=params)
        assert response.status_code == 302, response.text
        return location(response)

    def submit(self, url: str, data=None) -> httpx.Response:
        """Show the page (the participant must be on it), POST it expecting success; the redirect response."""
        shown = self.get(url)
        assert shown.status_code == 200, f"not on {url}: {shown.status_code} {shown.headers.get('location')}"
        assert "oTree-Wait-Page" not in shown.headers, f"{url} is a wait page"
        response = self.post(url, data)
        assert response.status_code == 302, _errors(response)
        assert location(response) != url
        return response


def location(response: httpx.Response) -> str:
    """The path (and query) a redirect points to, without scheme and host."""
    parts = urlsplit(response.headers["location"])
    return parts.path + (f"?{parts.query}" if parts.query else "")


def page_url(code: str, name_in_url: str, page: str, index: int) -> str:
    return f"/p/{code}/{name_in_url}/{page}/{index}"


def js_vars(html: str) -> dict:
    match = re.search(r"var js_vars = (.*?);</script>", html, re.S)
    assert match, "no `var js_vars = ...` in the page"
    return json.loads(match.group(1))


def field_error(html: str, name: str) -> str | None:
    """The error shown under field `name` (None if none)."""
    block = _field_block(html, name)
    match = re.search(r'<div class="form-control-errors">(.*?)</div>', block, re.S)
    return match.group(1).strip() if match else None


def _field_block(html: str, name: str) -> str:
    start = html.find(f'id="id_{name}"')
    assert start != -1, f"field {name} is not in the page"
    block_start = html.rfind('<div class="mb-3 _formfield">', 0, start)
    end = html.find('<div class="mb-3 _formfield">', start)
    return html[block_start:end if end != -1 else len(html)]


def form_error(html: str) -> str | None:
    """The alert at the top of the form ("Please fix the errors." or the non-field error)."""
    match = re.search(r'<div class="otree-form-errors[^"]*">(.*?)</div>', html, re.S)
    return match.group(1).strip() if match else None


def _errors(response: httpx.Response) -> str:
    if response.status_code == 200:
        return f"page shown again: {form_error(response.text)!r}; " + "; ".join(
            m.strip() for m in re.findall(r'<div class="form-control-errors">(.*?)</div>', response.text, re.S)
        )
    return f"{response.status_code}: {response.text[:500]}"


def player_values(code: str, app_name: str, round_number: int, *fields: str) -> dict:
    """Stored values of a participant's player (None where a field has no value)."""
    from sqlalchemy import select

    from otree.db import unit_of_work
    from otree.db.core import Participant
    from otree.project import get_project

    Player = get_project().apps[app_name].Player
    with unit_of_work(readonly=True) as db:
        participant = db.scalars(select(Participant).filter_by(code=code)).one()
        player = db.scalars(select(Player).filter_by(participant_id=participant.id, round_number=round_number)).one()
        return {name: player.field_maybe_none(name) for name in fields}


# -- the `flow` test project ------------------------------------------------------------------------

ANSWERS = {
    # (participant 1 = id_in_group 1, participant 2) per round; numbers within number_min/_max
    1: (dict(number=11, animal="dog", word="one", low=1, high=2),
        dict(number=21, animal="cat", word="two", low=3, high=9)),
    2: (dict(number=12, animal="emu", word="three", low=1, high=2),
        dict(number=22, animal="yak", word="four", low=5, high=6)),
}


def play_flow(web: Web, p1: str, p2: str) -> dict[str, list[str]]:
    """Play the `flow` session's two participants to the end; p2 starts with the label 'jumper'.

    Round 1: player 2 answers first and waits on Sync (a wait page player 1 does not see)
    until player 1 answers. Round 2: player 1 goes first and waits on ResultsWait.
    Returns every distinct URL each participant was sent to, in order.
    """
    seen: dict[str, list[str]] = {p1: [], p2: []}

    def at(code: str, response: httpx.Response) -> None:
        url = location(response)
        while True:
            if not seen[code] or seen[code][-1] != url:
                seen[code].append(url)
            # A browser loads where it was sent: a wait page already complete sends it on.
            followed = web.get(url)
            if followed.status_code != 302:
                return
            url = location(followed)

    at(p1, web.get(f"/InitializeParticipant/{p1}"))
    at(p2, web.get(f"/InitializeParticipant/{p2}", params={"participant_label": "jumper"}))
    at(p1, web.submit(f"/p/{p1}/hooks/Welcome/1"))
    at(p2, web.submit(f"/p/{p2}/hooks/Welcome/1"))
    at(p2, web.submit(f"/p/{p2}/hooks/Answer/3", ANSWERS[1][1]))
    waiting = web.get(f"/p/{p2}/hooks/Sync/4")
    assert waiting.status_code == 200 and waiting.headers.get("oTree-Wait-Page") == "1"
    at(p1, web.submit(f"/p/{p1}/hooks/Answer/3", ANSWERS[1][0]))
    at(p2, web.get(f"/p/{p2}/hooks/Sync/4"))
    at(p1, web.submit(f"/p/{p1}/hooks/Decide/5", dict(plan="share")))
    at(p2, web.get(f"/p/{p2}/hooks/ResultsWait/6"))
    at(p1, web.submit(f"/p/{p1}/hooks/Results/7"))
    at(p1, web.submit(f"/p/{p1}/hooks/Answer/10", ANSWERS[2][0]))
    at(p1, web.submit(f"/p/{p1}/hooks/Decide/12", dict(plan="keep")))
    waiting = web.get(f"/p/{p1}/hooks/ResultsWait/13")
    assert waiting.status_code == 200 and waiting.headers.get("oTree-Wait-Page") == "1"
    at(p2, web.submit(f"/p/{p2}/hooks/Results/7"))
    at(p2, web.submit(f"/p/{p2}/hooks/Answer/10", ANSWERS[2][1]))
    at(p1, web.get(f"/p/{p1}/hooks/ResultsWait/13"))
    at(p1, web.submit(f"/p/{p1}/hooks/Results/14"))
    at(p2, web.submit(f"/p/{p2}/hooks/Results/14"))
    at(p1, web.submit(f"/p/{p1}/middle/Middle/15"))
    at(p1, web.submit(f"/p/{p1}/the_end/Dynamic/16", dict(opinion="fine")))
    at(p2, web.submit(f"/p/{p2}/the_end/Dynamic/16", dict(reason="in a hurry")))
    at(p1, web.submit(f"/p/{p1}/the_end/End/17"))
    at(p2, web.submit(f"/p/{p2}/the_end/End/17"))
    return seen
