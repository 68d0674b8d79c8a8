from otree.api import *


class C(BaseConstants):
    NAME_IN_URL = 'bulk'
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    answer = models.IntegerField(initial=7)
    comment = models.StringField(initial='a comment of some length, to give each row some weight')


def custom_export(players):
    yield ['code', 'answer']
    for p in players:
        yield [p.participant.code, p.answer]


class Answer(Page):
    form_model = 'player'
    form_fields = ['answer']


page_sequence = [Answer]
