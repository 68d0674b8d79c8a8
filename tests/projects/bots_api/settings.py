from os import environ

# Bots that use every part of the bot API (tests/bots/test_bot_api.py, tests/bots/test_cli.py).
# Every config passes `otree test`.
SESSION_CONFIGS = [
    # one participant: every yield form, SubmissionMustFail, check_html, timeout_happened, expect operators
    dict(name='forms', app_sequence=['bot_forms'], num_demo_participants=1),
    # two groups of 2, 3 rounds, group and subsession wait pages, cases as dicts
    dict(name='rounds', app_sequence=['bot_rounds'], num_demo_participants=4),
    # three apps in a row; bot_end has 3 string cases, so this config plays 3 sessions
    dict(name='multi', app_sequence=['bot_forms', 'bot_rounds', 'bot_end'], num_demo_participants=2),
    # live pages driven by call_live_method in tests.py
    dict(name='live', app_sequence=['bot_live'], num_demo_participants=2),
]
SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=1.00, participation_fee=0.00, doc="")
PARTICIPANT_FIELDS = []
SESSION_FIELDS = []
LANGUAGE_CODE = 'en'
REAL_WORLD_CURRENCY_CODE = 'USD'
USE_POINTS = True
ADMIN_USERNAME = 'admin'
ADMIN_PASSWORD = environ.get('OTREE_ADMIN_PASSWORD')
SECRET_KEY = '2468013579246'
