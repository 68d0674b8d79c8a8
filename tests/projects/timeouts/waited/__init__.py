import time

from otree.api import *

doc = "A timed page right after a wait page: its timer must start even for a member with no browser."


class C(BaseConstants):
    NAME_IN_URL = 'waited'
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    answer = models.IntegerField(min=1, max=10)


class NextPageCall(ExtraModel):
    player = models.Link(Player)
    timeout_happened = models.BooleanField()
    at = models.FloatField()


class Arrive(Page):
    pass


class Together(WaitPage):
    pass


class Timed(Page):
    form_model = 'player'
    form_fields = ['answer']
    timeout_seconds = 2

    @staticmethod
    def before_next_page(player: Player, timeout_happened):
        NextPageCall.create(player=player, timeout_happened=bool(timeout_happened), at=time.time())


class End(Page):
    pass


page_sequence = [Arrive, Together, Timed, End]
