SESSION_CONFIGS = [dict(name='oops', app_sequence=['oops'], num_demo_participants=1)]
SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=1.00, participation_fee=0.00, doc="")
SECRET_KEY = 'oops'
