from otree.api import *
from otree.i18n import translator

_ = translator(__file__)  # this app's own texts: umfrage/locale/<language>/LC_MESSAGES/messages.mo


class C(BaseConstants):
    NAME_IN_URL = 'umfrage'
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    age = models.IntegerField(label=_('How old are you?'), min=18, max=99)
    agrees = models.BooleanField(label=_('Do you agree?'))


class Fragen(Page):
    form_model = 'player'
    form_fields = ['age', 'agrees']
    timeout_seconds = 600

    @staticmethod
    def vars_for_template(player: Player):
        return dict(bonus=cu(1234.5), money=cu(14).to_real_world_currency(player.session), share=0.25,
                    greeting=_('Welcome to the study'))


class Warten(WaitPage):
    pass


page_sequence = [Fragen, Warten]
