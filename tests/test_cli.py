"""The `otree` command, run as the installed console script in a temporary folder."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys

import pytest

import otree
import otree.cli

OTREE = os.path.join(os.path.dirname(sys.executable), "otree")
CODE_RE = re.compile(r"Created session with code ([a-z0-9]{8})\b")


def run(*args: str, cwd, input: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTREE_") and k != "DATABASE_URL"}
    return subprocess.run(
        [OTREE, *args], cwd=str(cwd), input=input if input is not None else "", capture_output=True, text=True,
        env=env, timeout=120,
    )


def count_rows(db_path: str, table: str) -> int:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def table_names(db_path: str) -> set[str]:
    with sqlite3.connect(db_path) as conn:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


@pytest.fixture
def new_project(tmp_path):
    """A project made by `otree startproject`, with an app made by `otree startapp` added to a config."""
    assert run("startproject", "mysite", "--noinput", cwd=tmp_path).returncode == 0
    root = tmp_path / "mysite"
    result = run("startapp", "my_app", cwd=root)
    assert result.returncode == 0, result.stderr
    settings_path = root / "settings.py"
    text = settings_path.read_text()
    text = text.replace(
        "SESSION_CONFIGS = [",
        "SESSION_CONFIGS = [\n    dict(name='my_config', app_sequence=['my_app'], num_demo_participants=2),",
        1,
    )
    text += "\nROOMS = [dict(name='econ101', display_name='Econ 101')]\n"
    settings_path.write_text(text)
    return root


# -- help, version, unknown commands --------------------------------------------------------

COMMANDS = ["startproject", "startapp", "resetdb", "create_session", "--version"]


@pytest.mark.parametrize("args", [(), ("help",), ("--help",), ("-h",)])
def test_help_lists_commands(tmp_path, args):
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 0
    for name in COMMANDS:
        assert re.search(rf"^\s+{re.escape(name)}\s", result.stdout, re.M), (name, result.stdout)
    assert result.stderr == ""


@pytest.mark.parametrize("args", [("--version",), ("version",)])
def test_version(tmp_path, args):
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == otree.__version__


def test_unknown_command(tmp_path):
    result = run("frobnicate", cwd=tmp_path)
    assert result.returncode == 2
    assert "frobnicate" in result.stderr and "otree help" in result.stderr
    assert "Traceback" not in result.stderr


def test_aliases():
    aliases = otree.cli.ALIASES
    assert aliases["bots"] == "test"
    assert aliases["runprodserver"] == "prodserver"
    assert aliases["webandworkers"] == "prodserver1of2"
    assert aliases["runprodserver1of2"] == "prodserver1of2"
    assert aliases["timeoutworker"] == "prodserver2of2"
    assert aliases["runprodserver2of2"] == "prodserver2of2"
    assert aliases["--version"] == "version"


def test_command_outside_a_project(tmp_path):
    result = run("create_session", "x", "3", cwd=tmp_path)
    assert result.returncode == 1
    assert "settings.py" in result.stderr and "Fix: " in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_arguments(tmp_path):
    result = run("create_session", cwd=tmp_path)
    assert result.returncode == 2
    assert "usage" in result.stderr.lower()


# -- startproject ------------------------------------------------------------------------


def test_startproject(tmp_path):
    result = run("startproject", "mysite", "--noinput", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    root = tmp_path / "mysite"
    for name in ("settings.py", "requirements.txt", "Procfile", ".gitignore"):
        assert (root / name).is_file(), name
    assert (root / "_static").is_dir() and (root / "_templates").is_dir()
    assert not list(root.rglob("*-tpl"))
    settings = (root / "settings.py").read_text()
    match = re.search(r"^SECRET_KEY = '([A-Za-z0-9_-]+)'$", settings, re.M)
    assert match, settings
    assert len(match[1]) >= 32
    assert "{{" not in settings
    assert "prodserver" in (root / "Procfile").read_text()
    assert "db.sqlite3" in (root / ".gitignore").read_text()

    # a second project gets another key
    assert run("startproject", "other", "--noinput", cwd=tmp_path).returncode == 0
    other = (tmp_path / "other" / "settings.py").read_text()
    assert re.search(r"^SECRET_KEY = '([A-Za-z0-9_-]+)'$", other, re.M)[1] != match[1]

    # the new, empty project is usable at once
    result = run("resetdb", "--noinput", cwd=root)
    assert result.returncode == 0, result.stderr


def test_startproject_refuses_existing_name(tmp_path):
    (tmp_path / "mysite").mkdir()
    (tmp_path / "mysite" / "keep.txt").write_text("mine")
    result = run("startproject", "mysite", "--noinput", cwd=tmp_path)
    assert result.returncode == 1
    assert "mysite" in result.stderr and "already exists" in result.stderr
    assert os.listdir(tmp_path / "mysite") == ["keep.txt"]


def test_startproject_refuses_inside_a_project(tmp_path):
    assert run("startproject", "mysite", "--noinput", cwd=tmp_path).returncode == 0
    result = run("startproject", "nested", "--noinput", cwd=tmp_path / "mysite")
    assert result.returncode == 1
    assert "settings.py" in result.stderr
    assert not (tmp_path / "mysite" / "nested").exists()


# -- startapp and create_session -------------------------------------------------------------


def test_startapp_creates_a_working_app(new_project):
    app = new_project / "my_app"
    assert (app / "__init__.py").is_file()
    assert (app / "MyPage.html").is_file() and (app / "Results.html").is_file()
    source = (app / "__init__.py").read_text()
    assert "NAME_IN_URL = 'my_app'" in source and "class C(BaseConstants)" in source
    assert "{{" not in source

    result = run("create_session", "my_config", "2", cwd=new_project)
    assert result.returncode == 0, result.stderr
    match = CODE_RE.search(result.stdout)
    assert match, result.stdout
    db = str(new_project / "db.sqlite3")
    assert {"otree_session", "otree_participant", "my_app_player", "my_app_group"} <= table_names(db)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT num_participants FROM otree_session WHERE code = ?",
                            (match[1],)).fetchone() == (2,)
    assert count_rows(db, "my_app_player") == 2


def test_create_session_errors(new_project):
    result = run("create_session", "no_such_config", "2", cwd=new_project)
    assert result.returncode == 1
    assert "no_such_config" in result.stderr and "my_config" in result.stderr
    assert "Traceback" not in result.stderr
    result = run("create_session", "my_config", "0", cwd=new_project)
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_create_session_in_room(new_project):
    result = run("create_session", "my_config", "2", "--room", "econ101", cwd=new_project)
    assert result.returncode == 0, result.stderr
    code = CODE_RE.search(result.stdout)[1]
    with sqlite3.connect(str(new_project / "db.sqlite3")) as conn:
        assert conn.execute("SELECT _room_name FROM otree_session WHERE code = ?", (code,)).fetchone() == (
            "econ101",
        )

    result = run("create_session", "my_config", "2", "--room", "econ102", cwd=new_project)
    assert result.returncode == 1
    assert "econ102" in result.stderr and "econ101" in result.stderr
    assert count_rows(str(new_project / "db.sqlite3"), "otree_session") == 1


@pytest.mark.parametrize("name", ["1app", "my-app", "my app", "_private", "class", "a" * 41])
def test_startapp_rejects_invalid_names(new_project, name):
    result = run("startapp", name, cwd=new_project)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and result.stderr.strip()
    assert not (new_project / name).exists()


@pytest.mark.parametrize("name", ["json", "os", "otree", "sqlalchemy"])
def test_startapp_rejects_module_names(new_project, name):
    result = run("startapp", name, cwd=new_project)
    assert result.returncode == 1
    assert "module" in result.stderr
    assert not (new_project / name).exists()


def test_startapp_refuses_existing_folder(new_project):
    result = run("startapp", "my_app", cwd=new_project)
    assert result.returncode == 1
    assert "already exists" in result.stderr


# -- resetdb -------------------------------------------------------------------------------


def test_resetdb(new_project):
    assert run("create_session", "my_config", "2", cwd=new_project).returncode == 0
    db = str(new_project / "db.sqlite3")
    assert count_rows(db, "otree_session") == 1

    result = run("resetdb", cwd=new_project, input="n\n")
    assert "(y or n)" in result.stdout
    assert "Cancelled" in result.stdout
    assert "Created new tables" not in result.stdout
    assert count_rows(db, "otree_session") == 1
    assert count_rows(db, "my_app_player") == 2

    result = run("resetdb", cwd=new_project)  # no answer at all (stdin closed) also cancels
    assert "Cancelled" in result.stdout
    assert count_rows(db, "otree_session") == 1

    result = run("resetdb", "--noinput", cwd=new_project)
    assert result.returncode == 0, result.stderr
    assert "Database engine: sqlite" in result.stdout
    assert "Created new tables and columns." in result.stdout
    assert count_rows(db, "otree_session") == 0
    assert count_rows(db, "my_app_player") == 0
    assert {"otree_session", "my_app_player"} <= table_names(db)

    result = run("resetdb", cwd=new_project, input="y\n")
    assert result.returncode == 0, result.stderr
    assert "Created new tables and columns." in result.stdout


def test_resetdb_reports_config_errors(new_project):
    init = new_project / "my_app" / "__init__.py"
    init.write_text(init.read_text().replace("PLAYERS_PER_GROUP = None", "PLAYERS_PER_GROUP = 0"))
    result = run("resetdb", "--noinput", cwd=new_project)
    assert result.returncode == 1
    assert os.path.join("my_app", "__init__.py") in result.stderr
    assert "PLAYERS_PER_GROUP" in result.stderr and "Fix: " in result.stderr
    assert "Traceback" not in result.stderr
