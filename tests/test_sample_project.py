"""`otree startproject` with sample games: a working project whose every game passes its bots."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest

OTREE = os.path.join(os.path.dirname(sys.executable), "otree")
GAMES = ["public_goods", "trust", "dictator", "ultimatum", "guess_two_thirds", "prisoner", "matching_pennies",
         "cournot", "survey", "arrival", "market", "public_goods_online"]


def run(args, cwd, stdin=None, timeout=900):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    return subprocess.run([OTREE, *args], cwd=cwd, input=stdin, capture_output=True, text=True,
                          timeout=timeout, env=env)


def test_startproject_with_sample_games_passes_all_bots(tmp_path):
    created = run(["startproject", "mysite"], cwd=tmp_path, stdin="y\n")
    assert created.returncode == 0, created.stderr
    assert "Include sample games? (y or n)" in created.stdout
    project = tmp_path / "mysite"
    for game in GAMES + ["payment_info", "online_end"]:
        assert (project / game / "__init__.py").is_file(), game
        assert (project / game / "tests.py").is_file(), game
    settings = (project / "settings.py").read_text()
    assert "{{ secret_key }}" not in settings
    assert (project / ".gitignore").is_file() and (project / "_rooms" / "econ101.txt").is_file()
    assert not list(project.rglob("db.sqlite3*"))

    bots = run(["test"], cwd=project)
    assert bots.returncode == 0, bots.stdout[-5000:] + bots.stderr[-5000:]
    for game in GAMES:
        assert f"Running bots: {game}" in bots.stdout
    assert "Bots passed" in bots.stdout
    assert not (project / "db.sqlite3").exists()  # bots play on a temporary database


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)  # SQLite: `otree test` above
def test_sample_games_pass_their_bots_on_postgres(tmp_path, monkeypatch, db_url):
    from otree.bots.run import run_bots
    from otree.db.engine import set_engine

    assert run(["startproject", "mysite"], cwd=tmp_path, stdin="y\n").returncode == 0
    monkeypatch.chdir(tmp_path / "mysite")
    out = io.StringIO()
    try:
        ok = run_bots(database_url=db_url, out=out)
    finally:
        set_engine(None)
    assert ok, out.getvalue()[-5000:]
    for game in GAMES:
        assert f"Running bots: {game}" in out.getvalue()


def test_startproject_answering_no_gives_a_blank_project(tmp_path):
    created = run(["startproject", "blank"], cwd=tmp_path, stdin="n\n")
    assert created.returncode == 0, created.stderr
    assert (tmp_path / "blank" / "settings.py").is_file()
    assert not (tmp_path / "blank" / "public_goods").exists()


def test_startapp_copies_a_minimal_noself_app(tmp_path):
    assert run(["startproject", "site", "--noinput"], cwd=tmp_path).returncode == 0
    made = run(["startapp", "my_game"], cwd=tmp_path / "site")
    assert made.returncode == 0, made.stderr
    source = (tmp_path / "site" / "my_game" / "__init__.py").read_text()
    assert "class C(BaseConstants):" in source and "NAME_IN_URL = 'my_game'" in source
    assert (tmp_path / "site" / "my_game" / "MyPage.html").is_file()
