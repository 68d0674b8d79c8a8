"""`{{ formfields }}` / `{% formfields %}` on a page without form_fields render nothing."""

from __future__ import annotations

import pytest

APP = '''\
from otree.api import *


class C(BaseConstants):
    NAME_IN_URL = 'plain'
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    pass


class Intro(Page):
    pass


class Thanks(Page):
    form_model = 'player'


page_sequence = [Intro, Thanks]
'''

TESTS = '''\
from otree.api import *
from . import *


class PlayerBot(Bot):
    def play_round(self):
        assert '<p>before</p>\\n\\n<p>after</p>' in self.html, self.html
        yield Intro
        assert '<p>before</p>\\n\\n<p>after</p>' in self.html, self.html
        yield Thanks
'''


@pytest.mark.parametrize("tag", ["{{ formfields }}", "{% formfields %}"])
def test_formfields_on_a_page_without_fields(make_project, bots, tag):
    page = "{% block content %}\n<p>before</p>\n" + tag + "\n<p>after</p>\n{% next_button %}{% endblock %}"
    make_project({"plain/__init__.py": APP, "plain/tests.py": TESTS, "plain/Intro.html": page,
                  "plain/Thanks.html": page})
    run = bots()
    assert run.ok, run.output
