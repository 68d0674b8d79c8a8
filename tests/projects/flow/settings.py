from os import environ

# A no-self project (plus one self-format app, legacy/) whose apps exercise every page hook, used by the HTTP tests in tests/web.
SESSION_CONFIGS = [
    # 2 participants, one group: hooks (2 rounds) -> middle -> last
    dict(name='flow', app_sequence=['hooks', 'middle', 'last'], num_demo_participants=2),
    # single-participant apps
    dict(name='kinds', app_sequence=['kinds'], num_demo_participants=1),
    dict(name='buttons', app_sequence=['buttons'], num_demo_participants=2),
    dict(name='timed', app_sequence=['timed'], num_demo_participants=1),
    # a self-format (oTree 3) app followed by no-self apps
    dict(name='legacy', app_sequence=['legacy', 'middle', 'last'], num_demo_participants=2),
]
SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=1.00, participation_fee=0.00, doc="")
PARTICIPANT_FIELDS = []
SESSION_FIELDS = []
LANGUAGE_CODE = 'en'
REAL_WORLD_CURRENCY_CODE = 'USD'
USE_POINTS = True
ADMIN_USERNAME = 'admin'
ADMIN_PASSWORD = environ.get('OTREE_ADMIN_PASSWORD')
SECRET_KEY = 'flow-test-project'
