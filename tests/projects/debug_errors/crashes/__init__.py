from otree.api import *


class C(BaseConstants):
    NAME_IN_URL = 'crashes'
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    total = models.IntegerField(initial=0)


class Player(BasePlayer):
    guess = models.IntegerField(initial=7)


def where(player: Player):
    return player.session.config['where']


class Start(Page):
    @staticmethod
    def vars_for_template(player: Player):
        if where(player) == 'vars_for_template':
            bananas = [3, 1, 4]
            return dict(share=sum(bananas) / (player.guess - 7))
        return {}

    @staticmethod
    def before_next_page(player: Player, timeout_happened):
        if where(player) == 'before_next_page':
            apples = {'red': 2}
            player.guess = apples['green']


def after_all_players_arrive(group: Group):
    if group.session.config['where'] == 'after_all_players_arrive':
        members = group.get_players()
        group.total = members[0].guess + members[5].guess


class Together(WaitPage):
    after_all_players_arrive = after_all_players_arrive


class End(Page):
    pass


page_sequence = [Start, Together, End]
