from ._builtin import Page


class Auction(Page):
    live_method = 'live_bid'


class Echo(Page):
    def live_method(self, data):
        return {self.player.id_in_group: {'echo': data, 'round': self.round_number}}


page_sequence = [Auction, Echo]
