"""OTREE_PRODUCTION gives participants a plain error page, never a traceback; DEBUG shows the debug panel."""

from __future__ import annotations

from starlette.testclient import TestClient

from otree.conf import settings
from otree.db import unit_of_work
from otree.session import create_session
from otree.web.app import create_app


def start(load, debug: bool):
    project = load("broken_page")
    with settings.override(DEBUG=debug):
        app = create_app(project)
        with unit_of_work():
            code = create_session("oops", 1).get_participants()[0].code
        client = TestClient(app, raise_server_exceptions=False)
        first = client.get(f"/InitializeParticipant/{code}")
    return client, first


def test_production_error_page_has_no_traceback(load):
    client, first = start(load, debug=False)
    with client, settings.override(DEBUG=False):
        assert "otree-debug-info" not in first.text  # no debug panel in production
        response = client.post(str(first.url))
        assert response.status_code == 500
        assert "Application error (500)" in response.text
        assert "ZeroDivisionError" not in response.text and "Traceback" not in response.text
        assert "vars_for_template" not in response.text


def test_debug_mode_shows_panel_and_traceback(load):
    client, first = start(load, debug=True)
    with client, settings.override(DEBUG=True):
        assert 'class="card otree-debug-info' in first.text
        assert "secret_number" in first.text and "42" in first.text  # vars_for_template shown
        response = client.post(str(first.url))
        assert response.status_code == 500
        assert "ZeroDivisionError" in response.text  # the developer sees what went wrong
