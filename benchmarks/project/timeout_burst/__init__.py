from otree.api import *

doc = """Every participant's timed page falls due within the same second (benchmarks/timeouts.py):
participant i of N has its deadline at session.vars['deadline_at'] + (i - 1) / N."""


class C(BaseConstants):
    NAME_IN_URL = 'timeout_burst'
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    answer = models.IntegerField(min=1, max=10)


def deadline_of(player: Player) -> float:
    session = player.session
    return session.vars['deadline_at'] + (player.participant.id_in_session - 1) / session.num_participants


class Question(Page):
    form_model = 'player'
    form_fields = ['answer']

    @staticmethod
    def get_timeout_seconds(player: Player):
        import time

        return deadline_of(player) - time.time()


class End(Page):
    pass


page_sequence = [Question, End]
