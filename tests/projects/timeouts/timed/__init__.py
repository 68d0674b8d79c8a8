import time

from otree.api import *

doc = "A 2-second page: the server must submit it for participants whose browser is closed."


class C(BaseConstants):
    NAME_IN_URL = 'timed'
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1
    TIMEOUT = 2


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    answer = models.IntegerField(min=1, max=10)
    note = models.StringField()


class NextPageCall(ExtraModel):
    """One row per call of Question's before_next_page."""
    player = models.Link(Player)
    timeout_happened = models.BooleanField()
    at = models.FloatField()


class Question(Page):
    form_model = 'player'
    form_fields = ['answer', 'note']
    timeout_submission = dict(answer=7)

    @staticmethod
    def get_timeout_seconds(player: Player):
        return player.session.config.get('timeout', C.TIMEOUT)

    @staticmethod
    def before_next_page(player: Player, timeout_happened):
        NextPageCall.create(player=player, timeout_happened=bool(timeout_happened), at=time.time())


class End(Page):
    pass


page_sequence = [Question, End]
