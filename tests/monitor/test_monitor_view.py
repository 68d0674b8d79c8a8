"""Headless Chromium: the monitor's sortable columns, summary line, highlighted changes, presence
dots and the live chart of participants per page."""

from __future__ import annotations

import json
import os

import httpx
import pytest

from tests.support.monitor import WAIT_MS, cell, wait_for_cell
from tests.support.participants import start

pytestmark = pytest.mark.timeout(120)
SCREENSHOTS = os.environ.get("OTREE_SCREENSHOTS")  # a folder to keep screenshots in, for checking by eye


def ids_in_order(page) -> list[str]:
    return page.eval_on_selector_all("#monitor-rows tr", "rows => rows.map(r => 'P' + r.dataset.id)")


def chart_counts(page) -> list[int]:
    return json.loads(page.get_attribute("#monitor-chart", "data-counts") or "[]")


def wait_for_counts(page, expected: list[int]) -> None:
    page.wait_for_function("(want) => (document.getElementById('monitor-chart').dataset.counts || '') === want",
                           arg=json.dumps(expected, separators=(",", ":")), timeout=WAIT_MS)


def summary(page, name: str) -> str:
    return page.inner_text(f'#monitor-summary [data-count="{name}"] strong')


def test_monitor_sorts_summarises_highlights_and_charts(setup, chromium):
    server, session_code, codes = setup
    monitor = chromium.new_context(viewport={"width": 1300, "height": 1000}, bypass_csp=True).new_page()
    errors: list[str] = []
    monitor.on("pageerror", lambda error: errors.append(str(error)))
    monitor.goto(f"{server.url}/SessionMonitor/{session_code}")
    monitor.wait_for_selector('#monitor-connection[data-connected="1"]', timeout=WAIT_MS)
    monitor.wait_for_selector("#monitor-summary [data-count]", timeout=WAIT_MS)
    assert summary(monitor, "not-started") == "4" and summary(monitor, "started") == "0"
    pages = json.loads(monitor.get_attribute("#monitor-chart", "data-pages"))
    assert len(pages) == 5 and pages[0].endswith("Intro")
    assert chart_counts(monitor) == [0, 0, 0, 0, 0]
    assert monitor.locator("#monitor-chart canvas").count() == 1  # uPlot drew the chart

    # Presence as CSS dots: no emoji anywhere in the table.
    text = monitor.inner_text("#monitor-table")
    assert not any(ord(ch) > 0x2FFF for ch in text), text
    assert monitor.locator("#monitor-rows .m-presence-none").count() == 4

    with httpx.Client(base_url=server.url) as p1, httpx.Client(base_url=server.url) as p3:
        intro = start(p1, codes[0])
        wait_for_cell(monitor, codes[0], "page", "Intro")
        wait_for_counts(monitor, [1, 0, 0, 0, 0])
        assert summary(monitor, "started") == "1" and summary(monitor, "playing") == "1"
        start(p3, codes[2])
        wait_for_counts(monitor, [2, 0, 0, 0, 0])

        # A change is highlighted in the cells that changed, not in the others.
        p1.post(str(intro.url), data=dict(answer="6", agree="True", note="p1"))
        wait_for_cell(monitor, codes[0], "page", "Pair")
        assert "m-changed" in monitor.get_attribute(cell(monitor, codes[0], "page"), "class")
        assert "m-changed" in monitor.get_attribute(cell(monitor, codes[0], "progress"), "class")
        assert "m-changed" not in (monitor.get_attribute(cell(monitor, codes[0], "code"), "class") or "")
        assert "m-changed" not in (monitor.get_attribute(cell(monitor, codes[1], "page"), "class") or "")
        wait_for_counts(monitor, [1, 1, 0, 0, 0])
        # P1 waits on a wait page with no browser: a hollow dot, but no dropout (only a timed page
        # expiring with no browser marks one)
        monitor.wait_for_selector(f'#monitor-rows tr[data-code="{codes[0]}"] .m-presence-disconnected', timeout=WAIT_MS)
        assert summary(monitor, "dropped") == "0"
        # the highlight fades
        monitor.wait_for_function(
            f"!document.querySelector('{cell(monitor, codes[0], 'page')}').classList.contains('m-changed')",
                                  timeout=WAIT_MS)

    # Sorting: by progress (P1 is furthest), descending on the second click, back by ID.
    assert ids_in_order(monitor) == ["P1", "P2", "P3", "P4"]
    monitor.click("#monitor-table th:has-text('Progress')")
    assert ids_in_order(monitor)[-1] == "P1"
    assert monitor.get_attribute("#monitor-table th:has-text('Progress')", "aria-sort") == "ascending"
    monitor.click("#monitor-table th:has-text('Progress')")
    assert ids_in_order(monitor)[0] == "P1"
    assert monitor.get_attribute("#monitor-table th:has-text('Progress')", "aria-sort") == "descending"
    monitor.click("#monitor-table th:has-text('Code')")
    codes_shown = monitor.eval_on_selector_all("#monitor-rows tr", "rows => rows.map(r => r.dataset.code)")
    assert codes_shown == sorted(codes)
    monitor.click("#monitor-table th:has-text('ID')")
    assert ids_in_order(monitor) == ["P1", "P2", "P3", "P4"]
    if SCREENSHOTS:
        monitor.screenshot(path=os.path.join(SCREENSHOTS, "monitor.png"), full_page=True)
    assert not errors, errors
