from otree.api import Currency as cu, currency_range, expect, Bot, Submission, SubmissionMustFail
from . import *


class PlayerBot(Bot):
    def play_round(self):
        # PaymentInfo is the session's last page and has no Next button, so the bot only checks it.
        participant = self.participant
        total = participant.payoff_plus_participation_fee()
        expect(total, participant.payoff_in_real_world_currency() + self.session.participation_fee)
        expect(total, '>=', self.session.participation_fee)
        expect('id="total">{}<'.format(total), 'in', self.html)
        if participant.label:
            expect(participant.label, 'in', self.html)
        else:
            expect('id="label"', 'not in', self.html)
