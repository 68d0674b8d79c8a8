from otree.api import *
from . import *


class PlayerBot(Bot):
    def play_round(self):
        mode = self.session.config['mode']
        if mode == 'wrong_page':
            yield End
        if mode == 'must_fail_passes':
            yield SubmissionMustFail(Form, dict(n=5, word='valid'))
        if mode == 'wrong_fields':
            # fails on n (too big) and on word (missing), not only on n
            yield SubmissionMustFail(Form, dict(n=50, word=''), error_fields=['n'])
        if mode == 'bad_yield':
            yield 'Form'
        data = dict(n=3, word='a')
        if mode == 'missing_field':
            data['secret'] = 'x'  # not a field of Form: not in its HTML
        yield Form, data
        if mode == 'expect':
            expect(self.player.n, 4)
        if mode == 'expect_op':
            expect(self.player.n, '>', 5)
        if mode == 'bot_bug':
            self.participant.vars['no_such_key']
        if mode == 'app_bug':
            score(self.player)
        if mode == 'wait_page':
            yield Wait
        if mode == 'stops_early':
            return
        if mode == 'no_button':
            yield NoButton
        else:
            yield Submission(NoButton, check_html=False)
        yield Crash
        yield End
        if mode == 'leftover':
            yield End
