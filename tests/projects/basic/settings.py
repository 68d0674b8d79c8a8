from os import environ

SESSION_CONFIGS = [
    dict(name='game', app_sequence=['game', 'survey'], num_demo_participants=3),
    dict(name='matching', app_sequence=['matching'], num_demo_participants=4, custom_flag=True),
]
SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=0.50, participation_fee=2.00, doc="")
PARTICIPANT_FIELDS = ['finished', 'score_list']
SESSION_FIELDS = ['market_price']
LANGUAGE_CODE = 'en'
REAL_WORLD_CURRENCY_CODE = 'USD'
USE_POINTS = True
ADMIN_USERNAME = 'admin'
ADMIN_PASSWORD = environ.get('OTREE_ADMIN_PASSWORD')
SECRET_KEY = '1234567890123'
