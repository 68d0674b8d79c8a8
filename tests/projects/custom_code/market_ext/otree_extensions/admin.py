from otree.http import render

from market import Player


class BidsView:
    url_pattern = r'^market_ext/bids/$'
    url_name = 'market_ext_bids'
    display_name = 'Market bids'

    def get(self, request):
        players = [p for p in Player.filter() if p.field_maybe_none('bid') is not None]
        return render(request, 'market_ext/Bids.html', {'players': players})


data_export_views = [BidsView]
