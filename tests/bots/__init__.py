"""Tests of bots (tests.py, `otree test`) with the projects tests/projects/bots_api and bots_fail.

`play` runs otree.bots.run.run_bots in this process on a SQLite file, so a test can look at
what the bots left in the database; the CLI tests run the real `otree` console script.
"""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass

import pytest

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


@pytest.fixture
def play(project_dir, tmp_path):
    """Returns play(project, config=None, num=None, settings=""): copies the project once (appending
    `settings` to its settings.py), runs its bots in-process on a new SQLite file, returns a BotRun."""
    from otree.bots.run import run_bots

    counter = iter(range(1000))

    def do_play(project: str, config: str | None = None, num: int | None = None, *, settings: str = "",
                verbose: bool = False) -> BotRun:
        path = str(tmp_path / project)
        if not os.path.isdir(path):  # a test may have copied (and edited) the project already
            project_dir(project)
        os.chdir(path)
        if settings:
            with open(os.path.join(path, "settings.py"), "a") as f:
                f.write("\n" + settings + "\n")
        db_path = str(tmp_path / f"bots-{next(counter)}.sqlite3")
        out = io.StringIO()
        ok = run_bots(config, num, database_url=f"sqlite:///{db_path}", out=out, verbose=verbose)
        return BotRun(ok, out.getvalue(), db_path)

    yield do_play
    from otree.db.engine import set_engine

    set_engine(None)


def run_otree(*args: str, cwd, timeout: float = 180) -> subprocess.CompletedProcess:
    """The installed `otree` console script, without the caller's oTree environment variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTREE_") and k != "DATABASE_URL"}
    return subprocess.run(
        [OTREE, *args], cwd=str(cwd), input="", capture_output=True, text=True, env=env, timeout=timeout,
    )
