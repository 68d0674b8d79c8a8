from otree.urls import path, re_path

from market_ext.consumers import ChatConsumer, FragileConsumer, MarketConsumer, NotesConsumer

websocket_routes = [
    path('ws/chat/<str:room_name>/', ChatConsumer),  # a consumer class, as in Channels 2
    re_path(r'^ws/market/(?P<session_code>\w+)/$', MarketConsumer.as_asgi()),  # as in Channels 3
    path('ws/notes/', NotesConsumer.as_asgi()),
    path('ws/fragile/', FragileConsumer),
]
