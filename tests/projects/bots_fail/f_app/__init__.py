from otree.api import *

doc = """One participant; tests.py fails in the way the session config's `mode` names."""


class C(BaseConstants):
    NAME_IN_URL = 'f_app'
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    n = models.IntegerField(min=0, max=10)
    word = models.StringField()


def score(player: Player):
    return player.n / (player.n - player.n)


class Form(Page):
    form_model = 'player'
    form_fields = ['n', 'word']


class Wait(WaitPage):
    pass


class NoButton(Page):
    # its template has no next button
    pass


class Crash(Page):
    @staticmethod
    def vars_for_template(player: Player):
        if player.session.config['mode'] == 'crash':
            return dict(ratio=1 / (player.n - player.n))
        return dict(ratio=1)


class End(Page):
    pass


page_sequence = [Form, Wait, NoButton, Crash, End]
