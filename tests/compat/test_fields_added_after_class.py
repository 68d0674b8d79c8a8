"""Fields attached to a model after its class statement (setattr in a loop) are real fields."""

from __future__ import annotations

from sqlalchemy import select

APP = '''\
from otree.api import *


class C(BaseConstants):
    NAME_IN_URL = 'offers'
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1
    ITEMS = 3


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    pass


for i in range(1, C.ITEMS + 1):
    setattr(Player, f'offer_{i}', models.CurrencyField(min=0, max=10, label=f'Offer for item {i}'))
Player.comment = models.StringField(blank=True)


class Offers(Page):
    form_model = 'player'
    form_fields = [f'offer_{i}' for i in range(1, C.ITEMS + 1)] + ['comment']


page_sequence = [Offers]
'''

TESTS = '''\
from otree.api import *
from . import *


class PlayerBot(Bot):
    def play_round(self):
        assert 'Offer for item 2' in self.html
        yield SubmissionMustFail(Offers, dict(offer_1=1, offer_2=11, offer_3=3), error_fields=['offer_2'])
        yield Offers, dict(offer_1=1, offer_2=2, offer_3=3, comment='fine')
'''

PAGE = "{{ block content }}{{ formfields }}{{ next_button }}{{ endblock }}"


def test_fields_set_on_the_class_later_are_saved(make_project, bots):
    make_project({"offers/__init__.py": APP, "offers/tests.py": TESTS, "offers/Offers.html": PAGE})
    run = bots()
    assert run.ok, run.output

    from otree.db import unit_of_work
    from otree.project import get_project

    Player = get_project().apps["offers"].Player
    with unit_of_work(readonly=True) as db:
        player = db.scalars(select(Player)).one()
        assert [player.offer_1, player.offer_2, player.offer_3] == [1, 2, 3]
        assert player.comment == "fine"
