from otree.api import Currency as cu, currency_range, expect, Bot, Submission, SubmissionMustFail
from . import *


class PlayerBot(Bot):
    def play_round(self):
        if self.participant.left_wait_page:
            # The participant no group was formed for left the lobby after the maximum wait.
            expect('Thank you for waiting', 'in', self.html)
            expect(self.player.payoff, C.WAITING_BONUS)
        else:
            expect('Thank you for waiting', 'not in', self.html)
        yield End
