"""DEBUG aids on participant pages: tab titles that tell participants apart, restart as a new participant."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from otree.conf import settings
from otree.db import unit_of_work
from otree.session import create_session
from otree.web.app import create_app


def title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, flags=re.S).group(1).strip()


def start(load, debug: bool):
    project = load("debug_errors")
    with settings.override(DEBUG=debug):
        app = create_app(project)
        with unit_of_work():
            session = create_session("on_wait", 2)
            codes = [p.code for p in session.get_participants()]
            session_code = session.code
    return TestClient(app), codes, session_code


def test_tab_titles_name_session_and_participant(load):
    client, codes, session_code = start(load, debug=True)
    with client, settings.override(DEBUG=True):
        first = client.get(f"/InitializeParticipant/{codes[0]}")
        assert title(first.text) == f"[{session_code}/P1] Start"
        assert re.search(r'<h2 class="otree-title page-header">\s*Start\s*</h2>', first.text)  # heading unchanged
        second = client.get(f"/InitializeParticipant/{codes[1]}")
        assert title(second.text) == f"[{session_code}/P2] Start"
        waiting = client.post(str(first.url), data={})
        assert "oTree-Wait-Page" in waiting.headers
        assert title(waiting.text) == f"[{session_code}/P1] Please wait"


def test_restart_as_a_new_participant(load):
    client, codes, session_code = start(load, debug=True)
    with client, settings.override(DEBUG=True):
        first = client.get(f"/InitializeParticipant/{codes[0]}")
        link = re.search(r'<a class="[^"]*otree-restart-as-new" href="([^"]+)"', first.text).group(1)
        restarted = client.get(link)
        assert restarted.status_code == 200
        assert f"/p/{codes[1]}/" in str(restarted.url)  # the next participant who had not started
        assert title(restarted.text) == f"[{session_code}/P2] Start"
        full = client.get(link)  # nobody left: a friendly page, not an error
        assert full.status_code == 404 and "This session is full" in full.text


def test_production_titles_are_the_page_titles(load):
    client, codes, _ = start(load, debug=False)
    with client, settings.override(DEBUG=False):
        first = client.get(f"/InitializeParticipant/{codes[0]}")
        assert title(first.text) == "Start"
        assert "otree-restart-as-new" not in first.text
