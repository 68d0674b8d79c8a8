from otree.api import *

doc = """creating_session fails."""


class C(BaseConstants):
    NAME_IN_URL = 'broken'
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    pass


def creating_session(subsession: Subsession):
    raise ValueError('the treatment list is empty')


class Hello(Page):
    pass


page_sequence = [Hello]
