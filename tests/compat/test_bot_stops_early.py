"""A participant's bots are one sequence of submissions over all rounds and apps, as in oTree.

When no bot has anything left to submit, the participant's bot has finished, even on a page
before the last; when a later round's bot still has submissions, they must fit the page shown.
"""

from __future__ import annotations

from . import config

GAME = '''\
from otree.api import *


class C(BaseConstants):
    NAME_IN_URL = 'game'
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 2


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    side = models.StringField(choices=['Heads', 'Tails'])


class Choice(Page):
    form_model = 'player'
    form_fields = ['side']


class ResultsWait(WaitPage):
    pass


class Summary(Page):
    @staticmethod
    def is_displayed(player: Player):
        return player.round_number == C.NUM_ROUNDS or player.session.config.get('summary_every_round')


page_sequence = [Choice, ResultsWait, Summary]
'''

# Like oTree's own matching_pennies bot: the summary page of the last round is never submitted.
GAME_TESTS = '''\
from otree.api import *
from . import *


class PlayerBot(Bot):
    def play_round(self):
        yield Choice, dict(side='Heads')
'''

PAYMENT = '''\
from otree.api import *


class C(BaseConstants):
    NAME_IN_URL = 'payment_info'
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    pass


class PaymentInfo(Page):
    pass


page_sequence = [PaymentInfo]
'''

PAYMENT_TESTS = '''\
from otree.api import *
from . import *


class PlayerBot(Bot):
    def play_round(self):
        pass
'''

PAGE = "{{ block content }}{{ formfields }}{{ next_button }}{{ endblock }}"

FILES = {
    "game/__init__.py": GAME, "game/tests.py": GAME_TESTS, "game/Choice.html": PAGE, "game/Summary.html": PAGE,
    "payment_info/__init__.py": PAYMENT, "payment_info/tests.py": PAYMENT_TESTS,
    "payment_info/PaymentInfo.html": PAGE,
}


def test_bots_with_nothing_left_finish_before_the_last_page(make_project, bots):
    make_project(FILES, configs=[config("game", ["game", "payment_info"], 4), config("alone", ["game"], 2)])
    run = bots("game")
    assert run.ok, run.output
    assert "Bots passed: 1 session(s), " in run.output

    from sqlalchemy import select

    from otree.db import unit_of_work
    from otree.db.core import Participant

    with unit_of_work(readonly=True) as db:
        # everyone stopped on the summary of the last round (page 6 of 7), before PaymentInfo
        assert [p._index_in_pages for p in db.scalars(select(Participant))] == [6, 6, 6, 6]

    run = bots("alone")  # the same bots, when that summary is the session's last page
    assert run.ok, run.output


def test_a_later_rounds_submission_must_fit_the_page_shown(make_project, bots):
    make_project(FILES, configs=[config("every_round", ["game", "payment_info"], 2, summary_every_round=True)])
    run = bots()
    assert not run.ok
    assert "Discrepancy between bot code and app code" in run.output
    assert "submits page Choice, but the participant is on page Summary" in run.output
