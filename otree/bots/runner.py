"""Running bots: every participant of a session plays through the real ASGI app, round robin.

Each participant has an HTTP client state (its current URL and page). In turn, each one
either submits what its bot yields for the page it is on, or, on a wait page, reloads it
(which is how a browser is moved on). When a whole turn moves nobody, the bots are stuck.
"""

from __future__ import annotations

import importlib
import inspect
import os
import traceback
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Protocol

import httpx
from sqlalchemy import select

from otree import live, pages
from otree.conf import settings
from otree.db import unit_of_work
from otree.db.core import Participant, Session
from otree.pages import WaitPage, is_wait_page
from otree.project import App, Project
from otree.session import create_session

from .api import Bot, BotError, Submission, normalize
from .html import check_html

MAX_IDLE_TURNS = 10
MAX_REDIRECTS = 50


def load_bot_class(app: App) -> type[Bot]:
    module_name = f"{app.name}.tests"
    path = os.path.join(app.folder, "tests.py")
    if not os.path.isfile(path):
        raise BotError(f"App {app.name!r} has no tests.py with a class PlayerBot (expected {path}).")
    module = importlib.import_module(module_name)
    bot_class = getattr(module, "PlayerBot", None)
    if not (isinstance(bot_class, type) and issubclass(bot_class, Bot)):
        raise BotError(f"{path} has no class PlayerBot(Bot).")
    bot_class._otree_tests_module = module
    return bot_class


def _form_value(value: Any) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, Decimal):
        return str(Decimal(value))  # Currency's text, not its display ("10 points")
    if value is None:
        return ""
    return str(value)


def _post_data(submission: Submission, admin_secret_code: str) -> dict[str, str | list[str]]:
    """The form body; a list value (MultiStringField) is sent as the same name repeated."""
    data: dict[str, str | list[str]] = {}
    for key, value in submission.post_data.items():
        if isinstance(value, (list, tuple, set)):
            data[key] = [_form_value(v) for v in value]
        else:
            data[key] = _form_value(value)
    if submission.must_fail:
        data["must_fail"] = "1"
    if submission.timeout_happened:
        data.update(timeout_happened="1", admin_secret_code=admin_secret_code)
    return data


class Client(Protocol):
    """What the bots send requests with (otree.bots.client.BotClient); redirects are not followed."""

    def request(self, method: str, url: str, data: dict[str, Any] | None = None) -> httpx.Response: ...

    def get(self, url: str) -> httpx.Response: ...

    def post(self, url: str, data: dict[str, Any] | None = None) -> httpx.Response: ...


_FINISHED = object()


def _resume(generator):
    """Run the bot's code up to its next yield; _FINISHED if it returned.

    StopIteration is caught inside the unit of work: the code after a bot's last yield
    (e.g. setting participant.vars) must be committed, not rolled back.
    """
    with unit_of_work():
        try:
            return next(generator)
        except StopIteration:
            return _FINISHED


