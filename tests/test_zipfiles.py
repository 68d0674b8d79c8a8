"""oTree Studio projects: `otree zip`, `otree unzip`, `otree zipserver` with archives made as oTree makes them."""

from __future__ import annotations

import io
import os
import re
import signal
import tarfile

import httpx
import pytest

from tests.support.projects import free_port
from tests.test_cli import run

SETTINGS = """\
SESSION_CONFIGS = [dict(name='hello', app_sequence=['hello'], num_demo_participants=2, doc='Say hello')]
SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=1.00, participation_fee=0.00, doc="")
SECRET_KEY = '8723645012873'
"""
APP = """\
from otree.api import *


class C(BaseConstants):
    NAME_IN_URL = 'hello'
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    name = models.StringField(label='Your name')


class Hello(Page):
    form_model = 'player'
    form_fields = ['name']


page_sequence = [Hello]
"""
TEMPLATE = "{{ block title }}Hello{{ endblock }}\n{{ block content }}{{ formfields }}{{ next_button }}{{ endblock }}\n"


def studio_project(root) -> None:
    """A small project as oTree Studio writes it (with the files oTree adds to a download)."""
    os.makedirs(root / "hello")
    os.makedirs(root / "_static")
    (root / "settings.py").write_text(SETTINGS)
    (root / "requirements.txt").write_text("otree==6.0.15\npsycopg2>=2.8.4\nsentry-sdk>=0.7.9\n")
    (root / ".python-version").write_text("3.12")
    (root / "Procfile").write_text("web: otree prodserver1of2\nworker: otree prodserver2of2\n")
    (root / "hello" / "__init__.py").write_text(APP)
    (root / "hello" / "Hello.html").write_text(TEMPLATE)


def zip_like_otree(root, archive) -> None:
    """What oTree's `otree zip` writes: a tar.gz of the folder's contents with an empty arcname,
    every entry made writable, caches and databases left out."""
    def keep(info: tarfile.TarInfo):
        if info.name.endswith(("db.sqlite3", ".pyc", "__pycache__", ".otreezip")):
            return None
        info.mode |= 0o222
        return info

    with tarfile.open(archive, "w:gz") as tar:
        tar.add(str(root), arcname="", filter=keep)


@pytest.fixture
def otreezip(tmp_path):
    source = tmp_path / "studio" / "hello_study"
    studio_project(source)
    archive = tmp_path / "hello_study.otreezip"
    zip_like_otree(source, archive)
    return archive


def test_unzip_makes_a_runnable_project(tmp_path, otreezip):
    result = run("unzip", str(otreezip), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "hello_study"
    assert "cd hello_study" in result.stdout
    assert (folder / "settings.py").read_text() == SETTINGS
    assert (folder / "hello" / "Hello.html").read_text() == TEMPLATE
    # the project runs: its bots-free session can be created
    created = run("create_session", "hello", "2", cwd=folder)
    assert created.returncode == 0, created.stderr
    assert (folder / "db.sqlite3").exists()


def test_unzip_into_a_named_folder_and_refusals(tmp_path, otreezip):
    assert run("unzip", str(otreezip), "elsewhere", cwd=tmp_path).returncode == 0
    assert (tmp_path / "elsewhere" / "hello" / "__init__.py").exists()
    again = run("unzip", str(otreezip), "elsewhere", cwd=tmp_path)
    assert again.returncode == 1 and "already exists" in again.stderr
    inside = run("unzip", str(otreezip), cwd=tmp_path / "elsewhere")
    assert inside.returncode == 1 and "already a project" in inside.stderr
    (tmp_path / "notes.otreezip").write_text("not an archive")
    bad = run("unzip", "notes.otreezip", "x", cwd=tmp_path)
    assert bad.returncode == 1 and "is not an .otreezip file" in bad.stderr
    assert not (tmp_path / "x").exists()


def test_unzip_refuses_paths_outside_the_folder(tmp_path):
    archive = tmp_path / "evil.otreezip"
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in (("settings.py", b"SESSION_CONFIGS = []\n"), ("../escaped.py", b"x = 1\n")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    result = run("unzip", str(archive), "target", cwd=tmp_path)
    assert result.returncode == 1 and "not safe to unzip" in result.stderr
    assert not (tmp_path / "escaped.py").exists()


def test_zip_round_trip_leaves_out_data_and_caches(tmp_path, otreezip):
    assert run("unzip", str(otreezip), "proj", cwd=tmp_path).returncode == 0
    root = tmp_path / "proj"
    assert run("create_session", "hello", "2", cwd=root).returncode == 0
    (root / "hello" / "__pycache__").mkdir(exist_ok=True)
    (root / "hello" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    (root / "venv").mkdir()
    (root / "venv" / "pyvenv.cfg").write_text("home = /usr\n")
    result = run("zip", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "proj.otreezip" in result.stdout
    with tarfile.open(root / "proj.otreezip") as tar:
        names = set(tar.getnames())
        modes = {m.name: m.mode for m in tar.getmembers()}
    assert {"settings.py", "requirements.txt", ".python-version", "hello/__init__.py", "hello/Hello.html"} <= names
    assert not any("db.sqlite3" in n or "__pycache__" in n or n.startswith("venv") for n in names)
    assert all(mode & 0o200 for mode in modes.values())
    # and it unpacks the way oTree's `otree unzip` does: tarfile, top-level files, nothing nested
    with tarfile.open(root / "proj.otreezip") as tar:
        tar.extractall(tmp_path / "as_otree_unzips", filter="data")
    assert (tmp_path / "as_otree_unzips" / "settings.py").read_text() == SETTINGS
    outside = run("zip", cwd=tmp_path)
    assert outside.returncode == 1 and "no settings.py" in outside.stderr


def create_demo_session(port: int) -> httpx.Response:
    """Create a demo session through the admin's form and open its first participant's page."""
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=20, follow_redirects=True) as client:
        form = client.get("/demo/hello").text
        token = re.search(r'name="csrftoken" value="([^"]+)"', form).group(1)
        links = client.post("/demo/hello", data={"csrftoken": token})
        assert links.status_code == 200, links.text[:500]
        start = re.search(r'href="(http[^"]*/InitializeParticipant/[a-z0-9]+)"', links.text).group(1)
        return client.get(start)


def test_zipserver_serves_the_project_and_keeps_its_database(tmp_path, otreezip, start_server):
    cache = tmp_path / "cache"
    env = {"XDG_CACHE_HOME": str(cache)}
    port = free_port()
    server = start_server(["zipserver", str(otreezip), str(port)], str(tmp_path), env=env)
    server.wait_until_answers(port, path="/demo")
    created = create_demo_session(port)
    assert "Your name" in created.text  # the project's own page, served from the unpacked copy
    unpacked = re.search(r"unpacked in (\S+);", server.output()).group(1)
    assert os.path.isfile(os.path.join(unpacked, "hello", "__init__.py"))
    server.stop_and_check(signal.SIGINT)
    database = cache / "otree-asgi" / "zipserver" / "hello_study" / "db.sqlite3"
    assert database.exists()
    from tests.test_cli import count_rows

    assert count_rows(str(database), "otree_session") == 1
    assert not os.path.exists(unpacked)  # the unpacked copy is removed when the server stops

    # a second run of the same project finds the session again
    server = start_server(["zipserver", str(otreezip), str(port)], str(tmp_path), env=env)
    server.wait_until_answers(port, path="/demo")
    codes_before = count_rows(str(database), "otree_session")
    assert codes_before == 1
    create_demo_session(port)
    server.stop_and_check(signal.SIGINT)
    assert count_rows(str(database), "otree_session") == 2
