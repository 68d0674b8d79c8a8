"""EXTENSION_APPS and ROOT_URLCONF at start-up: a broken urls.py, routing.py or admin.py stops the
server before it starts, with a message naming the file (and line) to fix."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from otree.errors import ConfigError
from tests.support.projects import copy_project, free_port

OTREE = os.path.join(os.path.dirname(sys.executable), "otree")
ROUTING = os.path.join("market_ext", "otree_extensions", "routing.py")


def write(project: str, relative: str, text: str) -> None:
    with open(os.path.join(project, relative), "w") as f:
        f.write(text)


def build(project: str):
    from otree.project import load_project
    from otree.web.app import create_app

    return create_app(load_project(project, database_url=f"sqlite:///{os.path.join(project, 'db.sqlite3')}"))


@pytest.fixture
def project(tmp_path):
    yield copy_project("custom_code", tmp_path)
    from otree.db.engine import set_engine

    set_engine(None)


def test_prodserver_refuses_to_start_with_a_broken_routing_py(project):
    write(project, ROUTING, "from otree.urls import path\n\nwebsocket_routes = [path('ws/x/', NoSuchConsumer)]\n")
    result = subprocess.run(
        [OTREE, "prodserver", str(free_port())], cwd=project, capture_output=True,
        text=True, timeout=60, env=dict(os.environ, DATABASE_URL=f"sqlite:///{project}/db.sqlite3"),
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{ROUTING}, line 3" in result.stderr
    assert "NameError" in result.stderr and "NoSuchConsumer" in result.stderr
    assert "Traceback" not in result.stderr


def test_syntax_error_in_routing_py_names_file_and_line(project):
    write(project, ROUTING, "websocket_routes = [\n    path('ws/x/' ChatConsumer),\n]\n")
    with pytest.raises(ConfigError) as info:
        build(project)
    assert info.value.path.endswith(ROUTING) and info.value.line == 2


def test_routes_must_be_routes(project):
    write(project, ROUTING, "websocket_routes = ['ws/chat/']\n")
    with pytest.raises(ConfigError, match="websocket_routes contains 'ws/chat/', which is not a route") as info:
        build(project)
    assert info.value.path.endswith(ROUTING)


def test_unknown_extension_app_and_missing_urlconf_point_at_settings(project):
    with open(os.path.join(project, "settings.py"), "a") as f:
        f.write("EXTENSION_APPS = ['nowhere']\n")
    with pytest.raises(ConfigError, match="no folder nowhere/") as info:
        build(project)
    assert info.value.path.endswith("settings.py") and info.value.line is not None
    with open(os.path.join(project, "settings.py"), "a") as f:
        f.write("EXTENSION_APPS = []\nROOT_URLCONF = 'my_urls'\n")
    with pytest.raises(ConfigError, match="there is no my_urls.py"):
        build(project)


def test_broken_urls_py_names_its_line(project):
    write(project, "urls.py",
          "from otree.urls import urlpatterns, path\n\nurlpatterns.append(path('x/', undefined_view))\n")
    with pytest.raises(ConfigError, match="undefined_view") as info:
        build(project)
    assert info.value.path.endswith("urls.py") and info.value.line == 3


def test_rebuilding_the_app_does_not_duplicate_routes(project):
    first = build(project)
    second = build(project)
    assert len(first.routes) == len(second.routes)
    assert sum(1 for r in second.routes if getattr(r, "route", None) == "my_view/") == 1
