from ._builtin import Page, WaitPage
from otree.api import Currency as c, currency_range
from .models import Constants


class Demographics(Page):
    form_model = 'player'
    form_fields = ['age', 'gender']


class CognitiveReflectionTest(Page):
    form_model = 'player'
    form_fields = ['crt_bat', 'satisfied']

    def before_next_page(self):
        self.participant.vars['finished'] = True


page_sequence = [Demographics, CognitiveReflectionTest]
