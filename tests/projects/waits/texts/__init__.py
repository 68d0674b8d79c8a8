from otree.api import *


class C(BaseConstants):
    NAME_IN_URL = 'texts'
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    pass


class Start(Page):
    pass


class CustomTexts(WaitPage):
    title_text = "Hold on"
    body_text = "Your partner is still reading."


class OwnTemplate(WaitPage):
    pass


class End(Page):
    pass


page_sequence = [Start, CustomTexts, OwnTemplate, End]
