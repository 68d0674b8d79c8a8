from otree.api import *

doc = """
Trust game for pairs. The trustor may send part of an endowment to the trustee; the
amount sent is tripled on the way. The trustee then decides how much of the tripled
amount to send back. Trust pays off only if the trustee reciprocates.
"""


class C(BaseConstants):
    NAME_IN_URL = 'trust'
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 1
    ENDOWMENT = cu(100)
    MULTIPLIER = 3
    # Roles are given by id_in_group, in the order they are declared here.
    TRUSTOR_ROLE = 'Trustor'
    TRUSTEE_ROLE = 'Trustee'


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    sent_amount = models.CurrencyField(
        min=0,
        max=C.ENDOWMENT,
        label="How much of your endowment do you send to the trustee?",
        doc="Amount the trustor sent (before it is multiplied).",
    )
    sent_back_amount = models.CurrencyField(
        min=0,
        label="How much do you send back to the trustor?",
        doc="Amount the trustee returned out of the multiplied amount.",
    )


class Player(BasePlayer):
    pass


# FUNCTIONS
def tripled_amount(group: Group):
    return group.sent_amount * C.MULTIPLIER


def sent_back_amount_max(group: Group):
    # The trustee can return at most what actually arrived.
    return tripled_amount(group)


def set_payoffs(group: Group):
    trustor = group.get_player_by_role(C.TRUSTOR_ROLE)
    trustee = group.get_player_by_role(C.TRUSTEE_ROLE)
    trustor.payoff = C.ENDOWMENT - group.sent_amount + group.sent_back_amount
    trustee.payoff = tripled_amount(group) - group.sent_back_amount


# PAGES
class Introduction(Page):
    pass


class Send(Page):
    form_model = 'group'
    form_fields = ['sent_amount']

    @staticmethod
    def is_displayed(player: Player):
        return player.role == C.TRUSTOR_ROLE


class SendBackWaitPage(WaitPage):
    # Only a synchronisation point: the trustee waits here for the trustor's decision.
    body_text = "Waiting for the trustor to decide how much to send."


class SendBack(Page):
    form_model = 'group'
    form_fields = ['sent_back_amount']

    @staticmethod
    def is_displayed(player: Player):
        return player.role == C.TRUSTEE_ROLE

    @staticmethod
    def vars_for_template(player: Player):
        return dict(tripled_amount=tripled_amount(player.group))


class ResultsWaitPage(WaitPage):
    body_text = "Waiting for the trustee's decision."
    after_all_players_arrive = set_payoffs


class Results(Page):
    @staticmethod
    def vars_for_template(player: Player):
        group = player.group
        return dict(
            tripled_amount=tripled_amount(group),
            trustor_kept=C.ENDOWMENT - group.sent_amount,
            trustee_kept=tripled_amount(group) - group.sent_back_amount,
        )


page_sequence = [Introduction, Send, SendBackWaitPage, SendBack, ResultsWaitPage, Results]
