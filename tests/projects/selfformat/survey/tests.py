from otree.api import Currency as c, currency_range, expect, Bot
from . import pages
from .models import Constants

# This app's _builtin package has no Bot class (see _builtin/__init__.py), so Bot comes
# from otree.api, as oTree 3 allowed too.


class PlayerBot(Bot):
    def play_round(self):
        yield pages.Demographics, dict(age=24, gender='Male')
        yield pages.CognitiveReflectionTest, dict(crt_bat=1, satisfied=True)
        expect(self.participant.vars['finished'], True)
