from otree.api import *
from . import *


class PlayerBot(Bot):
    cases = ['alpha', 'beta', 'gamma']

    def play_round(self):
        # the earlier apps of the session ran first, for this participant
        expect(self.participant.vars['bot_forms_finished'], True)
        expect(len(self.participant.vars['bot_rounds_cases']), 3)
        yield Final, dict(note=self.case)
        expect(self.player.note, self.case)
