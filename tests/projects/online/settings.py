SESSION_CONFIGS = [
    dict(name='pgg', app_sequence=['pgg'], num_demo_participants=3, detect_dropouts=True),
    dict(name='pgg_plain', app_sequence=['pgg'], num_demo_participants=3),
    dict(name='pgg_prolific', app_sequence=['pgg', 'payment'], num_demo_participants=3, max_wait=1,
         prolific_completion_code='C0MPLETE', prolific_leave_code='LEFT1'),
    dict(name='pgg_browser', app_sequence=['pgg', 'payment'], num_demo_participants=3, max_wait=1,
         detect_dropouts=True),
    dict(name='lobby', app_sequence=['lobby'], num_demo_participants=4),
    dict(name='pgg_leave', app_sequence=['pgg', 'payment'], num_demo_participants=3, max_wait=1),
]
SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=1.00, participation_fee=0.00, doc="")
SECRET_KEY = 'online'
# Short, so that the browser test sees the "Are you still there?" prompt quickly.
GBAT_INACTIVE_SECONDS_UNTIL_PROMPT = 1
GBAT_INACTIVE_SECONDS_TO_CONFIRM = 1
