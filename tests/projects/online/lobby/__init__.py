from otree.api import *

doc = "Pairs formed by arrival time, with a maximum wait."


class C(BaseConstants):
    NAME_IN_URL = 'lobby'
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    pass


class Lobby(WaitPage):
    group_by_arrival_time = True
    max_wait_seconds = 3600


class Paired(Page):
    pass


page_sequence = [Lobby, Paired]
