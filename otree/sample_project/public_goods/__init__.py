from otree.api import *

doc = """
Public goods game for groups of three. Everyone starts with the same endowment and
decides privately how much of it to put into a shared project. The project's total
is multiplied and split equally among all members, whether they contributed or not.
"""


class C(BaseConstants):
    NAME_IN_URL = 'public_goods'
    PLAYERS_PER_GROUP = 3
    NUM_ROUNDS = 1
    ENDOWMENT = cu(100)
    # Every point in the project is worth 1.5 points to the group as a whole,
    # but only 0.5 points to the member who put it there.
    MULTIPLIER = 1.5


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    total_contribution = models.CurrencyField(doc="Sum of the members' contributions.")
    individual_share = models.CurrencyField(doc="Multiplied total, divided by the group size.")


class Player(BasePlayer):
    contribution = models.CurrencyField(
        min=0,
        max=C.ENDOWMENT,
        label="How much of your endowment do you put into the group project?",
        doc="Amount moved from the private account to the group project.",
    )


# FUNCTIONS
def set_payoffs(group: Group):
    players = group.get_players()
    group.total_contribution = sum(p.contribution for p in players)
    group.individual_share = group.total_contribution * C.MULTIPLIER / C.PLAYERS_PER_GROUP
    for p in players:
        p.payoff = C.ENDOWMENT - p.contribution + group.individual_share


# PAGES
class Introduction(Page):
    pass


class Contribute(Page):
    form_model = 'player'
    form_fields = ['contribution']


class ResultsWaitPage(WaitPage):
    body_text = "Waiting for the other members of your group to decide."
    after_all_players_arrive = set_payoffs


class Results(Page):
    @staticmethod
    def vars_for_template(player: Player):
        return dict(kept=C.ENDOWMENT - player.contribution)


page_sequence = [Introduction, Contribute, ResultsWaitPage, Results]
