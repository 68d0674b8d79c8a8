"""Fixtures of the session monitor tests: the `monitored` project (pairs through a group wait page,
then a wait page for everyone), in-process clients and live servers."""

from __future__ import annotations

import os

import pytest

from tests.support.monitor import copy_monitored


@pytest.fixture
def monitored(tmp_path, monkeypatch, db_url):
    """The monitored project loaded on the parametrized database; yields its folder."""
    from otree.db.engine import set_engine
    from otree.project import load_project

    path = copy_monitored(tmp_path)
    monkeypatch.chdir(path)
    load_project(path, database_url=db_url)
    yield path
    set_engine(None)



@pytest.fixture
def client(monitored):
    from starlette.testclient import TestClient

    from otree.project import get_project
    from otree.web.app import create_app

    with TestClient(create_app(get_project()), base_url="http://testserver") as client:
        yield client


@pytest.fixture
def setup(tmp_path, monkeypatch, live_server):
    from otree.db.engine import set_engine
    from otree.project import load_project
    from tests.support.monitor import new_session

    path = copy_monitored(tmp_path)
    monkeypatch.chdir(path)
    db_url = f"sqlite:///{os.path.join(path, 'db.sqlite3')}"
    load_project(path, database_url=db_url)
    session_code, codes = new_session(4)
    yield live_server(path, db_url), session_code, codes
    set_engine(None)
