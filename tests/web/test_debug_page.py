"""The development error page: exception, the user's source lines, the locals of the user's frames."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from otree.conf import settings
from otree.db import unit_of_work
from otree.session import create_session
from otree.web.app import create_app


@pytest.fixture
def start(load):
    """Load tests/projects/debug_errors, create a session of `config`; (client, start URLs) in DEBUG or not."""
    def do_start(config: str, debug: bool = True):
        project = load("debug_errors")
        with settings.override(DEBUG=debug):
            app = create_app(project)
            with unit_of_work():
                codes = [p.code for p in create_session(config, 2).get_participants()]
        return TestClient(app, raise_server_exceptions=False), codes

    return do_start


def user_frames(html: str) -> list[str]:
    return re.findall(r'<div class="frame user-frame">(.*?)</table>', html, flags=re.S)


def test_get_shows_exception_source_and_locals(start):
    client, codes = start("on_get")
    with client, settings.override(DEBUG=True):
        response = client.get(f"/InitializeParticipant/{codes[0]}")
    assert response.status_code == 500
    html = response.text
    assert "<title>ZeroDivisionError at /p/" in html
    assert "division by zero" in html
    assert "DetachedInstanceError" not in html
    frames = user_frames(html)
    assert len(frames) == 1  # only the app's own frame is expanded
    frame = frames[0]
    assert "crashes/__init__.py" in frame and "vars_for_template" in frame
    # the failing line is highlighted, with its neighbours as context
    assert re.search(r'class="line error-line"><span class="lineno">\d+</span>\s+return dict\(share=', frame)
    assert "bananas = [3, 1, 4]" in frame
    # locals: the plain list, and the player described from its loaded state (no query, no crash)
    assert re.search(r"<th>bananas</th><td><code>\[3, 1, 4\]</code>", frame)
    assert re.search(r"<th>player</th><td><code>&lt;Player [^<]*guess=7", frame)
    # library frames are listed, not expanded
    assert 'class="frame library-frame"' in html and "otree/web/participant.py" in html


def test_post_shows_key_error_in_before_next_page(start):
    client, codes = start("on_post")
    with client, settings.override(DEBUG=True):
        page = client.get(f"/InitializeParticipant/{codes[0]}")
        assert page.status_code == 200
        response = client.post(str(page.url), data={})
    assert response.status_code == 500
    html = response.text
    assert "KeyError" in html and "&#39;green&#39;" in html
    frame = user_frames(html)[0]
    assert "before_next_page" in frame
    assert re.search(r"<th>apples</th><td><code>\{&#39;red&#39;: 2\}</code>", frame)
    assert re.search(r"<th>timeout_happened</th><td><code>False</code>", frame)


def test_wait_page_hook_error_shown_to_the_last_arrival(start):
    client, codes = start("on_wait")
    with client, settings.override(DEBUG=True):
        first = client.get(f"/InitializeParticipant/{codes[0]}")
        client.post(str(first.url), data={})
        second = client.get(f"/InitializeParticipant/{codes[1]}")
        response = client.post(str(second.url), data={})
    assert response.status_code == 500
    html = response.text
    assert "IndexError" in html
    frame = user_frames(html)[0]
    assert "after_all_players_arrive" in frame
    assert re.search(r"<th>group</th><td><code>&lt;Group [^<]*total=0", frame)
    assert re.search(r"<th>members</th><td><code>\[&lt;Player ", frame)


def test_production_keeps_the_plain_page(start):
    client, codes = start("on_get", debug=False)
    with client, settings.override(DEBUG=False):
        response = client.get(f"/InitializeParticipant/{codes[0]}")
    assert response.status_code == 500
    assert "Application error (500)" in response.text
    assert "ZeroDivisionError" not in response.text and "bananas" not in response.text