@dataclass
class ParticipantBot:
    """One participant: where it is, and a bot generator per (app, round)."""

    runner: "SessionBots"
    participant_id: int
    code: str
    id_in_session: int
    url: str = ""
    html: str = ""
    waiting: bool = False
    done: bool = False
    submissions: int = 0
    generators: dict = field(default_factory=dict)
    finished: set = field(default_factory=set)  # keys of generators that have returned

    @property
    def client(self) -> Client:
        return self.runner.client

    def go(self, url: str, method: str = "GET", data=None):
        response = self.client.request(method, url, data=data)
        for _ in range(MAX_REDIRECTS):
            if response.status_code not in (301, 302, 303, 307):
                break
            response = self.client.get(response.headers["location"])
        if response.status_code >= 500:
            raise BotError(f"The server answered {response.status_code} for {url}:\n{response.text[:4000]}")
        self._arrive(response)
        return response

    def _arrive(self, response) -> None:
        self.url = response.url.path
        self.html = response.text
        self.waiting = response.headers.get("oTree-Wait-Page") == "1"
        self.done = self.url.startswith("/OutOfRangeNotification/")

    def slot(self) -> pages.Slot:
        """The page the participant is on, named by its URL /p/<code>/<app>/<Page>/<index>.

        A session's page sequence is fixed when it is created, so the index finds the page
        without reading the database (a unit of work per turn, a fifth of the bots' time);
        only if the sequence and the URL disagree does the database say.
        """
        *_, name_in_url, page_name, index_text = self.url.rstrip("/").split("/")
        index = int(index_text)
        slot = pages.slot_at(self.runner.app_sequence, index)
        if slot is not None and slot.name == page_name and slot.app.name_in_url == name_in_url:
            return slot
        with unit_of_work(readonly=True) as db:
            participant = db.get(Participant, self.participant_id)
            return pages.slot_of(participant, index)

    def generator(self, slot: pages.Slot):
        return self._generator_of(slot.app, slot.round_number)

    def _generator_of(self, app: App, round_number: int):
        key = (app.name, round_number)
        if key not in self.generators:
            # Like oTree: the bot of the previous round runs to its end (the code after its last
            # yield) before the bot of the next round starts.
            self.check_finished()
            bot_class = self.runner.bot_classes[app.name]
            cases = self.runner.cases_of(app.name)
            case = cases[self.runner.case_index % len(cases)] if cases else None
            bot = bot_class(participant_id=self.participant_id, app=app, round_number=round_number,
                            case=case, html=self.html)
            # A play_round without yield (e.g. only expect(...) on a final page) runs at once,
            # so it is called inside a unit of work and counts as a bot with nothing to submit.
            with unit_of_work():
                played = bot.play_round()
            self.generators[key] = (bot, played if inspect.isgenerator(played) else iter(()))
        return self.generators[key]

    def turn(self) -> bool:
        """Take one step; True if this participant moved."""
        if self.done:
            return False
        if self.waiting:
            before = self.url
            self.go(self.url)
            return self.url != before
        slot = self.slot()
        bot, generator = self.generator(slot)
        if slot.page_class is None or is_wait_page(slot.page_class):
            return False
        if live.has_live_method(slot.page_class) and not self.runner.simulate_live(self, slot):
            return False
        bot.html = self.html
        item = _resume(generator)
        if item is _FINISHED:
            # As in oTree, the bots of a participant are one sequence of submissions over all rounds
            # and apps: when this round's bot has no more, the next ones' come next; when none
            # has any left, the participant's bot is finished, on whatever page it is.
            self.finished.add((slot.app.name, slot.round_number))
            item = self._next_from_later_rounds(slot)
            if item is _FINISHED:
                self.done = True
                if slot.index != len(pages.page_sequence(self.runner.app_sequence)):
                    self.runner.log(f"Bot of participant {self.id_in_session} finished on page {slot.name}")
                return True
        submission = normalize(item)
        self.submit(slot, submission)
        return True

    def _next_from_later_rounds(self, slot: pages.Slot):
        """The next submission of the bots of the rounds after `slot`'s, or _FINISHED if they have none."""
        later = False
        for app_name in self.runner.app_sequence:
            app = self.runner.project.apps[app_name]
            for round_number in range(1, app.num_rounds + 1):
                if (app_name, round_number) == (slot.app.name, slot.round_number):
                    later = True
                    continue
                if not later or (app_name, round_number) in self.finished:
                    continue
                _bot, generator = self._generator_of(app, round_number)
                item = _resume(generator)
                if item is not _FINISHED:
                    return item
                self.finished.add((app_name, round_number))
        return _FINISHED

    def submit(self, slot: pages.Slot, submission: Submission) -> None:
        page_class = submission.page_class
        if isinstance(page_class, type) and issubclass(page_class, WaitPage):
            raise BotError(f"The bot yielded the wait page {page_class.__name__}; wait pages are passed "
                           "automatically, remove it from the bot.")
        name = getattr(page_class, "__name__", repr(page_class))
        if name != slot.name:
            raise BotError(
                f"Discrepancy between bot code and app code: the bot of participant {self.id_in_session} "
                f"submits page {name}, but the participant is on page {slot.name} "
                f"(app {slot.app.name!r}, round {slot.round_number}). Check the bot's play_round and the "
                f"pages' is_displayed."
            )
        checking = submission.check_html and self.runner.check_html_default
        if checking:
            check_html(self.html, list(submission.post_data), page=name)
        data = _post_data(submission, self.runner.admin_secret_code)
        label = "SubmissionMustFail" if submission.must_fail else "Submit"
        # oTree's log line: Submit /p/<code>/<app>/<Page>/<index>, {data}[, SubmissionMustFail]
        line = f"Submit {self.url}"
        if submission.post_data:
            line += f", {submission.post_data}"
        if submission.must_fail:
            line += ", SubmissionMustFail"
        if submission.timeout_happened:
            line += ", timeout_happened"
        self.runner.log(line)
        response = self.client.post(self.url, data=data)
        self.submissions += 1
        if response.status_code >= 500:
            raise BotError(f"The server answered {response.status_code} to {label} {name}:\n{response.text[:4000]}")
        if submission.must_fail:
            self._check_must_fail(response, submission, name)
            self._arrive(response)
            return
        if response.status_code == 200 and response.headers.get("oTree-Redisplay-With-Errors"):
            fields = response.headers.get("oTree-Bot-Error-Fields", "")
            raise BotError(
                f"The bot of participant {self.id_in_session} submitted {name} with {submission.post_data}, "
                f"but the page rejected it (errors in: {fields or 'unknown'}). Fix the data, or use "
                f"SubmissionMustFail if the failure is intended."
            )
        if response.status_code in (301, 302, 303, 307):
            self.go(response.headers["location"])
        else:
            self._arrive(response)

    def _check_must_fail(self, response, submission: Submission, name: str) -> None:
        if response.headers.get("oTree-Bot-Must-Fail-Passed") or response.status_code != 200:
            raise BotError(
                f"SubmissionMustFail({name}, {submission.post_data}) passed validation, but it was expected "
                f"to fail (nothing was saved)."
            )
        if submission.error_fields is not None:
            actual = sorted(f for f in response.headers.get("oTree-Bot-Error-Fields", "").split(",") if f)
            if sorted(submission.error_fields) != actual:
                raise BotError(
                    f"SubmissionMustFail({name}, {submission.post_data}) failed on the fields {actual}, "
                    f"but error_fields={sorted(submission.error_fields)} was expected."
                )

    def check_finished(self) -> None:
        """Run the bots of the rounds played so far to their end; none may want to submit more pages."""
        for (app_name, round_number), (bot, generator) in self.generators.items():
            if (app_name, round_number) in self.finished:
                continue
            bot.html = self.html
            item = _resume(generator)
            if item is _FINISHED:
                self.finished.add((app_name, round_number))
                continue
            raise BotError(
                f"The bot of participant {self.id_in_session} in app {app_name!r}, round {round_number}, "
                f"still wants to submit {normalize(item)!r}, but the participant already left that round."
            )


