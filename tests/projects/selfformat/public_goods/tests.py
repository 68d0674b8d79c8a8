from otree.api import Currency as c, currency_range, expect, SubmissionMustFail
from . import pages
from ._builtin import Bot
from .models import Constants


class PlayerBot(Bot):

    cases = ['basic', 'min', 'max']

    def play_round(self):
        case = self.case
        if self.round_number == 1:
            yield pages.Introduction

        if case == 'basic':
            yield SubmissionMustFail(pages.Contribute, {'contribution': 13})

        if case == 'min':
            contribution = 0
        elif case == 'max':
            contribution = self.player.contribution_max()
        else:
            contribution = 50
        yield pages.Contribute, dict(contribution=contribution)

        yield pages.Results

        if case == 'min' and self.player.id_in_group == 1:
            expect(self.player.payoff, Constants.endowment)
        if case == 'max' and self.round_number == 1:
            expect(self.group.total_contribution, Constants.endowment * Constants.players_per_group)
