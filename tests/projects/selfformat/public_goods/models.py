from otree.api import (
    models,
    widgets,
    BaseConstants,
    BaseSubsession,
    BaseGroup,
    BasePlayer,
    Currency as c,
    currency_range,
)


doc = """
A public goods game in the oTree 3 ("self") format: three players each decide how much
of their endowment to contribute to a common pool, which is multiplied and shared equally.
"""


class Constants(BaseConstants):
    name_in_url = 'public_goods'
    players_per_group = 3
    num_rounds = 2

    instructions_template = 'public_goods/instructions.html'

    # """Amount allocated to each player"""
    endowment = c(100)
    multiplier = 2


class Subsession(BaseSubsession):
    treatment = models.StringField()

    def creating_session(self):
        # alternate treatments by round, and remember which rounds were set up
        if self.round_number % 2 == 1:
            self.treatment = 'high'
        else:
            self.treatment = 'low'
        self.session.vars.setdefault('rounds_created', []).append(self.round_number)


class Group(BaseGroup):
    total_contribution = models.CurrencyField()
    individual_share = models.CurrencyField()
    # How often set_payoffs ran for this group (the wait page must run it exactly once).
    set_payoffs_runs = models.IntegerField(initial=0)

    def set_payoffs(self):
        self.set_payoffs_runs += 1
        players = self.get_players()
        self.total_contribution = sum(p.contribution for p in players)
        self.individual_share = (
            self.total_contribution * Constants.multiplier / Constants.players_per_group
        )
        for p in players:
            p.payoff = (Constants.endowment - p.contribution) + self.individual_share


class Player(BasePlayer):
    contribution = models.CurrencyField(
        min=0, doc="""The amount contributed by the player""", label="How much will you contribute to the project?"
    )
    comment = models.LongStringField(blank=True, verbose_name="Any comment?")

    def contribution_max(self):
        # in the low treatment only half of the endowment may be contributed
        if self.subsession.treatment == 'low':
            return Constants.endowment / 2
        return Constants.endowment

    def contribution_error_message(self, value):
        if value == 13:
            return 'Unlucky number, please choose another amount'
