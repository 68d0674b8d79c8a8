from otree.api import *

doc = """Groups of 2, 3 rounds; payoffs are set on wait pages (see tests.py)."""


class C(BaseConstants):
    NAME_IN_URL = 'bot_rounds'
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 3


class Subsession(BaseSubsession):
    grand_total = models.IntegerField()


class Group(BaseGroup):
    total = models.IntegerField()


class Player(BasePlayer):
    amount = models.IntegerField(min=0, max=100)


def set_payoffs(group: Group):
    group.total = sum(p.amount for p in group.get_players())
    for p in group.get_players():
        p.payoff = group.total * group.round_number


def set_grand_total(subsession: Subsession):
    subsession.grand_total = sum(g.total for g in subsession.get_groups())


class Decide(Page):
    form_model = 'player'
    form_fields = ['amount']


class ResultsWaitPage(WaitPage):
    after_all_players_arrive = set_payoffs


class AllGroupsWaitPage(WaitPage):
    wait_for_all_groups = True
    after_all_players_arrive = set_grand_total


class Results(Page):
    pass


class OnlyLastRound(Page):
    @staticmethod
    def is_displayed(player: Player):
        return player.round_number == C.NUM_ROUNDS


page_sequence = [Decide, ResultsWaitPage, AllGroupsWaitPage, Results, OnlyLastRound]
