from otree.api import *
from otree.channels import async_to_sync, get_channel_layer


class C(BaseConstants):
    NAME_IN_URL = 'market'
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    bid = models.IntegerField(min=0, max=100, label="Your bid")
    note = models.StringField(blank=True)


class Bid(Page):
    form_model = 'player'
    form_fields = ['bid']

    @staticmethod
    def before_next_page(player: Player, timeout_happened):
        # oTree 3's idiom: tell the market's custom consumer from page code.
        async_to_sync(get_channel_layer().group_send)(
            f"market-{player.session.code}",
            {"type": "bid.placed", "bid": player.bid, "participant": player.participant.code},
        )

    @staticmethod
    def live_method(player: Player, data):
        # The same idiom from a live method, which runs in a worker thread of the server.
        async_to_sync(get_channel_layer().group_send)(
            f"market-{player.session.code}",
            {"type": "bid.placed", "bid": data["bid"], "participant": player.participant.code},
        )
        return {player.id_in_group: "told the screen"}


class Results(Page):
    pass


page_sequence = [Bid, Results]
