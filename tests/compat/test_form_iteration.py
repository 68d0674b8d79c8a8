"""Forms are iterable in templates, and a field with options iterates over its choices.

`{% for field in form %}` with field.label / field.errors / field.name / `{{ field }}`;
`{% for choice in form.offer %}` with `{{ choice }}`, choice.label, and Django's choice.tag
and choice.choice_label. Both template styles and both app formats.
"""

from __future__ import annotations

NOSELF = '''\
from otree.api import *


class C(BaseConstants):
    NAME_IN_URL = 'loop'
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    age = models.IntegerField(label='Your age', min=18)
    nickname = models.StringField(label='A <nick>name')
    offer = models.IntegerField(choices=[[1, 'Low'], [2, 'High']], widget=widgets.RadioSelectHorizontal,
                                label='Your offer')


class Ask(Page):
    form_model = 'player'
    form_fields = ['age', 'nickname', 'offer']


page_sequence = [Ask]
'''

NOSELF_PAGE = '''\
{{ block content }}
{{ for field in form }}
<div class="row" data-name="{{ field.name }}">{{ field.label }}|{{ field }}|{{ field.errors }}</div>
{{ endfor }}
<table><tr>{{ for choice in form.offer }}<td class="choice">{{ choice }}{{ choice.label }}</td>{{ endfor }}</tr></table>
{{ next_button }}
{{ endblock }}
'''

NOSELF_TESTS = '''\
import re
from otree.api import *
from . import *


def rows(html):
    return re.findall(r'<div class="row" data-name="(\\w+)">(.*?)</div>\\n', html, re.S)


class PlayerBot(Bot):
    def play_round(self):
        found = rows(self.html)
        assert [name for name, _ in found] == ['age', 'nickname', 'offer'], found
        age_label, age_input, age_errors = found[0][1].split('|')
        assert age_label == '<label class="col-form-label" for="id_age">Your age</label>', age_label
        assert age_input.startswith('<input type="number"') and 'name="age"' in age_input, age_input
        assert 'col-form-label' not in age_input and age_errors == ''
        assert 'A &lt;nick&gt;name' in found[1][1]
        cells = re.findall(r'<td class="choice">(.*?)</td>', self.html)
        assert len(cells) == 2, cells
        assert cells[0].startswith(
            '<input class="form-check-input" type="radio" name="offer" id="id_offer-0" value="1"')
        assert cells[1].endswith('<label class="form-check-label" for="id_offer-1">High</label>')
        yield SubmissionMustFail(Ask, dict(age=12, nickname='x', offer=2), error_fields=['age'])
        errors = rows(self.html)[0][1].split('|')[2]
        assert errors == '<div class="form-control-errors">Ensure this value is greater than or equal to 18.</div>'
        # the choice posted is still checked when the page is shown again
        assert re.search(r'<input [^>]*value="2" checked', self.html)
        yield Ask, dict(age=30, nickname='x', offer=2)
        expect(self.player.offer, 2)
'''

MODELS = NOSELF.split("\n\nclass Ask(Page)")[0].replace("from otree.api import *", """\
from otree.api import (
    models, widgets, BaseConstants, BaseSubsession, BaseGroup, BasePlayer,
)""").replace("class C(", "class Constants(")

PAGES = '''\
from ._builtin import Page, WaitPage


class Ask(Page):
    form_model = 'player'
    form_fields = ['age', 'nickname', 'offer']


page_sequence = [Ask]
'''

DJANGO_PAGE = '''\
{% extends "global/Page.html" %}
{% load otree static %}
{% block content %}
{% for field in form %}{% formfield field %}{% endfor %}
<ul>{% for choice in form.offer %}<li>{{ choice.tag }} {{ choice.choice_label }}</li>{% endfor %}</ul>
{% next_button %}
{% endblock %}
'''

SELF_TESTS = '''\
import re
from otree.api import Bot
from . import pages


class PlayerBot(Bot):
    def play_round(self):
        assert self.html.count('class="mb-3 _formfield"') == 3
        items = re.findall(r'<li>(.*?)</li>', self.html)
        assert len(items) == 2 and items[0].endswith(' Low') and 'type="radio"' in items[0], items
        yield pages.Ask, dict(age=40, nickname='y', offer=1)
'''


def test_iterating_forms_and_choices_noself(make_project, bots):
    make_project({"loop/__init__.py": NOSELF, "loop/tests.py": NOSELF_TESTS, "loop/Ask.html": NOSELF_PAGE})
    run = bots()
    assert run.ok, run.output


def test_iterating_forms_and_choices_django_style(make_project, bots):
    make_project({
        "loop/__init__.py": "", "loop/models.py": MODELS, "loop/pages.py": PAGES, "loop/tests.py": SELF_TESTS,
        "loop/templates/loop/Ask.html": DJANGO_PAGE, "_templates/global/Page.html": '{% extends "otree/Page.html" %}',
    })
    run = bots()
    assert run.ok, run.output
