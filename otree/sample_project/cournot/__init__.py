from otree.api import *

doc = """
Cournot competition between two firms. Both firms sell the same product and decide, at the same
time and without talking, how many units to produce. The market price falls as the total number of
units offered rises; each firm earns the market price times its own units.
"""


class C(BaseConstants):
    NAME_IN_URL = 'cournot'
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 1
    # Price per unit = TOTAL_CAPACITY - total units offered (never below zero).
    TOTAL_CAPACITY = 60
    MAX_UNITS_PER_PLAYER = 40
    # Producing is free, so a firm's profit is its revenue.
    EXAMPLE_UNITS = 20


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    total_units = models.IntegerField(doc="Units offered by both firms together")
    unit_price = models.CurrencyField(doc="Market price of one unit")


class Player(BasePlayer):
    units = models.IntegerField(
        min=0,
        max=C.MAX_UNITS_PER_PLAYER,
        label="How many units will your firm produce?",
        help_text=f"A whole number from 0 to {C.MAX_UNITS_PER_PLAYER}.",
        doc="Units this firm produced",
    )


# FUNCTIONS
def market_price(total_units: int):
    return cu(max(0, C.TOTAL_CAPACITY - total_units))


def set_payoffs(group: Group):
    players = group.get_players()
    group.total_units = sum(p.units for p in players)
    group.unit_price = market_price(group.total_units)
    for p in players:
        p.payoff = group.unit_price * p.units


def other_firm(player: Player) -> Player:
    return player.get_others_in_group()[0]


# PAGES
class Introduction(Page):
    @staticmethod
    def vars_for_template(player: Player):
        example_total = 2 * C.EXAMPLE_UNITS
        example_price = market_price(example_total)
        glut_total = 2 * C.MAX_UNITS_PER_PLAYER
        return dict(
            example_total=example_total,
            example_price=example_price,
            example_profit=example_price * C.EXAMPLE_UNITS,
            glut_total=glut_total,
            glut_price=market_price(glut_total),
        )


class Decide(Page):
    form_model = 'player'
    form_fields = ['units']


class ResultsWaitPage(WaitPage):
    after_all_players_arrive = set_payoffs
    body_text = "Waiting for the other firm to decide how much to produce."


class Results(Page):
    @staticmethod
    def vars_for_template(player: Player):
        return dict(other_units=other_firm(player).units, other_payoff=other_firm(player).payoff)


page_sequence = [Introduction, Decide, ResultsWaitPage, Results]
