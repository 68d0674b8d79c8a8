from otree.api import *

doc = """An app without tests.py."""


class C(BaseConstants):
    NAME_IN_URL = 'f_notests'
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    pass


class Thanks(Page):
    pass


page_sequence = [Thanks]
