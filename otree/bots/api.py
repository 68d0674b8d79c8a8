"""What tests.py uses: Bot, Submission, SubmissionMustFail and expect."""

from __future__ import annotations

import operator
from typing import Any

from otree.db import current_session
from otree.db.core import Participant
from otree.pages import load_player
from otree.project import provide_to_builtin


class BotError(AssertionError):
    """The bot and the app disagree (wrong page, unexpected validation result, stuck bots)."""


class ExpectError(AssertionError):
    """An expect(...) in a bot failed."""


_OPERATORS = {
    "==": operator.eq, "!=": operator.ne, ">": operator.gt, "<": operator.lt, ">=": operator.ge, "<=": operator.le,
    "in": lambda a, b: a in b, "not in": lambda a, b: a not in b,
}


def expect(*args: Any) -> None:
    """expect(actual, expected) or expect(actual, operator, expected), e.g. expect(x, '>=', 3)."""
    if len(args) == 2:
        actual, op, expected = args[0], "==", args[1]
    elif len(args) == 3:
        actual, op, expected = args
    else:
        raise TypeError("expect() takes 2 or 3 arguments: expect(actual, expected) or expect(actual, op, expected)")
    if op not in _OPERATORS:
        raise ValueError(f"expect(): unknown operator {op!r}; use one of {', '.join(_OPERATORS)}")
    if not _OPERATORS[op](actual, expected):
        if op == "==":
            raise ExpectError(f"Expected {expected!r}, but the actual value is {actual!r}")
        raise ExpectError(f"Expected {actual!r} {op} {expected!r}, which is false")


class Submission:
    """A page submission: Submission(Page, dict(...), check_html=True, timeout_happened=False)."""

    must_fail = False

    def __init__(self, page_class, post_data: dict | None = None, *, check_html: bool = True,
                 timeout_happened: bool = False, error_fields: list[str] | None = None):
        self.page_class = page_class
        self.post_data = dict(post_data or {})
        self.check_html = check_html
        self.timeout_happened = timeout_happened
        self.error_fields = list(error_fields) if error_fields is not None else None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.page_class.__name__}, {self.post_data!r})"


class SubmissionMustFail(Submission):
    """A submission that validation must reject (optionally exactly on `error_fields`)."""

    must_fail = True


def normalize(item) -> Submission:
    """What a bot yields, as a Submission: Page, (Page, data), Submission(...)."""
    if isinstance(item, Submission):
        return item
    if isinstance(item, tuple):
        if len(item) == 1:
            return Submission(item[0])
        if len(item) == 2:
            return Submission(item[0], item[1])
        raise BotError(f"A bot yielded a tuple of {len(item)} items; yield Page or (Page, dict(...))")
    if isinstance(item, type):
        return Submission(item)
    raise BotError(f"A bot yielded {item!r}; yield a Page class, (Page, dict(...)) or Submission(...)")


class Bot:
    """Base of PlayerBot: one instance plays one participant in one app and round."""

    cases: list = []

    def __init__(self, *, participant_id: int, app, round_number: int, case=None, html: str = ""):
        self._participant_id = participant_id
        self._app = app
        self.round_number = round_number
        self.case = case
        self.html = html

    def play_round(self):  # pragma: no cover - overridden by every PlayerBot
        return
        yield

    # Live objects, read in the bot's unit of work (so they show the latest saved state).
    @property
    def participant(self):
        return current_session().get(Participant, self._participant_id)

    @property
    def player(self):
        # Looked up once per unit of work, as pages do (the identity map would hand back the
        # same object anyway): a bot reads self.player several times per submission.
        participant = self.participant
        assert participant is not None, "a bot's participant is never deleted while it plays"
        return load_player(participant, self._app, self.round_number)

    @property
    def group(self):
        return self.player.group

    @property
    def subsession(self):
        return self.player.subsession

    @property
    def session(self):
        return self.participant.session


# Self-format apps' tests.py write `from ._builtin import Bot`.
provide_to_builtin("Bot", Bot)
