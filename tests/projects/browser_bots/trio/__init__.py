from otree.api import *


class C(BaseConstants):
    NAME_IN_URL = 'trio'
    PLAYERS_PER_GROUP = 3
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    total = models.IntegerField(initial=0)


class Player(BasePlayer):
    number = models.IntegerField(min=0, max=10, label='Pick a number')
    colour = models.StringField(choices=['red', 'green', 'blue'], widget=widgets.RadioSelect)
    sure = models.BooleanField(label='Are you sure?')


class Choose(Page):
    form_model = 'player'
    form_fields = ['number', 'colour', 'sure']


def add_up(group: Group):
    group.total = sum(p.number for p in group.get_players())


class Together(WaitPage):
    after_all_players_arrive = add_up


class Results(Page):
    pass


page_sequence = [Choose, Together, Results]
