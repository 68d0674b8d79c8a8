from otree.api import Currency as cu, currency_range, expect, Bot, Submission, SubmissionMustFail
from . import *


def choice_of(case, player):
    """Where a bot goes, in each case."""
    if case == 'everyone_at_fountain':
        return 'fountain'
    if case == 'first_and_second_disagree':
        # Decided by the order of arrival inside the pair: the two never meet.
        return 'fountain' if player.id_in_group == 1 else 'clock'
    # 'two_camps': participants 1 and 2 go to the bridge, the others to the clock.
    return 'bridge' if player.participant.id_in_session <= 2 else 'clock'


class PlayerBot(Bot):
    cases = ['everyone_at_fountain', 'first_and_second_disagree', 'two_camps']

    def play_round(self):
        # The arrival wait page has already formed the pair: two different participants.
        players = self.group.get_players()
        expect(len(players), C.PLAYERS_PER_GROUP)
        expect(self.participant.code, 'in', [p.participant.code for p in players])
        expect(players[0].participant.code, '!=', players[1].participant.code)
        expect('You have been paired with another participant', 'in', self.html)

        yield SubmissionMustFail(Meet, dict(meeting_point='the moon'), error_fields=['meeting_point'])
        yield SubmissionMustFail(Meet, dict(), error_fields=['meeting_point'])
        mine = choice_of(self.case, self.player)
        yield Meet, dict(meeting_point=mine)

        other = self.player.get_others_in_group()[0]
        should_meet = mine == choice_of(self.case, other)
        if self.case == 'everyone_at_fountain':
            expect(should_meet, True)
        if self.case == 'first_and_second_disagree':
            expect(should_meet, False)
        expect(self.group.met, should_meet)
        expect(self.player.payoff, C.PRIZE_IF_MET if should_meet else C.PRIZE_IF_MISSED)
        expect(other.payoff, self.player.payoff)
        expect('You met!' if should_meet else 'You missed each other', 'in', self.html)
        yield Results
