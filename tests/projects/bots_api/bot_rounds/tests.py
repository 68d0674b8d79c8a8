from otree.api import *
from . import *


class PlayerBot(Bot):
    # cases as dicts; each case is played in a new session
    cases = [dict(name='low', amount=1), dict(name='high', amount=9)]

    def play_round(self):
        amount = self.case['amount'] + self.round_number
        expect(self.player.round_number, self.round_number)
        expect(len(self.player.in_previous_rounds()), self.round_number - 1)
        yield Decide, dict(amount=amount)
        # the wait pages were passed automatically; their after_all_players_arrive ran
        expect(self.group.total, amount * 2)
        expect(self.player.payoff, amount * 2 * self.round_number)
        num_groups = len(self.subsession.get_groups())
        expect(self.subsession.grand_total, amount * 2 * num_groups)
        expect('Group total: %s' % (amount * 2), 'in', self.html)
        self.participant.vars.setdefault('bot_rounds_cases', []).append(self.case['name'])
        yield Results
        if self.round_number == C.NUM_ROUNDS:
            yield OnlyLastRound
            expect(self.participant.vars['bot_rounds_cases'], [self.case['name']] * C.NUM_ROUNDS)
