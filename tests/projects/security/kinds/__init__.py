from otree.api import *

doc = """One page with a field of every kind, for the hostile-input tests."""


class C(BaseConstants):
    NAME_IN_URL = 'kinds'
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    number = models.IntegerField(min=-5, max=1000000, blank=True)
    real = models.FloatField(min=-1e6, max=1e6, blank=True)
    money = models.CurrencyField(min=0, max=100, blank=True)
    euros = models.RealWorldCurrencyField(min=0, blank=True)
    exact = models.DecimalField(decimal_places=2, blank=True)
    text = models.StringField(max_length=20, blank=True)
    essay = models.LongStringField(blank=True)
    color = models.StringField(choices=[['r', 'Red'], ['g', 'Green']], blank=True)
    size = models.IntegerField(choices=[1, 2, 3], widget=widgets.RadioSelect, blank=True)
    agree = models.BooleanField(blank=True)
    consent = models.BooleanField(widget=widgets.Checkbox, blank=True)
    tags = models.MultiStringField(choices=['a', 'b', 'c'], blank=True)
    secret = models.StringField(widget=widgets.HiddenInput, blank=True)


FIELDS = ['number', 'real', 'money', 'euros', 'exact', 'text', 'essay', 'color', 'size', 'agree', 'consent',
          'tags', 'secret']


class Everything(Page):
    form_model = 'player'
    form_fields = FIELDS


class Done(Page):
    pass


page_sequence = [Everything, Done]
