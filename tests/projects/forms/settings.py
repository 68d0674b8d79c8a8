SESSION_CONFIGS = [
    dict(name='forms', app_sequence=['survey'], num_demo_participants=2),
]
SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=1.00, participation_fee=0.00, doc="")
LANGUAGE_CODE = 'en'
REAL_WORLD_CURRENCY_CODE = 'EUR'
USE_POINTS = True
SECRET_KEY = 'forms-test-project'
