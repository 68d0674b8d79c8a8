"""Browser bots: tests.py's bots play a 3-player game in real Chromium tabs, started by
`otree browser_bots` (reported in its terminal) or by a config with use_browser_bots=True."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import create_engine, select, text

from tests.support.participants import create
from tests.support.projects import copy_project

OTREE = os.path.join(os.path.dirname(sys.executable), "otree")
pytestmark = pytest.mark.timeout(180)


def players(db_path: str) -> list[tuple]:
    engine = create_engine(f"sqlite:///{db_path}")
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT p.id_in_group, p.number, p.colour, p.sure, g.total FROM trio_player p "
            "JOIN trio_group g ON g.id = p.group_id ORDER BY p.id_in_group")).fetchall()
    engine.dispose()
    return [tuple(row) for row in rows]


def open_tabs(chromium, links: list[str]):
    context = chromium.new_context()
    tabs = []
    for link in links:
        tab = context.new_page()
        tab.goto(link)
        tabs.append(tab)
    return tabs


def test_browser_bots_command_plays_a_three_player_game(tmp_path, live_server, chromium):
    path = copy_project("browser_bots", tmp_path)
    db = os.path.join(path, "db.sqlite3")
    server = live_server(path, f"sqlite:///{db}")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    command = subprocess.Popen(
        [OTREE, "browser_bots", "trio", "3", "--server", server.url, "--no-browser", "--timeout", "120"],
        cwd=path, env=dict(env, PYTHONUNBUFFERED="1"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        while len([text for text in lines if "/InitializeParticipant/" in text]) < 3:
            line = command.stdout.readline()
            assert line, f"browser_bots ended early: {command.stderr.read()}"
            lines.append(line.strip())
        links = [text for text in lines if "/InitializeParticipant/" in text]
        tabs = open_tabs(chromium, links)
        for tab in tabs:  # each tab goes through the game by itself, to the end page
            tab.wait_for_url("**/OutOfRangeNotification/*", timeout=60_000)
            assert "No more pages left" in tab.inner_text("body")
        out, err = command.communicate(timeout=60)
    finally:
        if command.poll() is None:
            command.kill()
    assert command.returncode == 0, err
    report = "\n".join(lines) + out
    assert "Browser bots: session" in report and "/SessionMonitor/" in report
    assert "P1: page 1/3 Choose" in report
    session_code = report.split("Browser bots: session ", 1)[1].split()[0]
    import httpx

    monitor = httpx.get(f"{server.url}/SessionMonitor/{session_code}").text
    assert "Browser bots play this session" in monitor  # and the admin says so
    assert "Browser bots finished" in report
    assert players(db) == [(1, 2, "red", 1, 12), (2, 4, "green", 0, 12), (3, 6, "blue", 1, 12)]
    log = server.read_log()
    assert "Browser bot P2: submits Choose" in log  # the server's terminal shows each submission


def test_use_browser_bots_in_a_session_config(tmp_path, live_server, chromium):
    path = copy_project("browser_bots", tmp_path)
    db = os.path.join(path, "db.sqlite3")
    codes = create(path, f"sqlite:///{db}", "trio_in_browsers", 3)
    server = live_server(path, f"sqlite:///{db}")
    from otree.db import unit_of_work
    from otree.db.core import Participant

    with unit_of_work(readonly=True) as session:
        session_code = session.scalars(select(Participant).filter_by(code=codes[0])).one().session.code
    # The monitor's chart follows the bots: record every state it shows.
    monitor = chromium.new_context().new_page()
    monitor.goto(f"{server.url}/SessionMonitor/{session_code}")
    monitor.wait_for_selector('#monitor-connection[data-connected="1"]', timeout=10_000)
    assert "Browser bots play this session" in monitor.inner_text("body")
    monitor.evaluate("""() => {
        window.chartStates = [];
        const chart = document.getElementById('monitor-chart');
        new MutationObserver(() => window.chartStates.push(chart.dataset.counts))
            .observe(chart, {attributes: true, attributeFilter: ['data-counts']});
    }""")
    tabs = open_tabs(chromium, [f"{server.url}/InitializeParticipant/{code}" for code in codes])
    for tab in tabs:
        tab.wait_for_url("**/OutOfRangeNotification/*", timeout=60_000)
    assert players(db) == [(1, 2, "red", 1, 12), (2, 4, "green", 0, 12), (3, 6, "blue", 1, 12)]
    monitor.wait_for_function("window.chartStates.length && window.chartStates.slice(-1)[0] === '[0,0,0]'",
                              timeout=10_000)
    states = [json.loads(state) for state in monitor.evaluate("window.chartStates")]
    assert any(sum(state) > 0 for state in states)  # participants were seen on the pages while playing
    assert len({tuple(state) for state in states}) >= 3


def test_sessions_without_browser_bots_load_no_bot_script(tmp_path, live_server, chromium):
    path = copy_project("browser_bots", tmp_path)
    db = os.path.join(path, "db.sqlite3")
    codes = create(path, f"sqlite:///{db}", "trio", 3)
    server = live_server(path, f"sqlite:///{db}")
    tab = open_tabs(chromium, [f"{server.url}/InitializeParticipant/{codes[0]}"])[0]
    assert tab.locator("#otree-browser-bot").count() == 0
    import httpx

    assert httpx.get(f"{server.url}/browser_bot/{codes[0]}/1").status_code == 404
