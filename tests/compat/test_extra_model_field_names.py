"""An ExtraModel may have fields named like attributes of the round models (round_number, group, ...)."""

from __future__ import annotations

import pytest

from otree.errors import ConfigError
from otree.project import load_project

APP = '''\
from otree.api import *


class C(BaseConstants):
    NAME_IN_URL = 'trials'
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    pass


class Trial(ExtraModel):
    player = models.Link(Player)
    round_number = models.IntegerField()
    group = models.StringField()
    session = models.StringField()


def creating_session(subsession: Subsession):
    for p in subsession.get_players():
        for i in range(3):
            Trial.create(player=p, round_number=i, group='abc'[i], session='s')


class Task(Page):
    @staticmethod
    def vars_for_template(player: Player):
        return dict(trials=Trial.filter(player=player))


page_sequence = [Task]
'''

TESTS = '''\
from otree.api import *
from . import *


class PlayerBot(Bot):
    def play_round(self):
        trials = Trial.filter(player=self.player)
        expect([t.round_number for t in trials], [0, 1, 2])
        expect('a-0 b-1 c-2', 'in', self.html)
        yield Task
'''

PAGE = ("{{ block content }}{{ for t in trials }}{{ t.group }}-{{ t.round_number }} {{ endfor }}"
        "{{ next_button }}{{ endblock }}")


def test_extra_model_fields_named_like_round_model_attributes(make_project, bots):
    make_project({"trials/__init__.py": APP, "trials/tests.py": TESTS, "trials/Task.html": PAGE})
    run = bots()
    assert run.ok, run.output


@pytest.mark.parametrize("name", ["id", "filter", "create", "delete"])
def test_extra_model_names_still_taken(make_project, name):
    make_project({"trials/__init__.py": APP.replace("    session = models", f"    {name} = models")})
    with pytest.raises(ConfigError, match=f"Trial.{name}: '{name}' is a reserved name"):
        load_project(init_db=False)
