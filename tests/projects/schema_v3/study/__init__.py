from otree.api import *

doc = """Version 3: Player.age changed from IntegerField to StringField (needs `otree resetdb`)."""


class C(BaseConstants):
    NAME_IN_URL = 'study'
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    total = models.CurrencyField()


class Player(BasePlayer):
    age = models.StringField()  # was IntegerField
    answer = models.StringField()
    confidence = models.FloatField()


class Guess(ExtraModel):
    player = models.Link(Player)
    value = models.IntegerField()


class Survey(Page):
    form_model = 'player'
    form_fields = ['age', 'answer', 'confidence']


page_sequence = [Survey]
