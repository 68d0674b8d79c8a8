from os import environ

SESSION_CONFIGS = [
    dict(name='public_goods', display_name="Public goods", app_sequence=['public_goods', 'payment_info'],
         num_demo_participants=3),
    dict(name='trust', display_name="Trust game", app_sequence=['trust', 'payment_info'], num_demo_participants=2),
    dict(name='dictator', display_name="Dictator game", app_sequence=['dictator', 'payment_info'],
         num_demo_participants=2),
    dict(name='ultimatum', display_name="Ultimatum game", app_sequence=['ultimatum', 'payment_info'],
         num_demo_participants=2),
    dict(name='guess_two_thirds', display_name="Guess 2/3 of the average",
         app_sequence=['guess_two_thirds', 'payment_info'], num_demo_participants=3),
    dict(name='prisoner', display_name="Prisoner's dilemma", app_sequence=['prisoner', 'payment_info'],
         num_demo_participants=2),
    dict(name='matching_pennies', display_name="Matching pennies", app_sequence=['matching_pennies'],
         num_demo_participants=4),
    dict(name='cournot', display_name="Cournot competition", app_sequence=['cournot', 'payment_info'],
         num_demo_participants=2),
    dict(name='survey', display_name="Survey (every field kind)", app_sequence=['survey', 'payment_info'],
         num_demo_participants=1),
    dict(name='market', display_name="Continuous double auction (live page)", app_sequence=['market', 'payment_info'],
         num_demo_participants=4),
    dict(name='arrival', display_name="Groups formed by arrival time", app_sequence=['arrival'],
         num_demo_participants=4),
    dict(name='public_goods_online', display_name="Public goods online (dropouts, leaving a wait page, Prolific)",
         app_sequence=['public_goods_online', 'online_end'], num_demo_participants=6,
         # Who may leave a wait page, after how long (short for the demo; minutes in a real study).
         max_wait_seconds=10,
         # With Prolific: set the study's completion code (and optionally a code for those who left).
         # prolific_completion_code='C1A2B3C4', prolific_leave_code='C5D6E7F8',
         ),
]

# Values here apply to every session config; a config may override them.
SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=0.01, participation_fee=5.00, doc="")

PARTICIPANT_FIELDS = []
SESSION_FIELDS = []

LANGUAGE_CODE = 'en'
REAL_WORLD_CURRENCY_CODE = 'USD'
USE_POINTS = True

ROOMS = [
    dict(name='econ101', display_name='Econ 101 class', participant_label_file='_rooms/econ101.txt'),
    dict(name='live_demo', display_name='Room for live demo (no participant labels)'),
]

ADMIN_USERNAME = 'admin'
# Set the environment variable OTREE_ADMIN_PASSWORD in production.
ADMIN_PASSWORD = environ.get('OTREE_ADMIN_PASSWORD')

DEMO_PAGE_INTRO_HTML = """
<p>Sample games of otree-asgi. Pick one, then open each participant's link in its own browser tab.</p>
"""

SECRET_KEY = 'Yq3vN8kT2mR7pW4xZ6bD1fH9jL0sA5cE'
