from otree.http import JsonResponse
from otree.urls import path

from market import Player


def summary(request):
    bids = [p.bid for p in Player.filter() if p.field_maybe_none('bid') is not None]
    return JsonResponse({'bids': len(bids), 'total': sum(bids)})


urlpatterns = [path('market_ext/summary/', summary)]
