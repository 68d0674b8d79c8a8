"""The development error page as a browser shows it: a real server, a real Chromium."""

from __future__ import annotations

import os

import pytest

from tests.support.participants import create
from tests.support.projects import copy_project

SCREENSHOTS = os.environ.get("OTREE_SCREENSHOTS")  # a folder to keep screenshots in, for checking by eye


@pytest.mark.server_errors_expected  # the page raises on purpose, to show the debug error page
def test_error_page_in_chromium(tmp_path, live_server, chromium):
    path = copy_project("debug_errors", tmp_path)
    db_url = f"sqlite:///{os.path.join(path, 'db.sqlite3')}"
    codes = create(path, db_url, "on_post", 2)
    server = live_server(path, db_url)

    page = chromium.new_context().new_page()
    page.goto(f"{server.url}/InitializeParticipant/{codes[0]}")
    page.click("button.otree-btn-next")
    page.wait_for_selector("header h1")
    assert page.inner_text("header h1") == "KeyError: 'green'"
    frame = page.locator(".user-frame")
    assert frame.count() == 1
    assert "player.guess = apples['green']" in frame.locator(".error-line").inner_text()
    # the page's stylesheet loads: the failing line stands out from its neighbours
    colour = page.evaluate("getComputedStyle(document.querySelector('.error-line')).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    locals_table = frame.locator("table.locals").inner_text()
    assert "apples" in locals_table and "{'red': 2}" in locals_table
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, "debug_error_page.png"), full_page=True)
    assert "Error while serving" in server.read_log()  # and the terminal has it too
