from otree.api import *

doc = """Version 2: Player has a new field and there is a new ExtraModel."""


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
    confidence = models.FloatField()  # new in v2


class Guess(ExtraModel):  # new in v2
    player = models.Link(Player)
    value = models.IntegerField()


class Survey(Page):
    form_model = 'player'
    form_fields = ['age', 'answer', 'confidence']


page_sequence = [Survey]
