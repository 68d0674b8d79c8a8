from fractions import Fraction

from otree.api import *

doc = """
Guess two thirds of the average, for groups of three over several rounds. Each player
guesses a whole number from 0 to 100; whoever comes closest to two thirds of the
group's average guess wins the prize, and a tie splits it. A classic illustration of
iterated reasoning about what others will do.
"""


class C(BaseConstants):
    NAME_IN_URL = 'guess_two_thirds'
    PLAYERS_PER_GROUP = 3
    NUM_ROUNDS = 3
    PRIZE = cu(100)
    MAX_GUESS = 100


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    two_thirds_avg = models.FloatField(doc="Two thirds of the group's average guess, rounded to 2 decimals.")
    num_winners = models.IntegerField(doc="How many players shared the prize.")


class Player(BasePlayer):
    guess = models.IntegerField(
        min=0,
        max=C.MAX_GUESS,
        label="Your guess (a whole number from 0 to {}):".format(C.MAX_GUESS),
    )
    is_winner = models.BooleanField(initial=False, doc="Whether this guess was (one of) the closest.")


# FUNCTIONS
def set_payoffs(group: Group):
    players = group.get_players()
    # Exact arithmetic, so that guesses at the same distance above and below the target tie.
    target = Fraction(2 * sum(p.guess for p in players), 3 * len(players))
    group.two_thirds_avg = round(float(target), 2)
    best_distance = min(abs(p.guess - target) for p in players)
    winners = [p for p in players if abs(p.guess - target) == best_distance]
    group.num_winners = len(winners)
    for p in players:
        p.is_winner = p in winners
        p.payoff = C.PRIZE / len(winners) if p.is_winner else cu(0)


def sorted_guesses(group: Group):
    return sorted(p.guess for p in group.get_players())


# PAGES
class Introduction(Page):
    @staticmethod
    def is_displayed(player: Player):
        return player.round_number == 1


class Guess(Page):
    form_model = 'player'
    form_fields = ['guess']


class ResultsWaitPage(WaitPage):
    body_text = "Waiting for the other players' guesses."
    after_all_players_arrive = set_payoffs


class Results(Page):
    @staticmethod
    def vars_for_template(player: Player):
        return dict(guesses=sorted_guesses(player.group))


page_sequence = [Introduction, Guess, ResultsWaitPage, Results]
