from otree.api import *


class C(BaseConstants):
    NAME_IN_URL = 'oops'
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    pass


class Fine(Page):
    @staticmethod
    def vars_for_template(player: Player):
        return dict(secret_number=41 + 1)


class Broken(Page):
    @staticmethod
    def vars_for_template(player: Player):
        return dict(ratio=1 / 0)


page_sequence = [Fine, Broken]
