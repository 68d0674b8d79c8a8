"""`otree shell` driven through stdin: the project is loaded, a unit of work is open, and changes are
committed on a clean exit only (not with --readonly, not on an exit with an error code)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from otree.db import unit_of_work
from tests.support.participants import create
from tests.support.projects import copy_project

OTREE = os.path.join(os.path.dirname(sys.executable), "otree")


@pytest.fixture
def project(tmp_path, db_url):
    path = copy_project("custom_code", tmp_path)
    create(path, db_url, "market", 2)
    yield path, db_url
    from otree.db.engine import set_engine

    set_engine(None)


def shell(project, stdin: str, *args: str) -> subprocess.CompletedProcess:
    path, db_url = project
    env = dict(os.environ, DATABASE_URL=db_url)
    env.pop("REDIS_URL", None)
    return subprocess.run([OTREE, "shell", *args], cwd=path, input=stdin, capture_output=True, text=True,
                          timeout=60, env=env)


def notes() -> list:
    from market import Player

    with unit_of_work(readonly=True) as db:
        return [p.field_maybe_none("note") for p in db.query(Player).order_by(Player.id)]


def test_changes_are_committed_on_a_clean_exit(project):
    result = shell(project, "players = Player.filter()\nprint('found', len(players))\n"
                            "for p in players:\n    p.note = 'from the shell'\n\n")
    assert result.returncode == 0, result.stderr
    assert "found 2" in result.stdout
    assert "A unit of work is open as `db`" in result.stderr  # the banner
    assert notes() == ["from the shell", "from the shell"]


def test_plain_select_and_the_core_models_are_there(project):
    result = shell(project, "print('participants', db.scalar(select(func.count()).select_from(Participant)))\n"
                            "print('bids', [p.field_maybe_none('bid') for p in market.Player.filter()])\nexit()\n")
    assert result.returncode == 0, result.stderr
    assert "participants 2" in result.stdout and "bids [None, None]" in result.stdout


def test_readonly_and_error_exits_save_nothing(project):
    result = shell(project, "Player.filter()[0].note = 'nope'\n", "--readonly")
    assert result.returncode == 0 and "--readonly" in result.stderr
    assert notes() == [None, None]
    result = shell(project, "Player.filter()[0].note = 'nope'\nexit(3)\n")
    assert result.returncode == 3 and "nothing was saved" in result.stderr
    assert notes() == [None, None]


def test_command_option_runs_code_in_a_unit_of_work(project):
    result = shell(project, "", "-c", "Player.filter()[1].note = 'via -c'; print('ok')")
    assert result.returncode == 0 and result.stdout.strip() == "ok"
    assert notes() == [None, "via -c"]
    failing = shell(project, "", "-c", "Player.filter()[0].note = 'x'; 1/0")
    assert failing.returncode == 1 and "ZeroDivisionError" in failing.stderr
    assert notes() == [None, "via -c"]
