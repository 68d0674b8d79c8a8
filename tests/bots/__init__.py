"""Tests of bots (tests.py, `otree test`) with the projects tests/projects/bots_api and bots_fail.

`play` runs otree.bots.run.run_bots in this process on a SQLite file, so a test can look at
what the bots left in the database; the CLI tests run the real `otree` console script.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass

OTREE = os.path.join(os.path.dirname(sys.executable), "otree")


@dataclass
class BotRun:
    ok: bool
    output: str
    db_path: str

    def rows(self, sql: str, *params) -> list[tuple]:
        with sqlite3.connect(self.db_path) as conn:
            return conn.execute(sql, params).fetchall()

    def count(self, table: str) -> int:
        return self.rows(f"SELECT COUNT(*) FROM {table}")[0][0]


def run_otree(*args: str, cwd, timeout: float = 180) -> subprocess.CompletedProcess:
    """The installed `otree` console script, without the caller's oTree environment variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTREE_") and k != "DATABASE_URL"}
    return subprocess.run(
        [OTREE, *args], cwd=str(cwd), input="", capture_output=True, text=True, env=env, timeout=timeout,
    )
