from otree.api import *

doc = """Groups of three."""


class C(BaseConstants):
    NAME_IN_URL = 'trio'
    PLAYERS_PER_GROUP = 3
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    answer = models.StringField()


class Answer(Page):
    form_model = 'player'
    form_fields = ['answer']


page_sequence = [Answer]
