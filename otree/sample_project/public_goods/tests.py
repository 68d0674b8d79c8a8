from otree.api import Currency as cu, currency_range, expect, Bot, Submission, SubmissionMustFail
from . import *

# Contribution of each group member (by id_in_group) in every case.
CONTRIBUTIONS = {
    'everyone_gives_all': {1: 100, 2: 100, 3: 100},
    'nobody_gives': {1: 0, 2: 0, 3: 0},
    'one_free_rider': {1: 0, 2: 100, 3: 100},
    'mixed': {1: 15, 2: 40, 3: 61},
}


class PlayerBot(Bot):
    cases = list(CONTRIBUTIONS)

    def play_round(self):
        mine = cu(CONTRIBUTIONS[self.case][self.player.id_in_group])
        total = cu(sum(CONTRIBUTIONS[self.case].values()))

        yield Introduction

        # Out of range, negative and non-numeric contributions are rejected.
        yield SubmissionMustFail(Contribute, dict(contribution=C.ENDOWMENT + 1), error_fields=['contribution'])
        yield SubmissionMustFail(Contribute, dict(contribution=-5), error_fields=['contribution'])
        yield SubmissionMustFail(Contribute, dict(contribution='a lot'), error_fields=['contribution'])
        yield SubmissionMustFail(Contribute, dict(), error_fields=['contribution'])
        yield Contribute, dict(contribution=mine)

        share = total * C.MULTIPLIER / C.PLAYERS_PER_GROUP
        expect(self.group.total_contribution, total)
        expect(self.group.individual_share, share)
        expect(self.player.payoff, C.ENDOWMENT - mine + share)
        if self.case == 'everyone_gives_all':
            expect(self.player.payoff, cu(150))
        if self.case == 'nobody_gives':
            expect(self.player.payoff, C.ENDOWMENT)
        if self.case == 'one_free_rider':
            # The free rider gains most; the contributors end up with exactly their endowment.
            expect(self.player.payoff, cu(200) if self.player.id_in_group == 1 else cu(100))
        if self.case == 'mixed':
            # 116 in total, times 1.5, over 3 = 58.
            expect(share, cu(58))
        expect(str(self.player.payoff), 'in', self.html)
        yield Results