class SessionBots:
    """Bots for one session (one case) of a config."""

    def __init__(self, project: Project, client: Client, config_name: str, num_participants: int,
                 case_index: int, bot_classes: dict[str, type[Bot]], log: Callable[[str], None]):
        self.project = project
        self.config_name = config_name
        self.case_index = case_index
        self.bot_classes = bot_classes
        self.log = log
        self.client = client
        self.check_html_default = bool(settings.BOTS_CHECK_HTML)
        self._live_done: set = set()
        with unit_of_work():
            session = create_session(config_name, num_participants)
            for participant in session.get_participants():
                participant._is_bot = True
            session.mock_exogenous_data()
            self.session_code = session.code
            self.app_sequence = list(session.config["app_sequence"])
            self.admin_secret_code = session._admin_secret_code
            self.participants = [
                ParticipantBot(self, p.id, p.code, p.id_in_session) for p in session.get_participants()
            ]

    def cases_of(self, app_name: str) -> list:
        return list(getattr(self.bot_classes[app_name], "cases", []) or [])

    def simulate_live(self, participant: ParticipantBot, slot: pages.Slot) -> bool:
        """Call tests.call_live_method once per group and live page, when the whole group is there."""
        module = getattr(self.bot_classes[slot.app.name], "_otree_tests_module", None)
        call = getattr(module, "call_live_method", None)
        if call is None:
            return True
        with unit_of_work() as db:
            me = db.get(Participant, participant.participant_id)
            player = pages.load_player(me, slot.app, slot.round_number)
            key = (player.group_id, slot.index)
            if key in self._live_done:
                return True
            members = player.group.get_players()
            positions = [p.participant._index_in_pages for p in members]
            if any(position < slot.index for position in positions):
                # wait until the whole group has reached the live page (members it is not displayed
                # to skip it: they are already past it)
                return False
            self._live_done.add(key)
            by_id = {p.id_in_group: p for p in members}

            def method(id_in_group: int, data):
                member = by_id[id_in_group]
                page = slot.page_class(player=member, participant=member.participant, session=member.session,
                                       app=slot.app, index=slot.index)
                return live.raw_result(page, data)

            cases = self.cases_of(slot.app.name)
            case = cases[self.case_index % len(cases)] if cases else None
            call(method=method, case=case, round_number=slot.round_number, page_class=slot.page_class,
                 group=player.group)
        return True

    def play(self) -> int:
        """Play until everyone is done; returns the number of submissions."""
        for participant in self.participants:
            participant.go(f"/InitializeParticipant/{participant.code}")
        idle = 0
        while not all(p.done for p in self.participants):
            moved = False
            for participant in self.participants:
                moved = participant.turn() or moved
            idle = 0 if moved else idle + 1
            if idle >= MAX_IDLE_TURNS:
                raise BotError(self._stuck_report())
        for participant in self.participants:
            participant.check_finished()
        return sum(p.submissions for p in self.participants)

    def _stuck_report(self) -> str:
        lines = [f"Bots got stuck in session {self.session_code} ({self.config_name}): nobody could move on "
                 f"for {MAX_IDLE_TURNS} turns."]
        for participant in self.participants:
            if participant.done:
                state = "finished"
            elif participant.waiting:
                state = f"waiting on wait page {participant.url}"
            else:
                state = f"on page {participant.url}"
            lines.append(f"  participant {participant.id_in_session} ({participant.code}): {state}")
        lines.append("Check the wait pages' groups (after_all_players_arrive, group_by_arrival_time) and "
                     "is_displayed of the pages around them.")
        return "\n".join(lines)


def bot_failure_location(exc: BaseException) -> str:
    """The frame of the user's tests.py where a bot failed, if any."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if os.path.basename(frame.filename) == "tests.py":
            return f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}\n    {frame.line}'
    return ""


def participant_codes(session_code: str) -> list[str]:
    with unit_of_work(readonly=True) as db:
        session = db.scalars(select(Session).filter_by(code=session_code)).one()
        return [p.code for p in session.get_participants()]
