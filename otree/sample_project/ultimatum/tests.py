from otree.api import Currency as cu, currency_range, expect, Bot, Submission, SubmissionMustFail
from . import *

# (offer, accepted) in every case.
CHOICES = {
    'fair_offer_accepted': (50, True),
    'low_offer_rejected': (10, False),
    'zero_offer_accepted': (0, True),
    'everything_offered_rejected': (100, False),
}


class PlayerBot(Bot):
    cases = list(CHOICES)

    def play_round(self):
        offer, accepted = CHOICES[self.case]
        offer = cu(offer)
        yield Introduction

        if self.player.role == C.PROPOSER_ROLE:
            yield SubmissionMustFail(Offer, dict(offer=C.PIE + 1), error_fields=['offer'])
            yield SubmissionMustFail(Offer, dict(offer=-20), error_fields=['offer'])
            yield Offer, dict(offer=offer)
        else:
            expect(self.group.offer, offer)
            # An answer is required, and only the two radio choices are valid.
            yield SubmissionMustFail(Respond, dict(), error_fields=['accepted'])
            yield SubmissionMustFail(Respond, dict(accepted='Maybe'), error_fields=['accepted'])
            yield Respond, dict(accepted=accepted)

        expect(self.group.accepted, accepted)
        if accepted:
            expect('id="response">accepted', 'in', self.html)
            mine = C.PIE - offer if self.player.role == C.PROPOSER_ROLE else offer
        else:
            expect('id="response">rejected', 'in', self.html)
            mine = cu(0)
        expect(self.player.payoff, mine)
        if self.case == 'fair_offer_accepted':
            expect(self.player.payoff, cu(50))
        yield Results
