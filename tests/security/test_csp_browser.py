"""oTree's admin pages work under their strict Content-Security-Policy: no violation in Chromium."""

from __future__ import annotations

import os

from tests.support.projects import copy_project


def test_admin_pages_raise_no_csp_violations(tmp_path, live_server, chromium):
    path = copy_project("admin", tmp_path)
    server = live_server(path, f"sqlite:///{os.path.join(path, 'db.sqlite3')}",
                         env={"OTREE_AUTH_LEVEL": "", "OTREE_ADMIN_PASSWORD": "pw"})
    page = chromium.new_context().new_page()
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{server.url}/demo")
    page.click("text=Report game")  # the demo page's script creates the session over its WebSocket
    page.wait_for_url("**/SessionStartLinks/*", timeout=15000)
    code = page.url.rsplit("/", 1)[1]
    for url in ["/sessions", "/create_session", "/rooms", "/room_without_session/lab", "/server_check",
                "/ExportIndex", f"/SessionMonitor/{code}", f"/SessionData/{code}", f"/SessionPayments/{code}",
                f"/SessionDescription/{code}", f"/SessionEditProperties/{code}", f"/SessionSplitScreen/{code}",
                "/login"]:
        response = page.goto(server.url + url)
        assert response.status == 200, url
        assert "nonce-" in response.headers["content-security-policy"], url
        page.wait_for_load_state("networkidle")
    # A script that needs to run did run: the monitor filled its table over its WebSocket.
    page.goto(f"{server.url}/SessionMonitor/{code}")
    page.wait_for_selector("#otree-monitor-table tbody tr, table tbody tr", timeout=15000)
    assert not violations, violations
    assert not errors, errors
