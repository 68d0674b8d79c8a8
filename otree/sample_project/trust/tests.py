from otree.api import Currency as cu, currency_range, expect, Bot, Submission, SubmissionMustFail
from . import *

# (sent by the trustor, sent back by the trustee) in every case.
AMOUNTS = {
    'full_trust_fair_return': (100, 150),
    'full_trust_no_return': (100, 0),
    'no_trust': (0, 0),
    'partial_trust_full_return': (30, 90),
}


class PlayerBot(Bot):
    cases = list(AMOUNTS)

    def play_round(self):
        sent, sent_back = (cu(x) for x in AMOUNTS[self.case])
        yield Introduction

        if self.player.role == C.TRUSTOR_ROLE:
            yield SubmissionMustFail(Send, dict(sent_amount=C.ENDOWMENT + 1), error_fields=['sent_amount'])
            yield SubmissionMustFail(Send, dict(sent_amount=-1), error_fields=['sent_amount'])
            yield Send, dict(sent_amount=sent)
        else:
            expect(self.group.sent_amount, sent)
            expect(str(sent * 3), 'in', self.html)
            # More than the tripled amount cannot be returned (the limit comes from sent_back_amount_max).
            yield SubmissionMustFail(SendBack, dict(sent_back_amount=sent * 3 + 1), error_fields=['sent_back_amount'])
            yield SubmissionMustFail(SendBack, dict(sent_back_amount=-10), error_fields=['sent_back_amount'])
            yield SendBack, dict(sent_back_amount=sent_back)

        expect(self.group.sent_back_amount, sent_back)
        if self.player.role == C.TRUSTOR_ROLE:
            expect(self.player.payoff, C.ENDOWMENT - sent + sent_back)
        else:
            expect(self.player.payoff, sent * 3 - sent_back)
        if self.case == 'no_trust':
            expect(self.player.payoff, C.ENDOWMENT if self.player.role == C.TRUSTOR_ROLE else cu(0))
        if self.case == 'full_trust_fair_return':
            expect(self.player.payoff, cu(150))
        expect(self.player.role, 'in', self.html)
        yield Results
