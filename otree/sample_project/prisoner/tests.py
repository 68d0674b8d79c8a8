from otree.api import Currency as cu, currency_range, expect, Bot, Submission, SubmissionMustFail
from . import *

# Choices of players 1 and 2 (True = cooperate) and their expected payoffs, in every case.
CASES = {
    'both_cooperate': ((True, True), (200, 200)),
    'both_defect': ((False, False), (100, 100)),
    'first_betrayed': ((True, False), (0, 300)),
    'second_betrayed': ((False, True), (300, 0)),
}


class PlayerBot(Bot):
    cases = list(CASES)

    def play_round(self):
        choices, payoffs = CASES[self.case]
        me = self.player.id_in_group - 1
        mine, others = choices[me], choices[1 - me]

        yield Introduction
        # The choice comes from the raw <button name="cooperate" value="..."> elements, which the
        # HTML check accepts as the form's input and submit button.
        yield SubmissionMustFail(Decision, dict(), error_fields=['cooperate'])
        yield SubmissionMustFail(Decision, dict(cooperate='Perhaps'), error_fields=['cooperate'])
        yield Submission(Decision, dict(cooperate=mine), check_html=True)

        expect(self.player.cooperate, mine)
        expect(self.player.payoff, cu(payoffs[me]))
        expect(self.player.payoff, payoff_for(mine, others))
        expect('id="my-choice">{}<'.format('Cooperate' if mine else 'Defect'), 'in', self.html)
        expect('id="other-choice">{}<'.format('Cooperate' if others else 'Defect'), 'in', self.html)
        yield Results
