"""Browser bots: the bots of tests.py play in real browser tabs (`use_browser_bots=True`).

Each page of a session whose config has use_browser_bots loads browser_bot.js, which asks
GET /browser_bot/<participant>/<page index> for what the participant's bot submits on
that page, fills the form with it and submits it like a participant would. The bot code
runs here, in the server, one step per page; the answer for a page is kept, so a reload
(or a page shown twice) gets the same data and the bot is not advanced twice.

The bots' generators live in the memory of the server process that runs them: browser
bots are a demo and checking aid for the devserver (one process), not for prodserver with
several workers.
"""

from __future__ import annotations

import inspect
import logging
import threading
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from otree import pages
from otree.db import unit_of_work
from otree.db.core import Participant
from otree.pages import is_wait_page
from otree.web.endpoints import endpoint

from .api import BotError, normalize

logger = logging.getLogger("otree.browser_bots")
CONFIG_KEY = "use_browser_bots"


@dataclass
class _Player:
    """The bot state of one participant: a generator per (app, round), answers per page index."""

    participant_id: int
    id_in_session: int
    generators: dict = field(default_factory=dict)
    answers: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


_players: dict[str, _Player] = {}
_players_lock = threading.Lock()


def _player(code: str, participant: Participant) -> _Player:
    with _players_lock:
        if code not in _players:
            _players[code] = _Player(participant.id, participant.id_in_session)
        return _players[code]


def _generator(state: _Player, slot: pages.Slot, html: str = ""):
    from .runner import load_bot_class

    key = (slot.app.name, slot.round_number)
    if key not in state.generators:
        bot_class = load_bot_class(slot.app)
        cases = list(getattr(bot_class, "cases", []) or [])
        bot = bot_class(participant_id=state.participant_id, app=slot.app, round_number=slot.round_number,
                        case=cases[0] if cases else None, html=html)
        with unit_of_work():
            played = bot.play_round()
        state.generators[key] = played if inspect.isgenerator(played) else iter(())
    return state.generators[key]


def _say(line: str) -> None:
    """Progress in the server's terminal."""
    print(line, flush=True)


def next_submission(code: str, index: int) -> dict:
    """What the participant's bot submits on page `index`: {"page", "data"}, {"finished": True} or {"error"}."""
    from .runner import _FINISHED, _post_data, _resume

    with unit_of_work(readonly=True):
        from sqlalchemy import select

        from otree.db import current_session

        participant = current_session().scalars(select(Participant).filter_by(code=code)).one_or_none()
        if participant is None or not participant.session.config.get(CONFIG_KEY):
            return {"error": "no browser bots for this participant"}
        slot = pages.slot_of(participant)
        if slot is None or slot.index != index:
            return {"error": "the participant is not on this page", "stale": True}
        secret = participant.session._admin_secret_code
        is_last = index == len(pages.page_sequence(participant.session.config["app_sequence"]))
        state = _player(code, participant)
    if is_wait_page(slot.page_class):
        return {"wait_page": True}
    with state.lock:
        if index in state.answers:
            return state.answers[index]
        answer = _step(state, slot, secret, is_last, _FINISHED, _post_data, _resume)
        state.answers[index] = answer
    return answer


def _step(state: _Player, slot: pages.Slot, secret: str, is_last: bool, finished, post_data, resume) -> dict:
    label = f"Browser bot P{state.id_in_session}"
    try:
        generator = _generator(state, slot)
        while True:
            item = resume(generator)
            if item is finished:
                if is_last:
                    _say(f"{label}: finished on {slot.name}")
                    return {"finished": True, "page": slot.name}
                raise BotError(f"The bot has no more pages to submit, but the participant is on page {slot.name}.")
            submission = normalize(item)
            if not submission.must_fail:
                break  # a SubmissionMustFail is for `otree test`; in a browser only the real submission
        name = getattr(submission.page_class, "__name__", repr(submission.page_class))
        if name != slot.name:
            raise BotError(f"Discrepancy between bot code and app code: the bot submits {name}, "
                           f"but the participant is on page {slot.name}.")
    except Exception as exc:  # noqa: BLE001 - shown in the tab and the terminal instead of a stuck page
        logger.error("%s: %s", label, exc)
        return {"error": str(exc), "page": slot.name}
    _say(f"{label}: submits {name} {submission.post_data or ''}")
    return {"page": name, "data": post_data(submission, secret)}


