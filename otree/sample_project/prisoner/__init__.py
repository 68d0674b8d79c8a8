from otree.api import *

doc = """
One-shot prisoner's dilemma for pairs. Both players choose at the same time to
cooperate or defect. Defecting is better for each player whatever the other does,
yet both earn more if both cooperate than if both defect.
"""


class C(BaseConstants):
    NAME_IN_URL = 'prisoner'
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 1
    # Payoff to a player, given (own choice, other's choice).
    BOTH_COOPERATE_PAYOFF = cu(200)
    BOTH_DEFECT_PAYOFF = cu(100)
    BETRAYER_PAYOFF = cu(300)  # defected while the other cooperated
    BETRAYED_PAYOFF = cu(0)  # cooperated while the other defected


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    cooperate = models.BooleanField(
        choices=[[True, 'Cooperate'], [False, 'Defect']],
        doc="The player's choice; submitted by one of two buttons on the Decision page.",
    )


# FUNCTIONS
def payoff_for(me_cooperates: bool, other_cooperates: bool):
    if me_cooperates and other_cooperates:
        return C.BOTH_COOPERATE_PAYOFF
    if me_cooperates:
        return C.BETRAYED_PAYOFF
    if other_cooperates:
        return C.BETRAYER_PAYOFF
    return C.BOTH_DEFECT_PAYOFF


def other_player(player: Player):
    return player.get_others_in_group()[0]


def set_payoffs(group: Group):
    for p in group.get_players():
        p.payoff = payoff_for(p.cooperate, other_player(p).cooperate)


# PAGES
class Introduction(Page):
    timeout_seconds = 120


class Decision(Page):
    form_model = 'player'
    form_fields = ['cooperate']


class ResultsWaitPage(WaitPage):
    body_text = "Waiting for the other participant's choice."
    after_all_players_arrive = set_payoffs


class Results(Page):
    @staticmethod
    def vars_for_template(player: Player):
        other = other_player(player)
        return dict(
            other_choice=other.get_cooperate_display(),
            same_choice=player.cooperate == other.cooperate,
        )


page_sequence = [Introduction, Decision, ResultsWaitPage, Results]
