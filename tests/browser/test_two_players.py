"""A 2-player game in headless Chromium (two browser contexts): the second player's arrival
moves the first player on from the wait page without any reload by the test."""

from __future__ import annotations

import os
import re

from tests.support.participants import create
from tests.support.projects import copy_project


def test_two_players_through_a_wait_page(tmp_path, live_server, chromium):
    path = copy_project("pairs", tmp_path)
    db_url = f"sqlite:///{os.path.join(path, 'db.sqlite3')}"
    codes = create(path, db_url, "pairs", 2)
    server = live_server(path, db_url)

    first, second = (chromium.new_context().new_page() for _ in range(2))
    first.goto(f"{server.url}/InitializeParticipant/{codes[0]}")
    first.fill("#id_offer", "40")
    first.click("button.otree-btn-next")
    first.wait_for_selector(".otree-wait-page")
    assert "/pairs/WaitForPartner/2" in first.url

    second.goto(f"{server.url}/InitializeParticipant/{codes[1]}")
    # An out-of-range answer is refused by the browser (min/max attributes) and by the server.
    second.fill("#id_offer", "500")
    assert second.evaluate("document.querySelector('#id_offer').checkValidity()") is False
    second.evaluate("document.getElementById('form').noValidate = true")
    second.click("button.otree-btn-next")
    second.wait_for_selector(".form-control-errors")
    assert "less than or equal to 100" in second.inner_text(".form-control-errors")
    second.fill("#id_offer", "60")
    second.click("button.otree-btn-next")
    second.wait_for_selector("#result")

    # The first player's page moves on by itself (woken over its WebSocket).
    first.wait_for_selector("#result", timeout=10_000)
    assert re.search(r"/pairs/Results/3$", first.url)
    for page in (first, second):
        assert page.inner_text("#result") == "Together you offered 100 points."
