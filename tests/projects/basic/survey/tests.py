from otree.api import *
from . import *


class PlayerBot(Bot):
    def play_round(self):
        yield Survey, dict(feedback='fine')
        expect(self.player.feedback, 'fine')
