from os import environ

SESSION_CONFIGS = [
    dict(
        name='public_goods',
        display_name="Public goods game (3 players)",
        app_sequence=['public_goods', 'survey'],
        num_demo_participants=3,
    ),
    dict(
        name='survey',
        display_name="Survey",
        app_sequence=['survey'],
        num_demo_participants=1,
    ),
]

SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=0.01, participation_fee=5.00, doc="")
PARTICIPANT_FIELDS = []
SESSION_FIELDS = []
LANGUAGE_CODE = 'en'
REAL_WORLD_CURRENCY_CODE = 'USD'
USE_POINTS = True
ADMIN_USERNAME = 'admin'
ADMIN_PASSWORD = environ.get('OTREE_ADMIN_PASSWORD')
DEMO_PAGE_INTRO_HTML = """<p>Pick a game, then open each participant's link in its own tab.</p>"""
SECRET_KEY = '4185271938820'
