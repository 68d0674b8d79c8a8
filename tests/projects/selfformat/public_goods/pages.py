from ._builtin import Page, WaitPage
from otree.api import Currency as c, currency_range
from .models import Constants


class Introduction(Page):
    """Description of the game: how to play and returns expected"""

    def is_displayed(self):
        return self.round_number == 1


class Contribute(Page):
    """Player: Choose how much to contribute"""

    form_model = 'player'
    form_fields = ['contribution']

    def vars_for_template(self):
        return dict(max_contribution=self.player.contribution_max())


class ResultsWaitPage(WaitPage):
    after_all_players_arrive = 'set_payoffs'

    body_text = "Waiting for other participants to contribute."


class Results(Page):
    """Players: payoff: How much each has earned"""

    def vars_for_template(self):
        return dict(total_earnings=self.group.total_contribution * Constants.multiplier)


page_sequence = [Introduction, Contribute, ResultsWaitPage, Results]
