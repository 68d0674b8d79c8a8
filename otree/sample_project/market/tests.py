from otree.api import Currency as cu, expect, Bot
from . import *


class PlayerBot(Bot):
    def play_round(self):
        yield Market
        if self.player.id_in_group in (1, 2):
            # the trade that call_live_method made, between trader 1 (buyer) and trader 2 (seller)
            expect(self.player.units_traded, 1)
            price = agreed_price(self.group)
            profit = self.player.limit_price - price if self.player.is_buyer else price - self.player.limit_price
            expect(self.player.payoff, profit)
        else:
            expect(self.player.units_traded, 0)
            expect(self.player.payoff, 0)
        yield Results


def agreed_price(group):
    """The bid of trader 1 that trader 2 accepts: between the seller's cost and the buyer's value."""
    buyer, seller = group.get_player_by_id(1), group.get_player_by_id(2)
    return cu((int(buyer.limit_price) + int(seller.limit_price)) // 2)


def call_live_method(method, group, **kwargs):
    buyer, seller = group.get_player_by_id(1), group.get_player_by_id(2)
    bid = agreed_price(group)

    # state on load, as oTree apps ask for it with liveSend({})
    state = method(1, {})[1]
    expect(state['bids'], [])
    expect(state['me']['is_buyer'], True)

    # a bid above the buyer's value is refused, to the buyer only
    refused = method(1, dict(type='order', price=int(buyer.limit_price) + 1))
    expect(list(refused), [1])
    expect('more than your value', 'in', refused[1]['error'])

    # a bid rests in the book, seen by everyone
    book = method(1, dict(type='order', price=int(bid)))
    expect(book[2]['bids'], [[bid, 1]])
    expect(book[2]['asks'], [])

    # an ask at or below the best bid trades at once, at the bid's price
    traded = method(2, dict(type='order', price=int(seller.limit_price)))
    expect(traded[1]['trades'], [[bid, 1, 2]])
    expect(traded[1]['bids'], [])
    expect(traded[1]['me']['payoff'], buyer.limit_price - bid)
    expect(traded[2]['me']['payoff'], bid - seller.limit_price)
