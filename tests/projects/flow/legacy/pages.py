from ._builtin import Page, WaitPage
from otree.api import Currency as c, currency_range
from .models import Constants, Player


class Guess(Page):
    form_model = Player  # oTree 2 style: the model class instead of 'player'

    def get_form_fields(self):
        if self.player.id_in_group == 1:
            return ['guess', 'confirm']
        return ['guess']

    def guess_min(self):
        # oTree 2/3 looked for field hooks on the page first, then on the model
        return 2

    def get_timeout_seconds(self):
        return 300

    def vars_for_template(self):
        return {'double_max': self.player.guess_max() * 2}

    def js_vars(self):
        return dict(code=self.participant.code, round=self.round_number)

    def error_message(self, values):
        if values.get('confirm') is False:
            return 'Please confirm'

    def before_next_page(self):
        vars = self.participant.vars
        vars['legacy_bnp'] = vars.get('legacy_bnp', 0) + 1
        vars['legacy_timeout'] = self.timeout_happened


class Skip(Page):
    def is_displayed(self):
        return False

    def vars_for_template(self):
        raise AssertionError('Skip must not render')


class SumWait(WaitPage):
    title_text = 'One moment'

    def after_all_players_arrive(self):
        # oTree 2 style: a method of the wait page, reading self.group
        self.group.arrive_runs += 1
        self.group.sum_guess = sum(p.guess for p in self.group.get_players())
        for p in self.group.get_players():
            p.payoff = self.group.sum_guess + Constants.bonus


class Result(Page):
    def is_displayed(self):
        return self.round_number == Constants.num_rounds

    def app_after_this_page(self, upcoming_apps):
        self.participant.vars['legacy_upcoming'] = upcoming_apps
        return upcoming_apps[-1]


page_sequence = [Guess, Skip, SumWait, Result]
