from otree.api import *

doc = """
The last page of a session: tells participants what they earned in total, including
the participation fee, and which participant label to quote when they get paid.
"""


class C(BaseConstants):
    NAME_IN_URL = 'payment_info'
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    pass


# PAGES
class PaymentInfo(Page):
    @staticmethod
    def vars_for_template(player: Player):
        participant = player.participant
        return dict(
            earnings=participant.payoff_in_real_world_currency(),
            fee=player.session.participation_fee,
        )


page_sequence = [PaymentInfo]
