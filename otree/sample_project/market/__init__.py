import random
import time

from otree.api import *

doc = """
A continuous double auction on a live page. Buyers (odd ids in the group) post bids, sellers
(even ids) post asks; a bid at or above the best ask (or an ask at or below the best bid)
trades at once, at the price of the order that was waiting. Everyone sees the order book
and the trades as they happen. The market state lives in the database (orders and trades are
ExtraModels), so a participant who reloads the page gets it back from live_state.
"""


class C(BaseConstants):
    NAME_IN_URL = 'market'
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1
    UNITS_PER_TRADER = 2
    BUYER_VALUES = (70, 100)  # a buyer's value is drawn from this range, a seller's cost from the next:
    SELLER_COSTS = (40, 70)  # so every buyer and seller can trade with profit
    MAX_PRICE = 200
    TRADES_SHOWN = 20


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    is_buyer = models.BooleanField()
    limit_price = models.CurrencyField(doc="A buyer's value of a unit, or a seller's cost of one.")
    units_traded = models.IntegerField(initial=0)


class Order(ExtraModel):
    group = models.Link(Group)
    player = models.Link(Player)
    is_buy = models.BooleanField()
    price = models.CurrencyField()
    active = models.BooleanField()
    placed_at = models.FloatField()


class Trade(ExtraModel):
    group = models.Link(Group)
    buyer = models.Link(Player)
    seller = models.Link(Player)
    price = models.CurrencyField()
    traded_at = models.FloatField()


def creating_session(subsession: Subsession):
    for player in subsession.get_players():
        player.is_buyer = player.id_in_group % 2 == 1
        player.limit_price = cu(random.randint(*(C.BUYER_VALUES if player.is_buyer else C.SELLER_COSTS)))
        player.payoff = cu(0)


# FUNCTIONS
def active_orders(group: Group, is_buy: bool):
    orders = Order.filter(group=group, is_buy=is_buy, active=True)
    # best first: highest bid, lowest ask; earlier orders first at the same price
    return sorted(orders, key=lambda o: ((-o.price if is_buy else o.price), o.placed_at, o.id))


def market_state(player: Player):
    """What the page shows: the order book, the latest trades and the player's own position."""
    group = player.group
    trades = sorted(Trade.filter(group=group), key=lambda t: (t.traded_at, t.id), reverse=True)
    return dict(
        bids=[[o.price, o.player.id_in_group] for o in active_orders(group, True)],
        asks=[[o.price, o.player.id_in_group] for o in active_orders(group, False)],
        trades=[[t.price, t.buyer.id_in_group, t.seller.id_in_group] for t in trades[:C.TRADES_SHOWN]],
        num_trades=len(trades),
        me=dict(id_in_group=player.id_in_group, is_buyer=player.is_buyer, limit_price=player.limit_price,
                units_left=C.UNITS_PER_TRADER - player.units_traded, payoff=player.payoff),
    )


def everyone(group: Group, **extra):
    return {p.id_in_group: dict(market_state(p), **extra) for p in group.get_players()}


def cancel_orders(player: Player):
    for order in Order.filter(player=player, active=True):
        order.active = False


def execute(group: Group, buyer: Player, seller: Player, price):
    Trade.create(group=group, buyer=buyer, seller=seller, price=price, traded_at=time.time())
    buyer.payoff += buyer.limit_price - price
    seller.payoff += price - seller.limit_price
    for trader in (buyer, seller):
        trader.units_traded += 1
        if trader.units_traded >= C.UNITS_PER_TRADER:
            cancel_orders(trader)


def place_order(player: Player, price):
    group = player.group
    if player.units_traded >= C.UNITS_PER_TRADER:
        return 'You have no units left to trade.'
    if not 0 < price <= C.MAX_PRICE:
        return f'The price must be between 1 and {C.MAX_PRICE}.'
    if player.is_buyer and price > player.limit_price:
        return 'You cannot bid more than your value.'
    if not player.is_buyer and price < player.limit_price:
        return 'You cannot ask less than your cost.'
    cancel_orders(player)  # one order per trader: a new one replaces the old
    opposite = active_orders(group, not player.is_buyer)
    if opposite:
        best = opposite[0]
        crosses = price >= best.price if player.is_buyer else price <= best.price
        if crosses:
            best.active = False
            buyer, seller = (player, best.player) if player.is_buyer else (best.player, player)
            execute(group, buyer, seller, best.price)
            return None
    Order.create(group=group, player=player, is_buy=player.is_buyer, price=price, active=True,
                 placed_at=time.time())
    return None


def live_market(player: Player, data):
    kind = data.get('type') if isinstance(data, dict) else None
    if kind == 'order':
        try:
            price = cu(int(data.get('price')))
        except (TypeError, ValueError):
            return {player.id_in_group: dict(market_state(player), error='Please enter a whole number.')}
        error = place_order(player, price)
        if error:
            return {player.id_in_group: dict(market_state(player), error=error)}
        return everyone(player.group)
    if kind == 'cancel':
        cancel_orders(player)
        return everyone(player.group)
    # anything else (liveSend({}) on load, as oTree apps do): the current state, to the sender
    return {player.id_in_group: market_state(player)}


# PAGES
class Market(Page):
    live_method = live_market

    @staticmethod
    def live_state(player: Player):
        # Sent whenever the page's socket connects after a load or refresh: the page rebuilds itself.
        return market_state(player)

    @staticmethod
    def js_vars(player: Player):
        return dict(is_buyer=player.is_buyer)


class ResultsWaitPage(WaitPage):
    pass


class Results(Page):
    @staticmethod
    def vars_for_template(player: Player):
        return dict(trades=[t for t in Trade.filter(group=player.group)
                            if player in (t.buyer, t.seller)])


page_sequence = [Market, ResultsWaitPage, Results]
