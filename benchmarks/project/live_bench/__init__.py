from otree.api import *

doc = "The live-page benchmark: each message updates the group and is broadcast to its 3 members."


class C(BaseConstants):
    NAME_IN_URL = 'live_bench'
    PLAYERS_PER_GROUP = 3
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    best_bid = models.IntegerField(initial=0)
    num_bids = models.IntegerField(initial=0)


class Player(BasePlayer):
    pass


def live_bid(player: Player, data):
    group = player.group
    group.num_bids += 1
    group.best_bid = max(group.best_bid, int(data['bid']))
    return {0: dict(best_bid=group.best_bid, num_bids=group.num_bids, by=player.id_in_group, seq=data['seq'])}


class Bidding(Page):
    live_method = live_bid


page_sequence = [Bidding]
