SESSION_CONFIGS = [
    dict(name='study', app_sequence=['study'], num_demo_participants=2),
]
SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=1.00, participation_fee=0.00, doc="")
PARTICIPANT_FIELDS = []
SESSION_FIELDS = []
LANGUAGE_CODE = 'en'
REAL_WORLD_CURRENCY_CODE = 'USD'
USE_POINTS = True
SECRET_KEY = 'schema-test-project'
