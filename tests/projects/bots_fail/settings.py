from os import environ

# Bots that fail, one way per config (tests/bots/test_failures.py). The f_app bot does what
# the config's `mode` says; mode 'ok' plays it correctly.
MODES = [
    'ok', 'wrong_page', 'expect', 'expect_op', 'bot_bug', 'app_bug', 'must_fail_passes', 'wrong_fields', 'leftover',
    'stops_early', 'missing_field', 'no_button', 'crash', 'wait_page', 'bad_yield',
]
SESSION_CONFIGS = [
    dict(name=mode, app_sequence=['f_app'], num_demo_participants=1, mode=mode) for mode in MODES
] + [
    # only participant 1 is ever grouped on f_stuck's group_by_arrival_time wait page
    dict(name='stuck', app_sequence=['f_ready', 'f_stuck'], num_demo_participants=2),
    # f_notests has no tests.py
    dict(name='notests', app_sequence=['f_app', 'f_notests'], num_demo_participants=1, mode='ok'),
]
SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=1.00, participation_fee=0.00, doc="")
PARTICIPANT_FIELDS = []
SESSION_FIELDS = []
LANGUAGE_CODE = 'en'
REAL_WORLD_CURRENCY_CODE = 'USD'
USE_POINTS = True
ADMIN_USERNAME = 'admin'
ADMIN_PASSWORD = environ.get('OTREE_ADMIN_PASSWORD')
SECRET_KEY = '1357924680135'
