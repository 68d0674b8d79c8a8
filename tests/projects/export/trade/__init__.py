from otree.api import *

doc = """Two traders make offers; their bids are an ExtraModel. Two custom exports."""


class C(BaseConstants):
    NAME_IN_URL = 'trade'
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 2
    BUYER_ROLE = 'Buyer'
    SELLER_ROLE = 'Seller'


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    price = models.CurrencyField()


class Player(BasePlayer):
    offer = models.CurrencyField()
    accepted = models.BooleanField()


class Bid(ExtraModel):
    player = models.Link(Player)
    amount = models.CurrencyField()
    note = models.StringField()


def custom_export(players):
    yield ['session', 'participant', 'round', 'role', 'offer', 'accepted', 'price']
    for p in players:
        yield [
            p.session.code, p.participant.code, p.round_number, p.role,
            p.field_maybe_none('offer'), p.field_maybe_none('accepted'), p.group.field_maybe_none('price'),
        ]


def custom_export_bids(players):
    yield ['participant', 'round', 'amount', 'note']
    for p in players:
        for bid in Bid.filter(player=p):
            yield [p.participant.code, p.round_number, bid.amount, bid.note]


def custom_export_direct(players):
    # Reads fields directly, even empty ones: allowed in custom exports, as in oTree.
    yield ['participant', 'offer', 'price']
    for p in players:
        yield [p.participant.code, p.offer, p.group.price]


class Offer(Page):
    form_model = 'player'
    form_fields = ['offer']


page_sequence = [Offer]
