"""`otree test [CONFIG] [N] [--export [PATH]]` (alias `otree bots`), run as the installed console script
in a copy of a test project."""

from __future__ import annotations

import contextlib
import csv
import glob
import hashlib
import os
import re
import sqlite3

import pytest

from tests.support.projects import copy_project

from . import run_otree


@pytest.fixture
def bots_api(tmp_path):
    return copy_project("bots_api", tmp_path)


@pytest.fixture
def bots_fail(tmp_path):
    return copy_project("bots_fail", tmp_path)


def progress(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith("Running bots: ")]


def test_all_configs(bots_api):
    result = run_otree("test", cwd=bots_api)
    assert result.returncode == 0, result.stdout + result.stderr
    assert progress(result.stdout) == [
        "Running bots: forms, 1 participant ...",
        "Running bots: rounds, case 1 of 2, 4 participants ...",
        "Running bots: rounds, case 2 of 2, 4 participants ...",
        "Running bots: multi, case 1 of 3, 2 participants ...",
        "Running bots: multi, case 2 of 3, 2 participants ...",
        "Running bots: multi, case 3 of 3, 2 participants ...",
        "Running bots: live, case 1 of 2, 2 participants ...",
        "Running bots: live, case 2 of 2, 2 participants ...",
    ]
    assert re.search(r"^Bots passed: 8 session\(s\), \d+ page submissions\.$", result.stdout, re.M)


@pytest.mark.parametrize("command", ["test", "bots"])
def test_one_config_with_num_participants(bots_api, command):
    result = run_otree(command, "rounds", "6", cwd=bots_api)
    assert result.returncode == 0, result.stdout + result.stderr
    assert progress(result.stdout) == [
        "Running bots: rounds, case 1 of 2, 6 participants ...",
        "Running bots: rounds, case 2 of 2, 6 participants ...",
    ]
    assert "Bots passed: 2 session(s)" in result.stdout


def test_selfformat_project(tmp_path):
    """The oTree 3 public_goods app: `from ._builtin import Bot`, `from . import pages`, 3 cases."""
    project = copy_project("selfformat", tmp_path)
    result = run_otree("test", "public_goods", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(progress(result.stdout)) == 3
    assert "Bots passed: 3 session(s)" in result.stdout


@pytest.mark.parametrize("config, message", [
    ("expect", "expect() failed: Expected 4, but the actual value is 3"),
    ("wrong_page", "Discrepancy between bot code and app code"),
    ("stuck", "Bots got stuck"),
    ("crash", "ZeroDivisionError: division by zero"),
    ("notests", "has no tests.py"),
])
def test_failure_exit_code(bots_fail, config, message):
    result = run_otree("test", config, cwd=bots_fail)
    assert result.returncode == 1, result.stdout + result.stderr
    assert message in result.stdout
    assert "Bots passed" not in result.stdout


def test_all_configs_stop_at_the_first_failure(bots_fail):
    result = run_otree("bots", cwd=bots_fail)
    assert result.returncode == 1
    assert progress(result.stdout) == ["Running bots: ok, 1 participant ...",
                                       "Running bots: wrong_page, 1 participant ..."]


def test_unknown_config(bots_api):
    result = run_otree("test", "nope", cwd=bots_api)
    assert result.returncode == 1
    assert "There is no session config named 'nope' (known: forms, rounds, multi, live)." in result.stdout


def test_num_participants_not_a_multiple_of_the_group_size(bots_api):
    result = run_otree("test", "rounds", "3", cwd=bots_api)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "Number of participants (3) is not a multiple of group size (2)" in result.stdout


def test_zero_participants(bots_api):
    result = run_otree("test", "forms", "0", cwd=bots_api)
    assert result.returncode == 1
    assert "Number of participants must be a positive whole number, not 0" in result.stdout


def test_users_database_is_untouched(bots_api):
    """Bots use a temporary database: the project's db.sqlite3 is neither created nor changed."""
    result = run_otree("test", "forms", cwd=bots_api)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not os.path.exists(os.path.join(bots_api, "db.sqlite3"))

    created = run_otree("create_session", "forms", "1", cwd=bots_api)
    assert created.returncode == 0, created.stdout + created.stderr
    db_path = os.path.join(bots_api, "db.sqlite3")
    with open(db_path, "rb") as f:
        before = hashlib.sha256(f.read()).hexdigest()
    before_files = sorted(os.listdir(bots_api))

    result = run_otree("test", cwd=bots_api)
    assert result.returncode == 0, result.stdout + result.stderr
    with open(db_path, "rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == before
    with contextlib.closing(sqlite3.connect(db_path)) as conn:  # closed, so it leaves no -wal/-shm
        assert conn.execute("SELECT COUNT(*) FROM otree_session").fetchone()[0] == 1
    assert sorted(os.listdir(bots_api)) == before_files  # no export folder without --export


def _exported(folder) -> list[str]:
    return sorted(os.path.basename(p) for p in glob.glob(os.path.join(str(folder), "*.csv")))


def _csv_rows(path: str) -> list[str]:
    with open(path, encoding="utf-8-sig") as f:
        return [line for line in f.read().splitlines() if line.strip()]


def test_export_to_path(bots_api, tmp_path):
    target = tmp_path / "exported"
    result = run_otree("test", "multi", "--export", str(target), cwd=bots_api)
    assert result.returncode == 0, result.stdout + result.stderr
    files = _exported(target)
    assert any(name.startswith("all_apps_wide") for name in files), files
    for app in ("bot_forms", "bot_rounds", "bot_end"):
        assert any(name.startswith(app) for name in files), (app, files)
    wide = os.path.join(str(target), next(n for n in files if n.startswith("all_apps_wide")))
    rows = _csv_rows(wide)
    assert len(rows) == 1 + 3 * 2  # header + 3 sessions (cases) x 2 participants
    assert "bot_end.1.player.note" in rows[0]
    with open(os.path.join(str(target), next(n for n in files if n.startswith("bot_end"))), encoding="utf-8-sig") as f:
        notes = [row["player.note"] for row in csv.DictReader(f)]
    assert notes == ["alpha"] * 2 + ["beta"] * 2 + ["gamma"] * 2  # every case's session is exported


def test_export_default_folder(bots_api):
    result = run_otree("test", "forms", "--export", cwd=bots_api)
    assert result.returncode == 0, result.stdout + result.stderr
    folders = [name for name in os.listdir(bots_api) if name.startswith("__temp_bots_")]
    assert len(folders) == 1, os.listdir(bots_api)
    files = _exported(os.path.join(bots_api, folders[0]))
    assert any(name.startswith("all_apps_wide") for name in files), files
    assert any(name.startswith("bot_forms") for name in files), files
