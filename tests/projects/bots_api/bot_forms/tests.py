from otree.api import *
from otree.bots import ExpectError
from . import *


class PlayerBot(Bot):
    def play_round(self):
        expect(self.round_number, 1)
        expect(self.case, None)  # no cases in this app
        # a bare page class (a page without fields)
        yield Intro
        # self.html is the page the participant is on now
        expect('Page Numbers.', 'in', self.html)

        # SubmissionMustFail: without error_fields, and with exactly the failing fields
        yield SubmissionMustFail(Numbers, dict(number=11, word='hi'))
        yield SubmissionMustFail(Numbers, dict(number=11, word='hi'), error_fields=['number'])
        yield SubmissionMustFail(Numbers, dict(number=3), error_fields=['word'])
        yield SubmissionMustFail(Numbers, dict(number=-1, word=''), error_fields=['word', 'number'])
        # rejected by error_message rather than by a field
        yield SubmissionMustFail(Numbers, dict(number=3, word='bad'))
        # none of the failed submissions saved anything
        expect(self.player.field_maybe_none('number'), None)
        expect(self.player.field_maybe_none('word'), None)

        # Page, dict(...) (a tuple without parentheses)
        yield Numbers, dict(number=3, word='hello')
        expect(self.player.number, 3)
        expect(self.player.word, 'hello')

        # an explicit tuple
        yield (Flag, dict(flag=True))
        expect(self.player.flag, True)

        # the page has only raw <button name="choice" value="..."> elements: the HTML check accepts them
        yield Submission(Choice, dict(choice='y'), check_html=True)
        expect(self.player.choice, 'y')

        # hidden_value is not in the page's HTML: only check_html=False lets the bot submit it
        yield Submission(Hidden, dict(hidden_value=7), check_html=False)
        expect(self.player.hidden_value, 7)

        # a list for a MultiStringField
        yield Colors, dict(colors=['red', 'blue'])
        expect(self.player.colors, ['red', 'blue'])

        # timeout_happened: missing fields get defaults, before_next_page sees timeout_happened=True
        yield Submission(Timed, dict(t_number=5), timeout_happened=True)
        expect(self.player.t_number, 5)
        expect(self.player.t_word, '')
        expect(self.player.t_flag, False)
        expect(self.player.timed_out, True)
        expect(self.participant.vars['timed_out'], True)

        yield Submission(NotTimed, dict(in_time_word='in time'), check_html=True, timeout_happened=False)
        expect(self.participant.vars['not_timed_out'], True)
        expect(self.player.in_time_word, 'in time')

        # every expect operator, on live values
        expect(self.player.number, '==', 3)
        expect(self.player.number, '!=', 4)
        expect(self.player.number, '>', 2)
        expect(self.player.number, '<', 4)
        expect(self.player.number, '>=', 3)
        expect(self.player.number, '<=', 3)
        expect(self.player.choice, 'in', ['x', 'y'])
        expect(self.player.choice, 'not in', ['x'])
        expect('RESULTS-MARKER-3', 'in', self.html)
        expect('Page Numbers.', 'not in', self.html)
        # a failing expect raises ExpectError
        try:
            expect(self.player.number, '>', 3)
        except ExpectError:
            pass
        else:
            raise AssertionError('expect(3, ">", 3) did not fail')

        # live objects
        expect(self.participant.id_in_session, 'in', [1, 2])
        expect(self.session.config['name'], 'in', ['forms', 'multi'])
        expect(self.subsession.round_number, 1)
        expect(self.group.id_in_subsession, 1)
        yield Results
        # code after the last yield runs too
        expect(self.player.word, 'hello')
        self.participant.vars['bot_forms_finished'] = True
