"""Small things of the admin that researchers use every day: the create form, select all, one
navbar layout, the favicon, a failed login that keeps its target."""

from __future__ import annotations

import os
import re

import pytest

from tests.support.admin import PASSWORD, csrf_token
from tests.support.projects import copy_project

SCREENSHOTS = os.environ.get("OTREE_SCREENSHOTS")


def test_failed_login_keeps_the_page_asked_for(make_client):
    client = make_client("STUDY")
    token = csrf_token(client)
    failed = client.post("/login", data=dict(username="admin", password="wrong", csrftoken=token,
                                             next="/server_check"))
    assert "Login failed" in failed.text
    assert re.search(r'name="next" value="/server_check"', failed.text)
    again = client.post("/login", data=dict(username="admin", password=PASSWORD, csrftoken=token,
                                            next="/server_check"))
    assert again.headers["location"] == "/server_check"


def test_create_form_preselects_a_config_and_describes_it(make_client):
    client = make_client(None)
    html = client.get("/create_session").text
    assert re.search(r'<option value="report"[^>]* selected>Report game</option>', html)
    info = re.search(r'<div class="otree-config-info form-text" data-config="report">(.*?)</div>\s*</div>', html, re.S)
    assert info, "the selected config's description is shown"
    assert "<code>reported</code>" in info.group(1) and "A session with an admin report." in info.group(1)
    lcm = re.search(r'<div class="otree-config-info form-text d-none" data-config="lcm">(.*?)</div>', html, re.S)
    assert "<code>reported</code> &rarr; <code>trio</code>" in lcm.group(1)  # hidden until chosen


def test_favicon_is_served_and_linked(make_client):
    client = make_client(None)
    assert 'rel="icon" href="/static/otree/favicon.svg"' in client.get("/sessions").text
    icon = client.get("/static/otree/favicon.svg")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg")


@pytest.fixture
def server(tmp_path, live_server):
    path = copy_project("admin", tmp_path)
    return live_server(path, f"sqlite:///{os.path.join(path, 'db.sqlite3')}",
                       env={"OTREE_AUTH_LEVEL": "", "OTREE_ADMIN_PASSWORD": "pw"})


def test_admin_pages_in_chromium(server, chromium):
    page = chromium.new_context(viewport={"width": 1400, "height": 900}).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    url = server.url

    # The create form: preselected config, its apps and description; changing it shows the other's.
    page.goto(f"{url}/create_session")
    assert page.input_value("#id_session_config") == "report"
    assert page.is_visible('.otree-config-info[data-config="report"]')
    assert "A session with an admin report." in page.inner_text('.otree-config-info[data-config="report"]')
    page.select_option("#id_session_config", "lcm")
    assert page.is_hidden('.otree-config-info[data-config="report"]')
    assert "reported → trio" in page.inner_text('.otree-config-info[data-config="lcm"]')
    page.select_option("#id_session_config", "trio")
    page.fill("#id_num_participants", "3")
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, "create_session.png"), full_page=True)
    page.click("#otree-create-button")
    page.wait_for_url("**/SessionStartLinks/*", timeout=15000)
    for _ in range(2):
        page.goto(f"{url}/create_session")
        page.fill("#id_num_participants", "2")
        page.click("#otree-create-button")
        page.wait_for_url("**/SessionStartLinks/*", timeout=15000)

    # Select all, then archive: every session moves to the archive.
    page.goto(f"{url}/sessions")
    boxes = page.locator('tbody input[name="session"]')
    assert boxes.count() == 3
    page.check("#otree-select-all")
    assert all(boxes.nth(i).is_checked() for i in range(3))
    boxes.nth(0).uncheck()
    assert page.evaluate("document.getElementById('otree-select-all').indeterminate")
    page.check("#otree-select-all")
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, "sessions.png"), full_page=True)
    page.click("text=Archive selected")
    page.wait_for_load_state()
    assert page.locator('tbody input[name="session"]').count() == 0
    page.goto(f"{url}/sessions?archived=1")
    assert page.locator('tbody input[name="session"]').count() == 3

    # One navbar, full width and laid out alike, on every admin page.
    boxes_seen = set()
    for path in ("/demo", "/sessions", "/rooms", "/ExportIndex", "/server_check", "/create_session", "/login"):
        page.goto(url + path)
        nav = page.locator("nav.otree-admin-nav")
        assert nav.count() == 1, path
        box = nav.bounding_box()
        brand = page.locator("nav.otree-admin-nav .navbar-brand").bounding_box()
        assert box["x"] == 0 and box["width"] == page.viewport_size["width"], path
        boxes_seen.add((round(brand["x"]), round(brand["y"])))
        if SCREENSHOTS and path == "/rooms":
            page.screenshot(path=os.path.join(SCREENSHOTS, "rooms.png"))
    assert len(boxes_seen) == 1, boxes_seen
    assert not errors, errors
