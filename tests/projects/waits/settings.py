SESSION_CONFIGS = [
    dict(name='gbat', app_sequence=['gbat'], num_demo_participants=4),
    dict(name='gbat_method', app_sequence=['gbat_method'], num_demo_participants=4),
    dict(name='texts', app_sequence=['texts'], num_demo_participants=2),
]
SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=1.00, participation_fee=0.00, doc="")
SECRET_KEY = 'waits'
