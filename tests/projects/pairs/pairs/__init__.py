from otree.api import *


class C(BaseConstants):
    NAME_IN_URL = 'pairs'
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    total = models.CurrencyField()


class Player(BasePlayer):
    offer = models.CurrencyField(min=0, max=100, label="Your offer")


def add_up(group: Group):
    group.total = sum(p.offer for p in group.get_players())


class Offer(Page):
    form_model = 'player'
    form_fields = ['offer']


class WaitForPartner(WaitPage):
    after_all_players_arrive = add_up


class Results(Page):
    pass


page_sequence = [Offer, WaitForPartner, Results]
