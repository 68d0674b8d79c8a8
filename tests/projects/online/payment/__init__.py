from otree.api import *

doc = "The last page: payment, and a word for those who left a wait page."


class C(BaseConstants):
    NAME_IN_URL = 'payment'
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    pass


class Payment(Page):
    pass


page_sequence = [Payment]
