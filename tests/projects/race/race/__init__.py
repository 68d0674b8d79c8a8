from otree.api import *

doc = "Every member submits at the same instant; after_all_players_arrive must run once per group."


class C(BaseConstants):
    NAME_IN_URL = 'race'
    PLAYERS_PER_GROUP = 3
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    total = models.IntegerField(initial=0)


class Player(BasePlayer):
    number = models.IntegerField(min=0, max=1000)


class AapaRun(ExtraModel):
    """One row per execution of after_all_players_arrive."""
    group = models.Link(Group)


class SubsessionRun(ExtraModel):
    subsession = models.Link(Subsession)


def sum_numbers(group: Group):
    AapaRun.create(group=group)
    group.total = sum(p.number for p in group.get_players())
    for p in group.get_players():
        p.payoff = group.total


def after_everyone(subsession: Subsession):
    SubsessionRun.create(subsession=subsession)


class Submit(Page):
    form_model = 'player'
    form_fields = ['number']


class GroupWait(WaitPage):
    after_all_players_arrive = sum_numbers


class AllWait(WaitPage):
    wait_for_all_groups = True
    after_all_players_arrive = after_everyone

    @staticmethod
    def is_displayed(player: Player):
        return player.session.config.get('wait_for_all', False)


class Results(Page):
    pass


page_sequence = [Submit, GroupWait, AllWait, Results]
