from os import environ

# A project written the way oTree 3 (Django era) projects were: self-format apps with
# models.py / pages.py / tests.py, `class Constants` with lowercase names, Django templates.

SESSION_CONFIGS = [
    dict(
        name='public_goods',
        display_name="Public Goods",
        num_demo_participants=3,
        app_sequence=['public_goods', 'survey'],
    ),
    dict(
        name='survey',
        num_demo_participants=1,
        app_sequence=['survey'],
    ),
]

# if you set a property in SESSION_CONFIG_DEFAULTS, it will be inherited by all configs
# in SESSION_CONFIGS, except those that explicitly override it.
SESSION_CONFIG_DEFAULTS = dict(
    real_world_currency_per_point=1.00, participation_fee=0.00, doc=""
)

LANGUAGE_CODE = 'en'
REAL_WORLD_CURRENCY_CODE = 'USD'
USE_POINTS = True

ROOMS = []

ADMIN_USERNAME = 'admin'
ADMIN_PASSWORD = environ.get('OTREE_ADMIN_PASSWORD')

DEMO_PAGE_INTRO_HTML = """ """

SECRET_KEY = '9876543210987'

# oTree 3 projects listed 'otree' here; it is accepted and ignored.
INSTALLED_APPS = ['otree']
