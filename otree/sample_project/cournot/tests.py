from otree.api import Currency as cu, currency_range, expect, Bot, Submission, SubmissionMustFail
from . import *


class PlayerBot(Bot):
    # In each case: the units of firm 1 and of firm 2, and the price that results.
    cases = [
        dict(name='equal_split', units=[20, 20], price=20),
        dict(name='one_large_firm', units=[10, 30], price=20),
        dict(name='one_firm_stays_out', units=[0, 30], price=30),
        dict(name='flooded_market', units=[C.MAX_UNITS_PER_PLAYER, 35], price=0),
    ]

    def play_round(self):
        case = self.case
        expect('never less than 0', 'in', self.html)
        yield Introduction

        # Out of range, not a whole number, or missing: the page is shown again with an error.
        yield SubmissionMustFail(Decide, dict(units=-1), error_fields=['units'])
        yield SubmissionMustFail(Decide, dict(units=C.MAX_UNITS_PER_PLAYER + 1), error_fields=['units'])
        yield SubmissionMustFail(Decide, dict(units='2.5'), error_fields=['units'])
        yield SubmissionMustFail(Decide, dict(), error_fields=['units'])
        my_units = case['units'][self.player.id_in_group - 1]
        yield Decide, dict(units=my_units)

        price = cu(case['price'])
        expect(self.group.total_units, sum(case['units']))
        expect(self.group.unit_price, price)
        expect(self.player.payoff, price * my_units)
        expect(self.player.payoff, '>=', 0)
        expect(f'<strong>{price * my_units}</strong>', 'in', self.html)
        yield Results
