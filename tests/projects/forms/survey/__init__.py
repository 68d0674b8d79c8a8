from otree.api import *

doc = """Every kind of form field and every form hook, for the tests of otree.forms."""


class Kg(DecimalUnit):
    storage_places = 3
    input_places = 1
    input_unit_label = 'kg'


class C(BaseConstants):
    NAME_IN_URL = 'survey'
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    total = models.CurrencyField()


class Player(BasePlayer):
    # numbers
    age = models.IntegerField(min=13, max=120, label='Your age')
    temperature = models.IntegerField(min=None, blank=True)
    ratio = models.FloatField(min=-1, max=1)
    amount = models.CurrencyField(help_text='Any amount up to your budget')
    dollars = models.RealWorldCurrencyField(blank=True)
    weight = models.DecimalField(unit=Kg)
    bounded = models.IntegerField(min=0, max=5)
    # text
    name = models.StringField(max_length=5)
    essay = models.LongStringField(blank=True)
    comment = models.StringField(blank=True)
    # choices
    color = models.StringField(choices=[['r', 'Red'], ['g', 'Green']])
    size = models.IntegerField(choices=[1, 2, 3], widget=widgets.RadioSelect)
    level = models.IntegerField(widget=widgets.RadioSelectHorizontal)
    fruit = models.StringField(choices=['apple', 'pear'], blank=True)
    stake = models.CurrencyField(choices=currency_range(0, 10, 5))
    # booleans
    agree = models.BooleanField(label='Do you agree?')
    approve = models.BooleanField(choices=[[True, 'Approve'], [False, 'Reject']], widget=widgets.RadioSelectHorizontal)
    consent = models.BooleanField(widget=widgets.Checkbox, label='I consent')
    newsletter = models.BooleanField(widget=widgets.Checkbox, blank=True)
    # several choices
    tags = models.MultiStringField(choices=[['a', 'Apple'], ['b', 'Banana'], ['c', 'Cherry']])
    extras = models.MultiStringField(choices=['x', 'y'], blank=True)
    # other widgets
    secret = models.StringField(widget=widgets.HiddenInput, blank=True)
    placeholder_text = models.StringField(widget=widgets.TextInput(attrs={'placeholder': 'Type "here"'}))
    # escaping
    tricky = models.StringField(
        label='<script>alert("label")</script>',
        choices=[['<b>', '<script>alert("choice")</script>']],
        help_text='<i>help</i>',
        blank=True,
    )
    # hooks
    even = models.IntegerField()
    offer = models.IntegerField(min=0, max=1000)
    pick = models.IntegerField(choices=[1, 2])


def level_choices(player):
    return [[1, 'Low'], [2, 'High']]


def pick_choices(player):
    # A dynamic hook overrides the declared choices.
    return [7, 8, 9]


def offer_min(player):
    return 10 * player.id_in_group


def offer_max(player):
    return 50


def even_error_message(player, value):
    if value % 2:
        return 'Please enter an even number'


def total_max(group):
    return cu(30)


class Survey(Page):
    form_model = 'player'
    form_fields = ['age', 'name']


page_sequence = [Survey]
