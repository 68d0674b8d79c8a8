"""`view.is_debug` and `view.remaining_timeout_seconds()` in page templates, as in oTree."""

from __future__ import annotations

APP = '''\
from otree.api import *


class C(BaseConstants):
    NAME_IN_URL = 'view'
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    pass


class Timed(Page):
    timeout_seconds = 600


class Untimed(Page):
    pass


page_sequence = [Timed, Untimed]
'''

PAGE = '''\
{{ block content }}
<p id="left">{{ view.remaining_timeout_seconds()|json }}</p>
{{ if view.is_debug }}<p id="debug">debug</p>{{ next_button }}{{ endif }}
{{ endblock }}
'''

TESTS = '''\
import re
from otree.api import *
from . import *


class PlayerBot(Bot):
    def play_round(self):
        left = float(re.search(r'<p id="left">([0-9.]+)</p>', self.html).group(1))
        assert 590 < left <= 600, left
        assert '<p id="debug">' in self.html
        yield Timed
        assert '<p id="left">null</p>' in self.html
        yield Untimed
'''


def test_view_is_debug_and_remaining_timeout_seconds(make_project, bots, monkeypatch):
    monkeypatch.delenv("OTREE_PRODUCTION", raising=False)
    make_project({"view/__init__.py": APP, "view/tests.py": TESTS, "view/Timed.html": PAGE, "view/Untimed.html": PAGE})
    run = bots()
    assert run.ok, run.output
