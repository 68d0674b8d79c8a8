from otree.api import *

doc = """One participant, one page per bot API form (see tests.py)."""


class C(BaseConstants):
    NAME_IN_URL = 'bot_forms'
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    number = models.IntegerField(min=0, max=10)
    word = models.StringField()
    flag = models.BooleanField()
    choice = models.StringField(choices=['x', 'y'])
    hidden_value = models.IntegerField()
    t_number = models.IntegerField(min=1, max=9)
    t_word = models.StringField()
    t_flag = models.BooleanField()
    in_time_word = models.StringField()
    timed_out = models.BooleanField()
    colors = models.MultiStringField(choices=['red', 'green', 'blue'])


class Intro(Page):
    pass


class Numbers(Page):
    form_model = 'player'
    form_fields = ['number', 'word']

    @staticmethod
    def error_message(player: Player, values):
        if values['word'] == 'bad':
            return 'Please choose another word'


class Flag(Page):
    form_model = 'player'
    form_fields = ['flag']


class Choice(Page):
    # the template has only raw <button name="choice" value="..."> elements
    form_model = 'player'
    form_fields = ['choice']


class Hidden(Page):
    # the template has no input for hidden_value (as if JavaScript added it)
    form_model = 'player'
    form_fields = ['hidden_value']


class Colors(Page):
    form_model = 'player'
    form_fields = ['colors']


class Timed(Page):
    form_model = 'player'
    form_fields = ['t_number', 't_word', 't_flag']
    timeout_seconds = 600

    @staticmethod
    def before_next_page(player: Player, timeout_happened):
        player.timed_out = timeout_happened
        player.participant.vars['timed_out'] = timeout_happened


class NotTimed(Page):
    form_model = 'player'
    form_fields = ['in_time_word']

    @staticmethod
    def before_next_page(player: Player, timeout_happened):
        player.participant.vars['not_timed_out'] = not timeout_happened


class Results(Page):
    @staticmethod
    def vars_for_template(player: Player):
        return dict(marker='RESULTS-MARKER-%s' % player.number)


page_sequence = [Intro, Numbers, Flag, Choice, Hidden, Colors, Timed, NotTimed, Results]
