from otree.api import *

doc = "The memory benchmark: everyone waits on one wait page that one participant never reaches."


class C(BaseConstants):
    NAME_IN_URL = 'idle_wait'
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    pass


class Lobby(WaitPage):
    pass


class End(Page):
    pass


page_sequence = [Lobby, End]
