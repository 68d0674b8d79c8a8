from otree.api import *


class C(BaseConstants):
    NAME_IN_URL = 'guess_two_thirds'
    PLAYERS_PER_GROUP = 3
    NUM_ROUNDS = 3
    JACKPOT = cu(100)
    GUESS_MAX = 100


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    two_thirds_avg = models.FloatField()
    best_guess = models.IntegerField()
    num_winners = models.IntegerField()


class Player(BasePlayer):
    guess = models.IntegerField(min=0, max=C.GUESS_MAX, label="Your guess (0 to 100)")
    is_winner = models.BooleanField(initial=False)


def set_payoffs(group: Group):
    players = group.get_players()
    guesses = [p.guess for p in players]
    group.two_thirds_avg = (2 / 3) * sum(guesses) / len(players)
    group.best_guess = min(guesses, key=lambda g: abs(g - group.two_thirds_avg))
    winners = [p for p in players if p.guess == group.best_guess]
    group.num_winners = len(winners)
    for p in winners:
        p.is_winner = True
        p.payoff = C.JACKPOT / group.num_winners


class Guess(Page):
    form_model = 'player'
    form_fields = ['guess']


class ResultsWaitPage(WaitPage):
    after_all_players_arrive = set_payoffs


class Results(Page):
    pass


page_sequence = [Guess, ResultsWaitPage, Results]
