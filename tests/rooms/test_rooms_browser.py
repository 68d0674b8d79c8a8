"""Rooms in headless Chromium: a participant types a label (checked by the page's JSON POST), waits, and
starts playing when a session is created; the admin room page shows them arriving, without reloads."""

from __future__ import annotations

import os

import httpx

from tests.support.rooms import make_rooms_project


def test_room_in_a_browser(tmp_path, live_server, chromium):
    path = make_rooms_project(tmp_path)
    live = live_server(path, f"sqlite:///{os.path.join(path, 'db.sqlite3')}")
    admin = chromium.new_context().new_page()
    participant = chromium.new_context().new_page()
    errors: list[str] = []
    for page in (admin, participant):
        page.on("pageerror", lambda exc: errors.append(str(exc)))

    admin.goto(live.url + "/room_without_session/lab")
    counter = admin.locator("#otree-room-present-count")
    assert counter.inner_text() == "0"

    participant.goto(live.url + "/room/lab")
    participant.fill("#id_participant_label", "Mallory")
    participant.click("button[type=submit]")
    # Checked by the page before leaving it.
    participant.wait_for_function(
        "document.getElementById('otree-room-label-error').textContent.includes('was not found')")
    assert participant.url == live.url + "/room/lab"
    participant.fill("#id_participant_label", "Bob")
    participant.click("button[type=submit]")
    participant.wait_for_selector(".otree-room-wait")

    admin.wait_for_function("document.getElementById('otree-room-present-count').textContent === '1'")
    assert "table-success" in (admin.locator('tr[data-participant-label="Bob"]').get_attribute("class") or "")

    response = httpx.post(live.url + "/api/sessions",
                          json=dict(session_config_name="game", num_participants=3, room_name="lab"))
    assert response.status_code == 200
    # The waiting page reloads by itself into the game; the admin page moves on to the session.
    participant.wait_for_url("**/game/Contribute/1", timeout=10_000)
    admin.wait_for_url("**/room_with_session/lab", timeout=10_000)
    assert response.json()["code"] in admin.content()
    assert errors == []
