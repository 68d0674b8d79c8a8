from otree.api import *

doc = "One live page, one form page, one group wait page, one results page."


class C(BaseConstants):
    NAME_IN_URL = 'budget'
    PLAYERS_PER_GROUP = 3
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    best_bid = models.IntegerField(initial=0)
    total = models.IntegerField(initial=0)


class Player(BasePlayer):
    contribution = models.IntegerField(min=0, max=10)


def live_bid(player: Player, data):
    group = player.group
    group.best_bid = max(group.best_bid, int(data['bid']))
    return {0: dict(best_bid=group.best_bid)}


def set_total(group: Group):
    group.total = sum(p.contribution for p in group.get_players())


class Bid(Page):
    live_method = live_bid


class Contribute(Page):
    form_model = 'player'
    form_fields = ['contribution']


class ResultsWaitPage(WaitPage):
    after_all_players_arrive = set_total


class Results(Page):
    pass


page_sequence = [Bid, Contribute, ResultsWaitPage, Results]
