from otree.api import *

doc = """Raw <button name=... value=...> submission, and replayed submissions."""


class C(BaseConstants):
    NAME_IN_URL = 'buttons'
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    choice = models.StringField(choices=['A', 'B'])


class Press(ExtraModel):
    player = models.Link(Player)
    choice = models.StringField()


class Buttons(Page):
    form_model = 'player'
    form_fields = ['choice']

    @staticmethod
    def before_next_page(player, timeout_happened):
        vars = player.participant.vars
        vars['presses'] = vars.get('presses', 0) + 1
        Press.create(player=player, choice=player.choice)


class After(Page):
    pass


page_sequence = [Buttons, After]
