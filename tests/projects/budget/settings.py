# The statement-budget tests (tests/web/test_statement_budget.py): one of each kind of request.
SESSION_CONFIGS = [dict(name='budget', app_sequence=['budget'], num_demo_participants=3)]
SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=1.00, participation_fee=0.00, doc="")
SECRET_KEY = 'budget'
