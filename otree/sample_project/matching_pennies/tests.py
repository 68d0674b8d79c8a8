from otree.api import Currency as cu, currency_range, expect, Bot, Submission, SubmissionMustFail
from . import *


def side_shown(case, role, round_number):
    """The side a bot in this role shows, in each case."""
    if role == C.MATCHER_ROLE:
        return 'Heads'
    if case == 'matcher_always_wins':
        return 'Heads'
    if case == 'mismatcher_always_wins':
        return 'Tails'
    # 'late_switch': the Mismatcher copies the Matcher except in the last round.
    return 'Heads' if round_number < C.NUM_ROUNDS else 'Tails'


def wins_round(case, role, round_number):
    matched = side_shown(case, C.MATCHER_ROLE, round_number) == side_shown(case, C.MISMATCHER_ROLE, round_number)
    return matched if role == C.MATCHER_ROLE else not matched


class PlayerBot(Bot):
    cases = ['matcher_always_wins', 'mismatcher_always_wins', 'late_switch']

    def play_round(self):
        round_number = self.round_number
        first_round_self = self.player.in_round(1)

        # Roles come from id_in_group, which stays fixed in the first half and flips after.
        if round_number < C.SWAP_ROUND:
            expect(self.player.id_in_group, first_round_self.id_in_group)
        else:
            expect(self.player.role, '!=', first_round_self.role)
        expect(self.player.role, C.MATCHER_ROLE if self.player.id_in_group == 1 else C.MISMATCHER_ROLE)
        # The partner never changes.
        partner_code = self.player.get_others_in_group()[0].participant.code
        expect(partner_code, first_round_self.get_others_in_group()[0].participant.code)
        expect(self.session.vars['paying_round'], 'in', list(range(1, C.NUM_ROUNDS + 1)))

        if round_number == 1:
            expect('From round {} on'.format(C.SWAP_ROUND), 'in', self.html)
            yield Introduction

        if round_number == C.SWAP_ROUND:
            expect('Roles have been swapped', 'in', self.html)
        # A penny has only two sides, and a side must be chosen.
        yield SubmissionMustFail(Choice, dict(penny_side='Edge'), error_fields=['penny_side'])
        if round_number == 1:
            yield SubmissionMustFail(Choice, dict(), error_fields=['penny_side'])
        my_side = side_shown(self.case, self.player.role, round_number)
        yield Choice, dict(penny_side=my_side)

        matched = side_shown(self.case, C.MATCHER_ROLE, round_number) == side_shown(
            self.case, C.MISMATCHER_ROLE, round_number
        )
        should_win = wins_round(self.case, self.player.role, round_number)
        expect(self.group.matched, matched)
        expect(self.player.is_winner, should_win)
        is_paying_round = round_number == self.session.vars['paying_round']
        expect(self.player.payoff, C.PRIZE if should_win and is_paying_round else cu(0))
        expect('you won this round' if should_win else 'you lost this round', 'in', self.html)
        yield RoundResults

        if round_number == C.NUM_ROUNDS:
            paying_round = self.session.vars['paying_round']
            won_paid = self.player.in_round(paying_round).is_winner
            expect(self.participant.payoff, C.PRIZE if won_paid else cu(0))
            expect('Round {} was drawn for payment'.format(paying_round), 'in', self.html)
            expected_wins = sum(
                1 for p in self.player.in_all_rounds() if wins_round(self.case, p.role, p.round_number)
            )
            wins = sum(1 for p in self.player.in_all_rounds() if p.is_winner)
            expect(wins, expected_wins)
            yield FinalResults
