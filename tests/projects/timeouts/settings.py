SESSION_CONFIGS = [
    dict(name='timed', app_sequence=['timed'], num_demo_participants=3),
    # Many participants, opened one after another: a longer page, so that the last start link
    # (on a loaded machine) is opened before the first page times out.
    dict(name='timed_many', app_sequence=['timed'], num_demo_participants=12, timeout=6),
    dict(name='waited', app_sequence=['waited'], num_demo_participants=2),
]
SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=1.00, participation_fee=0.00, doc="")
SECRET_KEY = 'timeouts'
