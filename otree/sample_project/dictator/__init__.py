from otree.api import *

doc = """
Dictator game for pairs. The dictator divides a fixed sum between themself and a
recipient; the recipient has no say. A standard measure of unconditional generosity.
"""


class C(BaseConstants):
    NAME_IN_URL = 'dictator'
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 1
    ENDOWMENT = cu(100)
    DICTATOR_ROLE = 'Dictator'
    RECIPIENT_ROLE = 'Recipient'


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    given = models.CurrencyField(
        min=0,
        max=C.ENDOWMENT,
        label="How much do you give to the recipient?",
        doc="Amount the dictator gave away; the dictator keeps the rest.",
    )


class Player(BasePlayer):
    pass


# FUNCTIONS
def set_payoffs(group: Group):
    group.get_player_by_role(C.DICTATOR_ROLE).payoff = C.ENDOWMENT - group.given
    group.get_player_by_role(C.RECIPIENT_ROLE).payoff = group.given


# PAGES
class Introduction(Page):
    pass


class Decide(Page):
    form_model = 'group'
    form_fields = ['given']

    @staticmethod
    def is_displayed(player: Player):
        return player.role == C.DICTATOR_ROLE


class ResultsWaitPage(WaitPage):
    body_text = "Waiting for the dictator to decide."
    after_all_players_arrive = set_payoffs


class Results(Page):
    @staticmethod
    def vars_for_template(player: Player):
        return dict(kept=C.ENDOWMENT - player.group.given)


page_sequence = [Introduction, Decide, ResultsWaitPage, Results]
