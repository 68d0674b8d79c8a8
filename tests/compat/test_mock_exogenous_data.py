"""Bots with `mock_exogenous_data=True` call the project's shared_out.mock_exogenous_data(session)."""

from __future__ import annotations

from . import config

APP = '''\
from otree.api import *


class C(BaseConstants):
    NAME_IN_URL = 'labels'
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    pass


class Hello(Page):
    pass


page_sequence = [Hello]
'''

SHARED_OUT = '''\
def mock_exogenous_data(session):
    for p in session.get_participants():
        p.label = f'lab-{p.id_in_session}'
        p.vars['budget'] = 10 * p.id_in_session
'''

TESTS = '''\
from otree.api import *
from . import *


class PlayerBot(Bot):
    def play_round(self):
        expected = self.session.config.get('mock_exogenous_data', False)
        n = self.participant.id_in_session
        expect(self.participant.label, f'lab-{n}' if expected else None)
        expect(self.participant.vars.get('budget'), 10 * n if expected else None)
        yield Hello
'''


def test_mock_exogenous_data(make_project, bots):
    make_project(
        {"labels/__init__.py": APP, "labels/tests.py": TESTS,
         "labels/Hello.html": "{{ block content }}{{ next_button }}{{ endblock }}",
         "shared_out.py": SHARED_OUT},
        configs=[config("mocked", ["labels"], 2, mock_exogenous_data=True), config("plain", ["labels"], 2)],
    )
    run = bots()
    assert run.ok, run.output
