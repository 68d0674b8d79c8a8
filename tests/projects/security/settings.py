SESSION_CONFIGS = [
    dict(name='fuzz', app_sequence=['kinds'], num_demo_participants=2, flag=True, rounds=3, rate=0.5,
         word='hello'),
]
SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=1.00, participation_fee=0.00, doc="")
ROOMS = [dict(name='lab', display_name='Lab')]
LANGUAGE_CODE = 'en'
REAL_WORLD_CURRENCY_CODE = 'EUR'
USE_POINTS = True
ADMIN_USERNAME = 'admin'
SECRET_KEY = 'security-test-project'
MAX_PARTICIPANTS_PER_SESSION = 400
LOGIN_MAX_ATTEMPTS = 5
