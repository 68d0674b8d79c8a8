from otree.api import *

doc = "A 3-player public goods game, 2 rounds, with a timed contribution page and dropout handling."


class C(BaseConstants):
    NAME_IN_URL = 'pgg'
    PLAYERS_PER_GROUP = 3
    NUM_ROUNDS = 2
    ENDOWMENT = cu(100)
    MULTIPLIER = 1.8
    TIMEOUT = 2


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    total = models.CurrencyField()
    completions = models.IntegerField(initial=0)


class Player(BasePlayer):
    contribution = models.CurrencyField(min=0, max=C.ENDOWMENT)
    dropped_here = models.BooleanField(initial=False)


# What a dropout's pages are submitted with (timeout_submission applies to other timeouts).
dropout_submission = dict(contribution=0)


def on_dropout(player: Player):
    player.dropped_here = True
    player.participant.vars['dropout_round'] = player.round_number


def set_payoffs(group: Group):
    group.completions += 1
    # A member who left a wait page earlier has no contribution in later rounds: not in the game.
    players = [p for p in group.get_players() if p.field_maybe_none('contribution') is not None]
    group.total = sum(p.contribution for p in players)
    share = group.total * C.MULTIPLIER / len(players)
    for p in players:
        p.payoff = C.ENDOWMENT - p.contribution + share


class Contribute(Page):
    form_model = 'player'
    form_fields = ['contribution']
    timeout_seconds = C.TIMEOUT
    timeout_submission = dict(contribution=50)


class ResultsWaitPage(WaitPage):
    after_all_players_arrive = set_payoffs

    @staticmethod
    def get_max_wait_seconds(player: Player):
        return player.session.config.get('max_wait')

    @staticmethod
    def leave_to(player: Player):
        return 'payment'


class Results(Page):
    pass


page_sequence = [Contribute, ResultsWaitPage, Results]
