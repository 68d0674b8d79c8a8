"""Fixtures of the compatibility tests: `make_project` writes a small project, `bots` runs its bots."""

from __future__ import annotations

import io
import sys
import textwrap

import pytest

from tests.compat import SETTINGS, BotRun, config


@pytest.fixture
def make_project(tmp_path, monkeypatch):
    """make_project({path: text}, configs=[...]) writes the project, makes it the current folder."""
    monkeypatch.setattr(sys, "path", list(sys.path))

    def make(files: dict[str, str], configs: list[str] | None = None) -> str:
        root = tmp_path / "proj"
        if configs is None:
            apps = sorted({path.split("/")[0] for path in files if "/" in path and not path.startswith("_")})
            configs = [config("cfg", apps)]
        files = {"settings.py": SETTINGS.format(configs="\n".join(configs)), **files}
        for path, text in files.items():
            full = root.joinpath(*path.split("/"))
            full.parent.mkdir(parents=True, exist_ok=True)
            full.write_text(textwrap.dedent(text))
        monkeypatch.chdir(root)
        return str(root)

    yield make
    from otree.db.engine import set_engine

    set_engine(None)


@pytest.fixture
def bots(tmp_path):
    """bots(config=None, num=None): run the current project's bots on a new SQLite file."""
    from otree.bots.run import run_bots

    counter = iter(range(1000))

    def run(config: str | None = None, num: int | None = None) -> BotRun:
        out = io.StringIO()
        db = tmp_path / f"bots-{next(counter)}.sqlite3"
        ok = run_bots(config, num, database_url=f"sqlite:///{db}", out=out)
        return BotRun(ok, out.getvalue())

    return run
