"""Module paths that apps import from oTree besides otree.api: otree.settings, .models, .database, .common, .views."""

from __future__ import annotations

import pytest

from otree.errors import ConfigError
from otree.project import load_project

from . import config

APP = '''\
import otree.settings
from otree.api import *
from otree.common import Currency as c, currency_range, safe_json, get_models_module
from otree.database import db, dbq
from otree.models import Participant, Session


class C(BaseConstants):
    NAME_IN_URL = 'paths'
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    seen = models.StringField()


class Show(Page):
    @staticmethod
    def vars_for_template(player: Player):
        from otree.settings import REAL_WORLD_CURRENCY_CODE

        me = get_models_module('paths').Player
        others = dbq(me).filter(me.session_id == player.session.id).count()
        participants = db.query(Participant).count()
        player.seen = f"{otree.settings.LANGUAGE_CODE}|{REAL_WORLD_CURRENCY_CODE}|{others}|{participants}"
        return dict(prices=safe_json([c(1), c(2)]))


page_sequence = [Show]
'''

TESTS = '''\
from otree.api import *
from . import *


class PlayerBot(Bot):
    def play_round(self):
        yield Show
        expect(self.player.seen, 'en|EUR|3|3')
'''

PAGE = "{{ block content }}{{ prices }}{{ next_button }}{{ endblock }}"


def test_oTree_module_paths(make_project, bots):
    root = make_project({"paths/__init__.py": APP, "paths/tests.py": TESTS, "paths/Show.html": PAGE},
                        configs=[config("cfg", ["paths"], 3)])
    with open(f"{root}/settings.py") as f:
        text = f.read()
    with open(f"{root}/settings.py", "w") as f:  # oTree 3 settings.py files begin like this
        f.write("import otree.settings\n" + text.replace("'USD'", "'EUR'"))
    run = bots()
    assert run.ok, run.output


def test_otree_internals_fail_naming_the_replacement(make_project):
    source = APP.replace("import otree.settings\n", "from otree.views.abstract import PlayerUpdateView\n")
    make_project({"paths/__init__.py": source})
    with pytest.raises(ConfigError) as info:
        load_project(init_db=False)
    assert info.value.path.endswith("__init__.py") and info.value.line == 1
    assert "otree.views.abstract" in str(info.value) and "otree.api" in info.value.fix


def test_internal_names_fail_naming_the_replacement(make_project):
    source = APP.replace("import otree.settings\n", "from otree.common import random_chars_8\n")
    make_project({"paths/__init__.py": source})
    with pytest.raises(ConfigError, match=r"otree\.common\.random_chars_8 is part of oTree's internals.*otree\.api"):
        load_project(init_db=False)
