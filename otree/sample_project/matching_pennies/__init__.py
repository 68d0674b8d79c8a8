import random

from otree.api import *

doc = """
Matching pennies, played for 4 rounds in pairs. In each pair one player is the Matcher (who wins
when both pennies show the same side) and the other the Mismatcher (who wins when they differ).
Pairs are formed at random in round 1 and kept for the whole game, but the two players swap roles
after the halfway point. One round, drawn at random when the session is created, is paid.
"""


class C(BaseConstants):
    NAME_IN_URL = 'matching_pennies'
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 4
    # Roles follow id_in_group: player 1 of each group is the Matcher, player 2 the Mismatcher.
    MATCHER_ROLE = 'Matcher'
    MISMATCHER_ROLE = 'Mismatcher'
    # Roles are swapped from this round on.
    SWAP_ROUND = NUM_ROUNDS // 2 + 1
    PRIZE = cu(100)
    SIDES = ['Heads', 'Tails']


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    matched = models.BooleanField(doc="True if both pennies showed the same side")


class Player(BasePlayer):
    penny_side = models.StringField(
        choices=C.SIDES,
        widget=widgets.RadioSelectHorizontal,
        label="Which side of your penny do you show?",
    )
    is_winner = models.BooleanField(doc="Whether this player won the round")


# FUNCTIONS
def creating_session(subsession: Subsession):
    session = subsession.session
    if subsession.round_number == 1:
        # Random pairs; fixed_id_in_group keeps player 1 of every pair as the Matcher.
        subsession.group_randomly(fixed_id_in_group=True)
        session.vars['paying_round'] = random.randint(1, C.NUM_ROUNDS)
    elif subsession.round_number == C.SWAP_ROUND:
        # Same partners, reversed order inside each pair: the two players swap roles.
        matrix = subsession.in_round(1).get_group_matrix()
        subsession.set_group_matrix([list(reversed(pair)) for pair in matrix])
    elif subsession.round_number < C.SWAP_ROUND:
        subsession.group_like_round(1)
    else:
        subsession.group_like_round(C.SWAP_ROUND)


def set_payoffs(group: Group):
    matcher = group.get_player_by_role(C.MATCHER_ROLE)
    mismatcher = group.get_player_by_role(C.MISMATCHER_ROLE)
    group.matched = matcher.penny_side == mismatcher.penny_side
    matcher.is_winner = group.matched
    mismatcher.is_winner = not group.matched
    paying_round = group.session.vars['paying_round']
    for p in group.get_players():
        p.payoff = C.PRIZE if p.is_winner and group.round_number == paying_round else cu(0)


def partner(player: Player) -> Player:
    return player.get_others_in_group()[0]


def role_description(role: str) -> str:
    if role == C.MATCHER_ROLE:
        return "You win the round if both pennies show the same side."
    return "You win the round if the two pennies show different sides."


# PAGES
class Introduction(Page):
    @staticmethod
    def is_displayed(player: Player):
        return player.round_number == 1

    @staticmethod
    def vars_for_template(player: Player):
        return dict(role_description=role_description(player.role), last_round_before_swap=C.SWAP_ROUND - 1)


class Choice(Page):
    form_model = 'player'
    form_fields = ['penny_side']

    @staticmethod
    def vars_for_template(player: Player):
        return dict(
            role_description=role_description(player.role),
            roles_just_swapped=player.round_number == C.SWAP_ROUND,
            past_rounds=[
                dict(round_number=p.round_number, role=p.role, side=p.penny_side, won=p.is_winner)
                for p in player.in_previous_rounds()
            ],
        )


class ResultsWaitPage(WaitPage):
    after_all_players_arrive = set_payoffs
    body_text = "Waiting for the other player to show their penny."


class RoundResults(Page):
    @staticmethod
    def vars_for_template(player: Player):
        return dict(other_side=partner(player).penny_side)


class FinalResults(Page):
    @staticmethod
    def is_displayed(player: Player):
        return player.round_number == C.NUM_ROUNDS

    @staticmethod
    def vars_for_template(player: Player):
        paying_round = player.session.vars['paying_round']
        history = [
            dict(
                round_number=p.round_number,
                role=p.role,
                side=p.penny_side,
                other_side=partner(p).penny_side,
                won=p.is_winner,
                paid=p.round_number == paying_round,
            )
            for p in player.in_all_rounds()
        ]
        return dict(
            history=history,
            paying_round=paying_round,
            rounds_won=sum(1 for row in history if row['won']),
            won_paying_round=player.in_round(paying_round).is_winner,
        )


page_sequence = [Introduction, Choice, ResultsWaitPage, RoundResults, FinalResults]
