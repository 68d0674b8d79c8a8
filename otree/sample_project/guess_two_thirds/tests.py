from otree.api import Currency as cu, currency_range, expect, Bot, Submission, SubmissionMustFail
from . import *

# For every case and round: the guesses of players 1, 2, 3, and the ids of the expected winners.
ROUNDS = {
    'clear_winner': [
        ((0, 50, 100), {2}),  # target 33.33
        ((20, 30, 40), {1}),  # target 20
        ((10, 10, 70), {1, 2}),  # target 20: the same guess twice shares the prize
    ],
    'everyone_wins': [
        ((50, 50, 50), {1, 2, 3}),
        ((0, 0, 0), {1, 2, 3}),
        ((100, 100, 100), {1, 2, 3}),
    ],
    'equidistant_tie': [
        ((10, 30, 50), {1, 2}),  # target 20: 10 and 30 are both 10 away
        ((90, 60, 0), {2}),  # target 33.33
        ((1, 2, 3), {1}),  # target 1.33
    ],
}


class PlayerBot(Bot):
    cases = list(ROUNDS)

    def play_round(self):
        guesses, winners = ROUNDS[self.case][self.round_number - 1]
        me = self.player.id_in_group

        if self.round_number == 1:
            yield Introduction
            yield SubmissionMustFail(Guess, dict(guess=C.MAX_GUESS + 1), error_fields=['guess'])
            yield SubmissionMustFail(Guess, dict(guess=-1), error_fields=['guess'])
            yield SubmissionMustFail(Guess, dict(guess='fifty'), error_fields=['guess'])
            yield SubmissionMustFail(Guess, dict(guess=''), error_fields=['guess'])
        else:
            # The earlier rounds' targets are listed above the form.
            for earlier in self.group.in_previous_rounds():
                expect('Round {}: <strong>{:.2f}</strong>'.format(earlier.round_number, earlier.two_thirds_avg), 'in', self.html)
        yield Guess, dict(guess=guesses[me - 1])

        expect(self.group.two_thirds_avg, round(2 * sum(guesses) / 9, 2))
        expect('id="target">{:.2f}<'.format(self.group.two_thirds_avg), 'in', self.html)
        expect(self.group.num_winners, len(winners))
        expect(self.player.is_winner, me in winners)
        expect(self.player.payoff, C.PRIZE / len(winners) if me in winners else cu(0))
        if self.case == 'clear_winner' and self.round_number == 1:
            expect(self.player.payoff, cu(100) if me == 2 else cu(0))
        if self.case == 'everyone_wins':
            expect(self.player.payoff, cu(33))

        # One history row per round played so far, and the running total matches.
        history = self.player.in_all_rounds()
        expect(len(history), self.round_number)
        expect(self.html.count('class="history-row"'), self.round_number)
        expect(self.participant.payoff, sum(p.payoff for p in history))
        expect('id="total">{}<'.format(self.participant.payoff), 'in', self.html)
        yield Results
