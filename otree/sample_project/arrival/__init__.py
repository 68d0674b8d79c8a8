from otree.api import *

doc = """
Pairs formed by arrival time. Participants wait on the first page until someone else arrives, and
the first two to arrive form a pair, then the next two, and so on. Each pair then plays a
coordination game: both secretly choose a meeting point, and they earn a prize only if they
choose the same one.
"""


class C(BaseConstants):
    NAME_IN_URL = 'arrival'
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 1
    MEETING_POINTS = [
        ['fountain', 'The fountain in the main square'],
        ['clock', 'Under the station clock'],
        ['bridge', 'The middle of the old bridge'],
    ]
    PRIZE_IF_MET = cu(100)
    PRIZE_IF_MISSED = cu(0)


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    met = models.BooleanField(doc="Whether both players chose the same meeting point")


class Player(BasePlayer):
    meeting_point = models.StringField(
        choices=C.MEETING_POINTS,
        widget=widgets.RadioSelect,
        label="Where will you go to meet the other participant?",
    )


# FUNCTIONS
def set_payoffs(group: Group):
    first, second = group.get_players()
    group.met = first.meeting_point == second.meeting_point
    for p in group.get_players():
        p.payoff = C.PRIZE_IF_MET if group.met else C.PRIZE_IF_MISSED


def partner(player: Player) -> Player:
    return player.get_others_in_group()[0]


# PAGES
class Lobby(WaitPage):
    group_by_arrival_time = True
    title_text = "Finding you a partner"
    body_text = (
        "You will be paired with the next participant who reaches this page. "
        "Please keep this window open; the game starts as soon as you have a partner."
    )


class Meet(Page):
    form_model = 'player'
    form_fields = ['meeting_point']

    @staticmethod
    def vars_for_template(player: Player):
        # Inside a pair formed by arrival time, id_in_group is the order of arrival.
        return dict(arrived_first=player.id_in_group == 1)


class ResultsWaitPage(WaitPage):
    after_all_players_arrive = set_payoffs
    body_text = "Waiting for your partner to choose a meeting point."


class Results(Page):
    @staticmethod
    def vars_for_template(player: Player):
        return dict(
            my_point=player.get_meeting_point_display(),
            partner_point=partner(player).get_meeting_point_display(),
        )


page_sequence = [Lobby, Meet, ResultsWaitPage, Results]
