"""PLAYERS_PER_GROUP = 1 loads with a warning (each player is a group of one) and never stops other apps."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from otree.errors import ConfigWarning

from . import config

SOLO = '''\
from otree.api import *


class C(BaseConstants):
    NAME_IN_URL = 'solo'
    PLAYERS_PER_GROUP = 1
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    total = models.IntegerField(initial=0)


class Player(BasePlayer):
    n = models.IntegerField()


class Ask(Page):
    form_model = 'player'
    form_fields = ['n']


class Sum(WaitPage):
    @staticmethod
    def after_all_players_arrive(group: Group):
        group.total = sum(p.n for p in group.get_players())


page_sequence = [Ask, Sum]
'''

SOLO_TESTS = '''\
from otree.api import *
from . import *


class PlayerBot(Bot):
    def play_round(self):
        yield Ask, dict(n=self.participant.id_in_session)
        expect(self.group.total, self.participant.id_in_session)
        expect(len(self.group.get_players()), 1)
'''

OTHER = '''\
from otree.api import *


class C(BaseConstants):
    NAME_IN_URL = 'other'
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

OTHER_TESTS = '''\
from otree.api import *
from . import *


class PlayerBot(Bot):
    def play_round(self):
        yield Hello
'''


PAGE = "{{ block content }}{{ formfields }}{{ next_button }}{{ endblock }}"
PLAIN = "{{ block content }}{{ next_button }}{{ endblock }}"


def test_players_per_group_1_warns_and_plays_groups_of_one(make_project, bots):
    make_project(
        {"solo/__init__.py": SOLO, "solo/tests.py": SOLO_TESTS, "other/__init__.py": OTHER,
         "other/tests.py": OTHER_TESTS,
         "solo/Ask.html": PAGE, "other/Hello.html": PLAIN},
        configs=[config("only_other", ["other"], 2), config("solo_then_other", ["solo", "other"], 3)],
    )
    with pytest.warns(ConfigWarning, match=r"PLAYERS_PER_GROUP of app 'solo' is 1") as caught:
        run = bots("only_other")  # a config without the app still loads the whole project
    assert run.ok, run.output
    warning = caught.pop(ConfigWarning)
    assert warning.filename.endswith("__init__.py") and "solo" in warning.filename
    assert warning.lineno == SOLO.splitlines().index("    PLAYERS_PER_GROUP = 1") + 1

    with pytest.warns(ConfigWarning):
        run = bots("solo_then_other")
    assert run.ok, run.output

    from otree.db import unit_of_work
    from otree.project import get_project

    Group = get_project().apps["solo"].Group
    with unit_of_work(readonly=True) as db:
        assert sorted(g.total for g in db.scalars(select(Group))) == [1, 2, 3]
