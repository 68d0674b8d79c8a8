from otree.api import *

doc = """A 3-player contribution game used by the tests."""


class C(BaseConstants):
    NAME_IN_URL = 'game'
    PLAYERS_PER_GROUP = 3
    NUM_ROUNDS = 2
    ENDOWMENT = cu(100)
    MULTIPLIER = 2
    LEADER_ROLE = 'Leader'
    FOLLOWER_ROLE = 'Follower'
    THIRD_ROLE = 'Third'
    LEVELS = [1, 2, 3]


class Subsession(BaseSubsession):
    treatment = models.StringField()


class Group(BaseGroup):
    total_contribution = models.CurrencyField()
    individual_share = models.CurrencyField()


class Player(BasePlayer):
    contribution = models.CurrencyField(min=0, max=C.ENDOWMENT, label="How much?")
    age = models.IntegerField(initial=18)
    ratio = models.FloatField()
    likes = models.BooleanField()
    name = models.StringField(blank=True)
    essay = models.LongStringField()
    colors = models.MultiStringField(choices=['red', 'green', 'blue'])
    fruit = models.StringField(choices=[['a', 'Apple'], ['b', 'Banana']])
    weight = models.DecimalField(decimal_places=2)
    bonus = models.RealWorldCurrencyField()


class Bid(ExtraModel):
    player = models.Link(Player)
    amount = models.CurrencyField()
    note = models.StringField()


def creating_session(subsession: Subsession):
    subsession.treatment = 'red' if subsession.round_number == 1 else 'blue'
    subsession.session.vars.setdefault('rounds_created', []).append(subsession.round_number)


def set_payoffs(group: Group):
    players = group.get_players()
    group.total_contribution = sum(p.contribution for p in players)
    group.individual_share = group.total_contribution * C.MULTIPLIER / C.PLAYERS_PER_GROUP
    for p in players:
        p.payoff = C.ENDOWMENT - p.contribution + group.individual_share


class Contribute(Page):
    form_model = 'player'
    form_fields = ['contribution']


class ResultsWaitPage(WaitPage):
    after_all_players_arrive = set_payoffs


class Results(Page):
    pass


page_sequence = [Contribute, ResultsWaitPage, Results]
