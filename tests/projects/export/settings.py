from os import environ

# Test project of the data exports (tests/test_export.py):
# 'trade' = trade (no-self, 2 per group, 2 rounds, ExtraModel Bid, two custom exports)
#           + legacy (self format, custom_export defined in the Player class body);
# 'bulk'  = bulk (everyone in one group, 1 round): sessions of thousands of participants.

SESSION_CONFIGS = [
    dict(name='trade', app_sequence=['trade', 'legacy'], num_demo_participants=2,
         market='north', max_bids=3, open_book=False, weights=[1, 2]),
    dict(name='bulk', app_sequence=['bulk'], num_demo_participants=1),
]
SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=0.25, participation_fee=5.00, doc="")
PARTICIPANT_FIELDS = ['team']
SESSION_FIELDS = []
LANGUAGE_CODE = 'en'
REAL_WORLD_CURRENCY_CODE = 'USD'
USE_POINTS = True
ADMIN_USERNAME = 'admin'
ADMIN_PASSWORD = environ.get('OTREE_ADMIN_PASSWORD')
SECRET_KEY = '5647382910564'
