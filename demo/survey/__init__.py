from otree.api import *

doc = "A short questionnaire."


class C(BaseConstants):
    NAME_IN_URL = 'survey'
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    age = models.IntegerField(label="What is your age?", min=13, max=125)
    gender = models.StringField(
        choices=[['Male', 'Male'], ['Female', 'Female'], ['Other', 'Other']],
        label="What is your gender?",
        widget=widgets.RadioSelect,
    )
    comments = models.LongStringField(label="Any comments?", blank=True)


class Demographics(Page):
    form_model = 'player'
    form_fields = ['age', 'gender', 'comments']


class Thanks(Page):
    pass


page_sequence = [Demographics, Thanks]
