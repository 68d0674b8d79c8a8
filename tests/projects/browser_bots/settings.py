SESSION_CONFIGS = [
    dict(name='trio', app_sequence=['trio'], num_demo_participants=3),
    dict(name='trio_in_browsers', app_sequence=['trio'], num_demo_participants=3, use_browser_bots=True),
]
SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=1.00, participation_fee=0.00, doc="")
SECRET_KEY = 'browser-bots-test-key'
