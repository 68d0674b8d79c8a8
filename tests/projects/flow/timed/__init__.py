from otree.api import *

doc = """A page with a timeout, for timeout_happened submissions."""


class C(BaseConstants):
    NAME_IN_URL = 'timed'
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    t_int = models.IntegerField(min=5)
    t_float = models.FloatField()
    t_bool = models.BooleanField()
    t_text = models.StringField()
    t_cur = models.CurrencyField()


class Timed(Page):
    form_model = 'player'
    form_fields = ['t_int', 't_float', 't_bool', 't_text', 't_cur']
    timeout_seconds = 600

    @staticmethod
    def before_next_page(player, timeout_happened):
        vars = player.participant.vars
        vars['timed_calls'] = vars.get('timed_calls', 0) + 1
        vars['timed_timeout'] = timeout_happened


class After(Page):
    pass


page_sequence = [Timed, After]
