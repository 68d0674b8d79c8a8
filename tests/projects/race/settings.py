SESSION_CONFIGS = [
    dict(name='race', app_sequence=['race'], num_demo_participants=3),
    dict(name='race_all', app_sequence=['race'], num_demo_participants=3, wait_for_all=True),
]
SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=1.00, participation_fee=0.00, doc="")
SECRET_KEY = 'race'
