from otree.api import *

doc = """A last app with one page; its bot has 3 string cases."""


class C(BaseConstants):
    NAME_IN_URL = 'bot_end'
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    note = models.StringField()


class Final(Page):
    form_model = 'player'
    form_fields = ['note']


page_sequence = [Final]
