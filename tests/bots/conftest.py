"""Fixtures of the bot tests: `play` runs a project's bots in this process on a SQLite file."""

from __future__ import annotations

import io
import os

import pytest

from tests.bots import BotRun


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
