"""Headless Chromium: the wait page's leave button appears after the maximum wait and works, and
an open browser that lets a timed page expire is not taken for a dropout."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from otree.db import unit_of_work
from otree.db.core import Participant
from tests.support.participants import create
from tests.support.projects import copy_project

pytestmark = pytest.mark.timeout(120)


def test_leave_button_after_the_maximum_wait(tmp_path, live_server, chromium):
    path = copy_project("online", tmp_path)
    db_url = f"sqlite:///{os.path.join(path, 'db.sqlite3')}"
    codes = create(path, db_url, "pgg_browser", 3)
    server = live_server(path, db_url)
    context = chromium.new_context()
    p1, p2 = context.new_page(), context.new_page()
    errors: list[str] = []
    p1.on("pageerror", lambda error: errors.append(str(error)))

    # P2's tab stays open on the timed page and lets it expire: the browser is there, no dropout.
    p2.goto(f"{server.url}/InitializeParticipant/{codes[1]}")
    p1.goto(f"{server.url}/InitializeParticipant/{codes[0]}")
    p1.fill("input[name=contribution]", "10")
    p1.click("button.otree-btn-next")
    p1.wait_for_selector(".otree-wait-page")
    button = p1.locator("#otree-leave-wait-page button")
    assert not button.is_visible()  # not before the maximum wait (1 s)
    p1.wait_for_selector("#otree-leave-wait-page button", state="visible", timeout=5000)
    button.click()
    p1.wait_for_selector("text=Thank you for waiting.", timeout=5000)

    p2.wait_for_selector(".otree-wait-page", timeout=10000)  # P2's countdown submitted the page
    with unit_of_work(readonly=True) as db:
        flags = dict(db.execute(select(Participant.code, Participant.is_dropout)).all())
        left = dict(db.execute(select(Participant.code, Participant.left_wait_page)).all())
    assert flags[codes[1]] is False and left[codes[0]] is True and left[codes[1]] is False
    assert not errors, errors


def test_are_you_still_there_on_a_group_by_arrival_time_page(tmp_path, live_server, chromium):
    path = copy_project("online", tmp_path)
    db_url = f"sqlite:///{os.path.join(path, 'db.sqlite3')}"
    codes = create(path, db_url, "lobby", 4)
    server = live_server(path, db_url)
    page = chromium.new_context().new_page()
    page.goto(f"{server.url}/InitializeParticipant/{codes[0]}")
    lobby_url = page.url
    # Without mouse or keys for 1 s: the prompt; answered, it goes away and the wait goes on.
    page.wait_for_selector("#otree-gbat-inactive", state="visible", timeout=5000)
    page.click("#otree-gbat-inactive button")
    assert not page.locator("#otree-gbat-inactive").is_visible()
    assert page.url == lobby_url
    # Unanswered for 1 s more: /GBATInactive, which links back to the lobby.
    page.wait_for_selector("#otree-gbat-inactive", state="visible", timeout=5000)
    page.wait_for_url("**/GBATInactive?**", timeout=5000)
    assert "not being matched" in page.inner_text("body")
    page.click("#otree-gbat-return")
    page.wait_for_url(lobby_url, timeout=5000)
    assert page.locator(".otree-wait-page").count() == 1
