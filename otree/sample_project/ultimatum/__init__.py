from otree.api import *

doc = """
Ultimatum game for pairs. The proposer offers the responder a share of a fixed pie.
If the responder accepts, the pie is split as proposed; if the responder rejects,
both earn nothing.
"""


class C(BaseConstants):
    NAME_IN_URL = 'ultimatum'
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 1
    PIE = cu(100)
    PROPOSER_ROLE = 'Proposer'
    RESPONDER_ROLE = 'Responder'


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    offer = models.CurrencyField(
        min=0,
        max=C.PIE,
        label="How much of the pie do you offer to the responder?",
        doc="Amount offered to the responder; the proposer would keep the rest.",
    )
    accepted = models.BooleanField(
        choices=[[True, "Accept the offer"], [False, "Reject the offer"]],
        widget=widgets.RadioSelect,
        label="What is your response?",
        doc="Whether the responder accepted the offer.",
    )


class Player(BasePlayer):
    pass


# FUNCTIONS
def set_payoffs(group: Group):
    proposer = group.get_player_by_role(C.PROPOSER_ROLE)
    responder = group.get_player_by_role(C.RESPONDER_ROLE)
    if group.accepted:
        proposer.payoff = C.PIE - group.offer
        responder.payoff = group.offer
    else:
        proposer.payoff = cu(0)
        responder.payoff = cu(0)


# PAGES
class Introduction(Page):
    pass


class Offer(Page):
    form_model = 'group'
    form_fields = ['offer']

    @staticmethod
    def is_displayed(player: Player):
        return player.role == C.PROPOSER_ROLE


class OfferWaitPage(WaitPage):
    body_text = "Waiting for the proposer to make an offer."


class Respond(Page):
    form_model = 'group'
    form_fields = ['accepted']

    @staticmethod
    def is_displayed(player: Player):
        return player.role == C.RESPONDER_ROLE

    @staticmethod
    def vars_for_template(player: Player):
        return dict(proposer_keeps=C.PIE - player.group.offer)


class ResultsWaitPage(WaitPage):
    body_text = "Waiting for the responder's answer."
    after_all_players_arrive = set_payoffs


class Results(Page):
    @staticmethod
    def vars_for_template(player: Player):
        return dict(proposer_keeps=C.PIE - player.group.offer)


page_sequence = [Introduction, Offer, OfferWaitPage, Respond, ResultsWaitPage, Results]
