SESSION_CONFIGS = [
    dict(name='on_get', app_sequence=['crashes'], num_demo_participants=2, where='vars_for_template'),
    dict(name='on_post', app_sequence=['crashes'], num_demo_participants=2, where='before_next_page'),
    dict(name='on_wait', app_sequence=['crashes'], num_demo_participants=2, where='after_all_players_arrive'),
]
SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=1.00, participation_fee=0.00, doc="")
SECRET_KEY = 'debug-errors-test-key'
