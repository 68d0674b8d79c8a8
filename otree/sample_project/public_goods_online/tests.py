from otree.api import Currency as cu, currency_range, expect, Bot, Submission, SubmissionMustFail
from . import *


class PlayerBot(Bot):
    """Of 6 participants, one declines consent and 5 reach the lobby: one group of 3 is formed,
    whose third member drops out on the contribution page (a closed browser); the other two
    cannot be grouped any more and leave the lobby."""

    def play_round(self):
        if self.participant.id_in_session == 6:
            yield Consent, dict(consent=False)  # declines: straight to the end
            return
        yield Consent, dict(consent=True)
        # The lobby formed one group of 3 from the first 3 to arrive; the other two are left
        # over once everyone has arrived, and leave (bots press no button: they leave at once).
        if self.participant.left_wait_page:
            return
        expect(len(self.group.get_players()), C.PLAYERS_PER_GROUP)
        if self.player.id_in_group == 3:
            # A bot simulates a closed browser: a timed-out submission marked as a dropout.
            yield Submission(Contribute, dict(otree_dropout=True), timeout_happened=True, check_html=False)
            expect(self.participant.is_dropout, True)
            expect(self.player.contribution, 0)  # dropout_submission
            expect(self.participant.vars['dropped_out_in'], 'the contribution page')
        else:
            yield Contribute, dict(contribution=50)
            expect(self.participant.is_dropout, False)
            expect('1 member(s) of your group left the study', 'in', self.html)
        expect(self.group.total_contribution, cu(100))
        yield Results
