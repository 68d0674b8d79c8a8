from otree.api import *


class C(BaseConstants):
    NAME_IN_URL = 'f_ready'
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    ready = models.BooleanField()


class Ready(Page):
    form_model = 'player'
    form_fields = ['ready']

    @staticmethod
    def before_next_page(player: Player, timeout_happened):
        player.participant.vars['ready'] = player.ready


page_sequence = [Ready]
