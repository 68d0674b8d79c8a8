# The project the load benchmarks run (see ../README.md). Same shape as oTree's figures in
# the shared load generator's README: a 3-player public goods game and a 3-round guessing game.
SESSION_CONFIGS = [
    dict(name='public_goods_simple', app_sequence=['public_goods_simple'], num_demo_participants=3),
    dict(name='guess_two_thirds', app_sequence=['guess_two_thirds'], num_demo_participants=3),
    dict(name='live_bench', app_sequence=['live_bench'], num_demo_participants=3),
    # benchmarks/timeouts.py: timed pages whose deadlines fall in the same second.
    dict(name='timeout_burst', app_sequence=['timeout_burst'], num_demo_participants=1),
    # benchmarks/memory.py: participants idle on a wait page that never completes.
    dict(name='idle_wait', app_sequence=['idle_wait'], num_demo_participants=2),
]
SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=1.00, participation_fee=0.00, doc="")
SECRET_KEY = 'benchmarks'

# Settings oTree 6 requires (the benchmark matrix runs this project on oTree 6.0.15 too).
LANGUAGE_CODE = 'en'
REAL_WORLD_CURRENCY_CODE = 'USD'
USE_POINTS = True
ADMIN_USERNAME = 'admin'
PARTICIPANT_FIELDS = []
SESSION_FIELDS = []
