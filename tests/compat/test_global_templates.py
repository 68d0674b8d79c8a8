"""Templates extending "global/Page.html" or oTree 3's "global/Base.html" work without _templates/global/."""

from __future__ import annotations

import pytest

MODELS = '''\
from otree.api import models, BaseConstants, BaseSubsession, BaseGroup, BasePlayer


class Constants(BaseConstants):
    name_in_url = 'legacy'
    players_per_group = None
    num_rounds = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    pass
'''

PAGES = '''\
from ._builtin import Page


class Hello(Page):
    pass


page_sequence = [Hello]
'''

TESTS = '''\
from otree.api import Bot
from . import pages


class PlayerBot(Bot):
    def play_round(self):
        assert '<p id="greeting">Hello</p>' in self.html
        assert 'otree-timer' in self.html or '<form' in self.html  # oTree's page around it
        yield pages.Hello
'''


@pytest.mark.parametrize("base", ["global/Base.html", "global/Page.html"])
def test_global_base_templates_fall_back_to_otrees(make_project, bots, base):
    page = ('{% extends "' + base + '" %}\n{% load otree_tags staticfiles %}\n'
            '{% block content %}<p id="greeting">Hello</p>{% next_button %}{% endblock %}')
    make_project({"legacy/__init__.py": "", "legacy/models.py": MODELS, "legacy/pages.py": PAGES,
                  "legacy/tests.py": TESTS, "legacy/templates/legacy/Hello.html": page})
    run = bots()
    assert run.ok, run.output


def test_the_projects_own_global_page_wins(make_project, bots):
    page = ('{% extends "global/Page.html" %}'
            '{% block content %}<p id="greeting">Hello</p>{% next_button %}{% endblock %}')
    own = '{% extends "otree/Page.html" %}{% block global_scripts %}<script id="mine"></script>{% endblock %}'
    make_project({"legacy/__init__.py": "", "legacy/models.py": MODELS, "legacy/pages.py": PAGES,
                  "legacy/tests.py": TESTS.replace(
                      "yield pages.Hello", "assert 'id=\"mine\"' in self.html\n        yield pages.Hello"),
                  "legacy/templates/legacy/Hello.html": page, "_templates/global/Page.html": own})
    run = bots()
    assert run.ok, run.output