@endpoint(db=None, form=False)  # next_submission reads, and the bot's play_round writes, in units of their own
def browser_bot(request: Request, form: None) -> JSONResponse:
    code = request.path_params["participant_code"]
    index = request.path_params["page_index"]
    answer = next_submission(code, index)
    return JSONResponse(answer, status_code=404 if answer.get("error") and not answer.get("page") else 200)


def routes() -> list:
    return [Route("/browser_bot/{participant_code}/{page_index:int}", browser_bot)]


def websocket_routes() -> list:
    return []


def script_url(page) -> str | None:
    """The data URL for browser_bot.js on this page, if its session plays browser bots."""
    if not page.session.config.get(CONFIG_KEY):
        return None
    return f"/browser_bot/{page.participant.code}/{page._index_in_pages}"


# -- otree browser_bots [CONFIG] [N] -----------------------------------------------------------


def browser_arguments(parser) -> None:
    parser.add_argument("session_config_name", nargs="?", help="default: the first session config")
    parser.add_argument("num_participants", nargs="?", type=int, help="default: num_demo_participants")
    parser.add_argument("--server", default="http://127.0.0.1:8000",
                        help="the running server (otree devserver) to play on (default %(default)s)")
    parser.add_argument("--no-browser", action="store_true", help="print the links instead of opening tabs")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for the bots (default 600)")


def _open_tabs(links: list[str]) -> None:
    import os
    import shlex
    import subprocess
    import webbrowser

    from otree.conf import settings

    command = settings.BROWSER_COMMAND or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
    if command:
        subprocess.Popen([*shlex.split(command), *links], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    else:
        for link in links:
            webbrowser.open_new_tab(link)


def _positions(session_code: str) -> list[tuple[int, int, int, str]]:
    """(id_in_session, index, last index, page name) of each participant of the session."""
    from sqlalchemy import select

    from otree.db.core import Session

    with unit_of_work(readonly=True) as db:
        session = db.scalars(select(Session).filter_by(code=session_code)).one()
        return [(p.id_in_session, p._index_in_pages or 0, p._max_page_index or 0, p._current_page_name or "")
                for p in session.get_participants()]


def run_browser_bots(args) -> int:
    import sys
    import time

    import httpx

    from otree.project import load_project
    from otree.session import create_session

    project = load_project()
    names = list(project.session_configs)
    name = args.session_config_name or (names[0] if names else None)
    if name not in project.session_configs:
        print(f"There is no session config named {name!r} (known: {', '.join(names) or 'none'}).", file=sys.stderr)
        return 1
    config = project.session_configs[name]
    count = args.num_participants or config["num_demo_participants"]
    server = args.server.rstrip("/")
    try:
        httpx.get(server + "/demo", timeout=5)
    except httpx.HTTPError:
        print(f"No server answers at {server}. Start it first (otree devserver), then run browser_bots again "
              f"(or name it: --server URL).", file=sys.stderr)
        return 1
    with unit_of_work():
        session = create_session(name, count, modified_session_config_fields={CONFIG_KEY: True})
        session_code = session.code
        links = [f"{server}/InitializeParticipant/{p.code}" for p in session.get_participants()]
    print(f"Browser bots: session {session_code} ({name}, {count} participants); monitor: "
          f"{server}/SessionMonitor/{session_code}", flush=True)
    if args.no_browser:
        print("\n".join(links), flush=True)
    else:
        _open_tabs(links)
    deadline = time.monotonic() + args.timeout
    shown: dict[int, tuple] = {}
    while time.monotonic() < deadline:
        positions = _positions(session_code)
        for pid, index, last, page in positions:
            if shown.get(pid) != (index, page):
                shown[pid] = (index, page)
                where = "finished" if index > last else f"page {index}/{last} {page}"
                print(f"  P{pid}: {where}", flush=True)
        if positions and all(index >= last for _, index, last, _ in positions):
            print(f"Browser bots finished: session {session_code}, {count} participants reached the last page.",
                  flush=True)
            return 0
        time.sleep(0.5)
    behind = [f"P{pid} on page {index}" for pid, index, last, _ in _positions(session_code) if index < last]
    print(f"Browser bots did not finish within {args.timeout:.0f} s: {', '.join(behind)}. "
          "See the server's terminal and the tabs for errors.", file=sys.stderr)
    return 1
