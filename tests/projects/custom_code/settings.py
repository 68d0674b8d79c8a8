SESSION_CONFIGS = [dict(name='market', app_sequence=['market'], num_demo_participants=2)]
SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=1.00, participation_fee=0.00, doc="")
SECRET_KEY = 'custom'

ROOT_URLCONF = 'urls'
EXTENSION_APPS = ['market_ext']
ADMIN_USERNAME = 'admin'
