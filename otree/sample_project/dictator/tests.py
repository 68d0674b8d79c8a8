from otree.api import Currency as cu, currency_range, expect, Bot, Submission, SubmissionMustFail
from . import *

# Amount the dictator gives to the recipient in every case.
GIVEN = {'selfish': 0, 'equal_split': 50, 'generous': 70, 'gives_everything': 100}


class PlayerBot(Bot):
    cases = list(GIVEN)

    def play_round(self):
        given = cu(GIVEN[self.case])
        yield Introduction

        if self.player.role == C.DICTATOR_ROLE:
            yield SubmissionMustFail(Decide, dict(given=C.ENDOWMENT + 1), error_fields=['given'])
            yield SubmissionMustFail(Decide, dict(given=-1), error_fields=['given'])
            yield SubmissionMustFail(Decide, dict(), error_fields=['given'])
            yield Decide, dict(given=given)
        # The recipient never sees Decide and goes straight to the wait page.

        expect(self.group.given, given)
        if self.player.role == C.DICTATOR_ROLE:
            expect(self.player.payoff, C.ENDOWMENT - given)
            expect('You chose to give', 'in', self.html)
        else:
            expect(self.player.payoff, given)
            expect('The dictator chose to give you', 'in', self.html)
        if self.case == 'equal_split':
            expect(self.player.payoff, cu(50))
        yield Results
