"""Headless Chromium: the monitor table follows the participants without a reload, and the
monitor's advance buttons move a participant's open page on by itself."""

from __future__ import annotations

import httpx
import pytest

from tests.support.monitor import WAIT_MS, cell, wait_for_cell
from tests.support.participants import start

pytestmark = pytest.mark.timeout(120)


def test_monitor_follows_and_advances_participants(setup, chromium):
    server, session_code, codes = setup
    monitor = chromium.new_context().new_page()
    monitor.goto(f"{server.url}/SessionMonitor/{session_code}")
    monitor.wait_for_selector('#monitor-connection[data-connected="1"]', timeout=WAIT_MS)
    monitor.evaluate("window.notReloaded = true")
    assert monitor.inner_text(cell(monitor, codes[0], "page")) == "(not started)"

    # P1 plays over plain HTTP; the monitor's row follows.
    with httpx.Client(base_url=server.url) as p1:
        intro = start(p1, codes[0])
        wait_for_cell(monitor, codes[0], "page", "Intro")
        assert monitor.inner_text(cell(monitor, codes[0], "progress")) == "1/5"
        response = p1.post(str(intro.url), data=dict(answer="6", agree="True", note="p1"))
        assert response.status_code == 302
    wait_for_cell(monitor, codes[0], "page", "Pair")
    wait_for_cell(monitor, codes[0], "waits-for", "P2")
    assert monitor.get_attribute(f'#monitor-rows tr[data-code="{codes[0]}"]', "data-waiting") == "disconnected"
    wait_for_cell(monitor, codes[0], "status", "answered")

    # P2 opens their first page in a browser; the admin advances P2 from the monitor.
    participant = chromium.new_context().new_page()
    participant.goto(f"{server.url}/InitializeParticipant/{codes[1]}")
    participant.wait_for_selector("#id_answer")
    wait_for_cell(monitor, codes[1], "page", "Intro")
    participant.wait_for_function("window.otree && window.otree.autoAdvanceSocket "
                                  "&& window.otree.autoAdvanceSocket.readyState === 1", timeout=WAIT_MS)
    monitor.select_option("#advance-participant-code", codes[1])
    monitor.click("#advance-participant")
    monitor.wait_for_selector("#advance-result:not(.d-none)", timeout=WAIT_MS)
    assert "Advanced 1 participant." in monitor.inner_text("#advance-result")

    # P2's open page moves on by itself: Intro submitted as timed out, Pair completed with P1 there.
    participant.wait_for_selector("#middle", timeout=WAIT_MS)
    assert participant.url.endswith("/monitored/Middle/3")
    assert "Your group's total is 6" in participant.inner_text("#middle")
    wait_for_cell(monitor, codes[1], "page", "Middle")
    wait_for_cell(monitor, codes[1], "status", "advanced")
    # P1 was waiting for P2, who is past Pair now.
    wait_for_cell(monitor, codes[0], "waits-for", "")

    # "Advance slowest": P3 (on Intro) is behind everyone who started; their page moves to the
    # wait page, whose socket then shows as connected in the monitor.
    third = chromium.new_context().new_page()
    third.goto(f"{server.url}/InitializeParticipant/{codes[2]}")
    third.wait_for_selector("#id_answer")
    third.wait_for_function("window.otree && window.otree.autoAdvanceSocket "
                            "&& window.otree.autoAdvanceSocket.readyState === 1", timeout=WAIT_MS)
    # P1 catches up first (reloading Pair takes them to Middle), so that P3 alone is the slowest.
    with httpx.Client(base_url=server.url) as p1:
        assert str(p1.get(f"/InitializeParticipant/{codes[0]}", follow_redirects=True).url).endswith("/Middle/3")
    wait_for_cell(monitor, codes[0], "page", "Middle")
    monitor.click("#advance-slowest")
    third.wait_for_selector(".otree-wait-page", timeout=WAIT_MS)
    assert third.url.endswith("/monitored/Pair/2")
    wait_for_cell(monitor, codes[2], "page", "Pair")
    wait_for_cell(monitor, codes[2], "waits-for", "P4")
    monitor.wait_for_selector(f'#monitor-rows tr[data-code="{codes[2]}"][data-waiting="connected"]', timeout=WAIT_MS)

    # Filtering by status hides the others; and the monitor page was never reloaded.
    monitor.select_option("#monitor-filter", "status:advanced")
    assert monitor.is_visible(f'#monitor-rows tr[data-code="{codes[1]}"]')
    assert not monitor.is_visible(f'#monitor-rows tr[data-code="{codes[0]}"]')
    assert monitor.evaluate("window.notReloaded") is True
