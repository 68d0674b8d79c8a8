from otree.api import *

doc = """Pairs; round 1 payoffs are set when the session is created. Has an admin report."""


class C(BaseConstants):
    NAME_IN_URL = 'reported'
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 2


class Subsession(BaseSubsession):
    treatment = models.StringField()


class Group(BaseGroup):
    total = models.CurrencyField()


class Player(BasePlayer):
    guess = models.IntegerField(min=0, max=100)


class Note(ExtraModel):
    player = models.Link(Player)
    text = models.StringField()


def creating_session(subsession: Subsession):
    subsession.treatment = subsession.session.config.get('treatment', 'none')
    if subsession.round_number == 1:
        for player in subsession.get_players():
            player.payoff = 10 * player.id_in_subsession
            Note.create(player=player, text=f'note {player.id_in_subsession}')
        for group in subsession.get_groups():
            group.total = sum(p.payoff for p in group.get_players())


def vars_for_admin_report(subsession: Subsession):
    return dict(total=sum(p.payoff for p in subsession.get_players()), treatment=subsession.treatment)


class Guess(Page):
    form_model = 'player'
    form_fields = ['guess']


page_sequence = [Guess]
