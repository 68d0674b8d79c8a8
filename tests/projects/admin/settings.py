from os import environ

# The admin tests' project: an app with an admin report (and an ExtraModel), a 3-player app,
# and an app whose creating_session fails.
SESSION_CONFIGS = [
    dict(name='report', display_name='Report game', app_sequence=['reported'], num_demo_participants=2,
         treatment='blue', bonus_rounds=3, ratio=0.5, show_hint=True, weights=[1, 2],
         doc='A session with an admin report.'),
    dict(name='lcm', app_sequence=['reported', 'trio'], num_demo_participants=6),
    dict(name='trio', app_sequence=['trio'], num_demo_participants=3),
    dict(name='broken', app_sequence=['broken'], num_demo_participants=1),
]
SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=0.50, participation_fee=2.00, doc="")
PARTICIPANT_FIELDS = []
SESSION_FIELDS = []
LANGUAGE_CODE = 'en'
REAL_WORLD_CURRENCY_CODE = 'USD'
USE_POINTS = True
ROOMS = [dict(name='lab', display_name='The lab')]
ADMIN_USERNAME = 'admin'
ADMIN_PASSWORD = environ.get('OTREE_ADMIN_PASSWORD')
DEMO_PAGE_TITLE = 'Admin test demos'
DEMO_PAGE_INTRO_HTML = '<p class="intro-marker">Try these.</p>'
SECRET_KEY = 'admin-test-project'
