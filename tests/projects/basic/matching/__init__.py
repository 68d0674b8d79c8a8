from otree.api import *


class C(BaseConstants):
    NAME_IN_URL = 'matching'
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 4
    MATCHER_ROLE = 'Matcher'
    MISMATCHER_ROLE = 'Mismatcher'


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    penny_side = models.StringField(choices=['Heads', 'Tails'])


def creating_session(subsession: Subsession):
    session = subsession.session
    if subsession.round_number == 1:
        subsession.group_randomly(fixed_id_in_group=True)
    elif subsession.round_number == 3:
        matrix = subsession.get_group_matrix()
        for row in matrix:
            row.reverse()
        subsession.set_group_matrix(matrix)
    else:
        subsession.group_like_round(1)


class Choice(Page):
    form_model = 'player'
    form_fields = ['penny_side']


page_sequence = [Choice]
