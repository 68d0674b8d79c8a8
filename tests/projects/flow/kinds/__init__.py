from otree.api import *

doc = """One page with a field of every kind, for validation and re-display through HTTP."""


class C(BaseConstants):
    NAME_IN_URL = 'kinds'
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    int_field = models.IntegerField(min=1, max=10, label='An integer')
    float_field = models.FloatField(label='A float')
    cur_field = models.CurrencyField(max=cu(50), label='Some points')
    dec_field = models.DecimalField(max_digits=6, decimal_places=2, label='A decimal')
    bool_radio = models.BooleanField(label='Yes or no?')
    bool_check = models.BooleanField(widget=widgets.CheckboxInput, blank=True, label='Tick me')
    text = models.StringField(max_length=5, label='Short text')
    select_choice = models.StringField(choices=[['r', 'Red'], ['g', 'Green']], label='Colour')
    radio_choice = models.IntegerField(choices=[1, 2, 3], widget=widgets.RadioSelect, label='Level')
    essay = models.LongStringField(label='Essay')
    optional = models.StringField(blank=True, label='Optional')
    multi = models.MultiStringField(choices=['x', 'y', 'z'], label='Several')


class AllKinds(Page):
    form_model = 'player'
    form_fields = ['int_field', 'float_field', 'cur_field', 'dec_field', 'bool_radio', 'bool_check', 'text',
                   'select_choice', 'radio_choice', 'essay', 'optional', 'multi']


class Done(Page):
    """No form fields, but error_message still applies (it blocks the first attempt)."""

    @staticmethod
    def error_message(player, values):
        vars = player.participant.vars
        vars['done_attempts'] = vars.get('done_attempts', 0) + 1
        vars['done_values'] = values
        if vars['done_attempts'] == 1:
            return 'Please read this page first'


page_sequence = [AllKinds, Done]
