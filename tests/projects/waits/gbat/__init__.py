from otree.api import *


class C(BaseConstants):
    NAME_IN_URL = 'gbat'
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 2


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    formed = models.BooleanField(initial=False)


class Player(BasePlayer):
    pass


def mark_formed(group: Group):
    group.formed = True


class Lobby(WaitPage):
    group_by_arrival_time = True
    after_all_players_arrive = mark_formed


class Play(Page):
    pass


page_sequence = [Lobby, Play]
