from os import environ

SESSION_CONFIGS = [dict(name='monitored', app_sequence=['monitored'], num_demo_participants=4)]
SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=1.00, participation_fee=0.00, doc="")
ADMIN_USERNAME = 'admin'
ADMIN_PASSWORD = environ.get('OTREE_ADMIN_PASSWORD')
SECRET_KEY = 'monitored'
