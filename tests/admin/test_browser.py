"""The admin pages' JavaScript in headless Chromium against a real server: demo creation and the
create-session form over their WebSockets, deletion over /delete_sessions, the live data tab."""

from __future__ import annotations

import os

import pytest

from tests.support.projects import copy_project


@pytest.fixture
def page(chromium):
    """A Chromium page; any JavaScript error on it fails the test."""
    page = chromium.new_context().new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert not errors, errors


@pytest.fixture
def server(tmp_path, live_server):
    path = copy_project("admin", tmp_path)
    return live_server(path, f"sqlite:///{os.path.join(path, 'db.sqlite3')}",
                       env={"OTREE_AUTH_LEVEL": "", "OTREE_ADMIN_PASSWORD": "pw"})


@pytest.mark.server_errors_expected  # creating a session of the `broken` app fails on purpose (its traceback is logged)
def test_admin_javascript(server, page):
    url = server.url
    # Demo: the page creates the session over /create_demo_session and goes to its links.
    page.goto(f"{url}/demo")
    page.click("text=Report game")
    page.wait_for_url("**/SessionStartLinks/*", timeout=15000)
    assert page.locator(".otree-start-links a").count() == 2

    # A failing creating_session shows its error and traceback.
    page.goto(f"{url}/demo/broken")
    page.wait_for_selector("#otree-create-traceback:not(.d-none)", timeout=15000)
    assert "the treatment list is empty" in page.inner_text("#otree-create-error")

    # The create-session form: validation errors come back over the socket, then creation.
    page.goto(f"{url}/create_session")
    page.select_option("#id_session_config", "report")
    assert page.inner_text("#otree-multiple-hint") == "Must be a multiple of 2."
    assert page.is_hidden("fieldset[data-config=lcm]")
    page.fill("#id_num_participants", "3")
    page.click("#otree-create-button")
    page.wait_for_selector("[data-error-for=num_participants]:has-text('multiple of 2')", timeout=15000)
    page.fill("#id_num_participants", "4")
    page.fill("[name='report.treatment']", "purple")
    page.click("#otree-create-button")
    page.wait_for_url("**/SessionStartLinks/*", timeout=15000)
    code = page.url.rsplit("/", 1)[1]
    assert page.locator(".otree-progress li").count() == 0  # a new page: the links
    first_link = page.locator(".otree-start-links a").first.get_attribute("href")

    # The data tab refreshes by itself when a participant plays.
    page.goto(f"{url}/SessionData/{code}")
    assert "purple" in page.inner_text("#otree-session-data")
    player = page.context.new_page()
    player.goto(first_link)
    player.fill("#id_guess", "77")
    player.click("button.otree-btn-next")
    page.wait_for_selector("#otree-session-data td:text-is('77')", timeout=15000)
    player.close()

    # Deleting from the sessions list goes over /delete_sessions.
    page.goto(f"{url}/sessions")
    page.on("dialog", lambda dialog: dialog.accept())
    page.check(f"input[name=session][value='{code}']")
    page.click("#otree-delete-sessions")
    page.wait_for_selector("text=No sessions yet", timeout=15000)
