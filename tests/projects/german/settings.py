SESSION_CONFIGS = [dict(name='umfrage', app_sequence=['umfrage'], num_demo_participants=2)]
SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=0.25, participation_fee=3.50, doc="")
LANGUAGE_CODE = 'de'
REAL_WORLD_CURRENCY_CODE = 'EUR'
USE_POINTS = True
POINTS_DECIMAL_PLACES = 1
SECRET_KEY = 'german-test-project-key'
