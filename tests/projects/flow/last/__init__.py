from otree.api import *


class C(BaseConstants):
    NAME_IN_URL = 'the_end'
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    opinion = models.StringField(label='Your opinion')
    reason = models.StringField(label='Why did you skip?')


class Dynamic(Page):
    form_model = 'player'

    @staticmethod
    def get_form_fields(player):
        if player.participant.label == 'jumper':
            return ['reason']
        return ['opinion']


class End(Page):
    pass


page_sequence = [Dynamic, End]
