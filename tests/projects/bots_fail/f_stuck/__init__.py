from otree.api import *

doc = """A lobby that only ever lets ready participants through: the others wait forever."""


class C(BaseConstants):
    NAME_IN_URL = 'f_stuck'
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    pass


def group_by_arrival_time_method(subsession: Subsession, waiting_players):
    ready = [p for p in waiting_players if p.participant.vars.get('ready')]
    if ready:
        return ready[:1]


class Lobby(WaitPage):
    group_by_arrival_time = True


class Play(Page):
    pass


page_sequence = [Lobby, Play]
