"""Helpers of the session monitor tests: the monitored project, sessions, tokens and monitor rows."""

from __future__ import annotations

import json
import os
import re
import shutil
import time

HERE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "monitor")


def copy_monitored(destination) -> str:
    target = os.path.join(str(destination), "monitored")
    shutil.copytree(os.path.join(HERE, "projects", "monitored"), target,
                    ignore=shutil.ignore_patterns("__pycache__", "db.sqlite3*"))
    return target


def new_session(n: int = 4) -> tuple[str, list[str]]:
    """A session of the loaded project: its code and its participants' codes."""
    from otree.db import unit_of_work
    from otree.session import create_session

    with unit_of_work():
        session = create_session("monitored", n)
        return session.code, [p.code for p in session.get_participants()]


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrftoken" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def row_of(message: dict, code: str) -> dict | None:
    return next((row for row in message.get("rows", []) if row["code"] == code), None)


def wait_for_row(ws, code: str, check, timeout: float = 10) -> dict:
    """Read monitor messages until one has a row of this participant for which check(row) holds."""
    deadline = time.monotonic() + timeout
    seen = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"no matching row for {code} within {timeout}s; rows seen: {seen}")
        try:
            message = json.loads(ws.recv(timeout=remaining))
        except TimeoutError:
            raise AssertionError(f"no matching row for {code} within {timeout}s; rows seen: {seen}") from None
        row = row_of(message, code)
        if row is not None:
            seen.append(row)
            if check(row):
                return row


WAIT_MS = 10_000  # how long a browser test waits for the monitor to show a change


def cell(page, code: str, name: str) -> str:
    return f'#monitor-rows tr[data-code="{code}"] td.m-{name}'


def wait_for_cell(page, code: str, name: str, text: str) -> None:
    page.wait_for_function(
        "([selector, text]) => { const td = document.querySelector(selector); "
        "return td !== null && td.textContent.trim() === text; }",
        arg=[cell(page, code, name), text], timeout=WAIT_MS)
