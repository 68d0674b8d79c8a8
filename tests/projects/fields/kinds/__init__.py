from otree.api import *

doc = """Every kind of model field, for the tests of otree.db.fields."""


class Kg(DecimalUnit):
    storage_places = 3
    input_unit_label = 'kg'


class C(BaseConstants):
    NAME_IN_URL = 'kinds'
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    note = models.StringField()
    level = models.IntegerField(default=3)


class Group(BaseGroup):
    total = models.CurrencyField()
    decided = models.BooleanField(initial=False)


class Player(BasePlayer):
    integer = models.IntegerField()
    number = models.FloatField()
    points = models.CurrencyField()
    dollars = models.RealWorldCurrencyField()
    text = models.StringField()
    long_text = models.LongStringField()
    flag = models.BooleanField()
    amount = models.DecimalField(decimal_places=2)
    weight = models.DecimalField(unit=Kg)
    tags = models.MultiStringField(choices=['a', 'b', 'c'])
    legacy_char = models.CharField(max_length=20)
    legacy_int = models.PositiveIntegerField()
    legacy_text = models.TextField()
    with_initial = models.IntegerField(initial=7)
    with_default = models.StringField(default='hello')
    cu_initial = models.CurrencyField(initial=cu(5))
    tags_initial = models.MultiStringField(choices=['a', 'b'], initial=['a'])
    color = models.StringField(choices=[['r', 'Red'], ['g', 'Green']])
    size = models.IntegerField(choices=[1, 2, 3])


def size_choices(player):
    # A dynamic <field>_choices hook overrides the declared choices for display.
    return [[1, 'Small'], [2, 'Medium'], [3, 'Large']]


class Note(ExtraModel):
    player = models.Link(Player)
    group = models.Link(Group)
    body = models.StringField()
    value = models.CurrencyField()
    count = models.IntegerField(initial=0)


class Form(Page):
    form_model = 'player'
    form_fields = ['integer']


page_sequence = [Form]
