"""Fixtures of the room tests: the `basic` test project plus ROOMS, label files and a custom welcome page."""

from __future__ import annotations

import pytest

from tests.support.rooms import (
    Browser,
    make_rooms_project,
)


@pytest.fixture
def rooms_project(tmp_path, monkeypatch):
    path = make_rooms_project(tmp_path)
    monkeypatch.chdir(path)
    return path


@pytest.fixture
def app(rooms_project, db_url):
    from otree.db.engine import set_engine
    from otree.project import load_project
    from otree.web.app import create_app

    yield create_app(load_project(rooms_project, database_url=db_url))
    set_engine(None)


@pytest.fixture
def browser(app):
    """Returns a function making a new Browser (a fresh cookie jar) of the app."""
    return lambda: Browser(app)
