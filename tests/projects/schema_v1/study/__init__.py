from otree.api import *

doc = """Version 1 of an app whose models change (tests of schema evolution)."""


class C(BaseConstants):
    NAME_IN_URL = 'study'
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    total = models.CurrencyField()


class Player(BasePlayer):
    age = models.IntegerField()
    answer = models.StringField()


class Survey(Page):
    form_model = 'player'
    form_fields = ['age', 'answer']


page_sequence = [Survey]
