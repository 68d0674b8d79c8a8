from otree.api import *


class C(BaseConstants):
    NAME_IN_URL = 'gbat_method'
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    pass


def group_by_arrival_time_method(subsession: Subsession, waiting_players):
    # Groups of three, as soon as three are waiting.
    if len(waiting_players) >= 3:
        return waiting_players[:3]


class Lobby(WaitPage):
    group_by_arrival_time = True


class Play(Page):
    pass


page_sequence = [Lobby, Play]
