from otree.api import Currency as cu, currency_range, expect, Bot, Submission, SubmissionMustFail
from . import *


class PlayerBot(Bot):
    cases = ['zero', 'all']

    def play_round(self):
        yield SubmissionMustFail(Contribute, dict(contribution=101), error_fields=['contribution'])
        amount = 0 if self.case == 'zero' else 100
        yield Contribute, dict(contribution=amount)
        expect(self.group.total_contribution, amount * 3)
        yield Results
