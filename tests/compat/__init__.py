"""Compatibility with the ways third-party oTree projects are written (one test module per cause).

`make_project` writes a small project into tmp_path; `bots` runs its bots in this process on a
SQLite file (as `otree test` does) and returns whether they passed and what they printed.
"""

from __future__ import annotations

from dataclasses import dataclass

SETTINGS = '''\
SESSION_CONFIGS = [
{configs}
]
SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=1.00, participation_fee=0.00, doc="")
PARTICIPANT_FIELDS = []
SESSION_FIELDS = []
LANGUAGE_CODE = 'en'
REAL_WORLD_CURRENCY_CODE = 'USD'
USE_POINTS = True
SECRET_KEY = '2468013579246'
'''


def config(name: str, apps: list[str], num: int = 1, **extra) -> str:
    fields = dict(name=name, app_sequence=apps, num_demo_participants=num, **extra)
    return "    dict(" + ", ".join(f"{k}={v!r}" for k, v in fields.items()) + "),"


@dataclass
class BotRun:
    ok: bool
    output: str
