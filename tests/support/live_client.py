"""A participant playing over real HTTP with a real live-page WebSocket (for the live and chat tests)."""

from __future__ import annotations

import json
import re
import threading
import time

import httpx
import pytest
from websockets.sync.client import connect

from tests.support.participants import start


class Member:
    """One participant: an HTTP client on their pages and the live socket of the current page."""

    def __init__(self, server, code: str):
        self.server, self.code = server, code
        self.client = httpx.Client(base_url=server.url, timeout=30)
        self.page = start(self.client, code)
        self.ws = None

    def live_url(self) -> str:
        match = re.search(r'data-socket-url="([^"]+)" data-since="(\d+)"', self.page.text)
        assert match, "no live socket on this page"
        return match.group(1).replace("&amp;", "&") + f"&otree_since={match.group(2)}"

    def open(self, extra: str = ""):
        self.ws = connect(self.server.ws_url + self.live_url() + extra)
        return self.ws

    def send(self, data) -> None:
        self.ws.send(json.dumps(data))

    def recv(self, timeout: float = 5) -> dict:
        return json.loads(self.ws.recv(timeout=timeout))

    def payload(self, timeout: float = 5):
        message = self.recv(timeout)
        assert message["otree_success"] is True, message
        return message["live_method_payload"]

    def nothing(self, timeout: float = 0.5) -> None:
        with pytest.raises(TimeoutError):
            self.ws.recv(timeout=timeout)

    def next_page(self) -> None:
        response = self.client.post(str(self.page.url), data={})
        assert response.status_code == 302, response.text
        self.page = self.client.get(response.headers["location"], follow_redirects=True)

    def step(self) -> None:
        """One move on: submit the page, or look again whether the wait page is done."""
        if self.page.headers.get("oTree-Wait-Page") == "1":
            self.page = self.client.get(str(self.page.url), follow_redirects=True)
        else:
            self.next_page()

    def close(self) -> None:
        if self.ws is not None:
            self.ws.close()
        self.client.close()


def go_to(members: list[Member], page_name: str, timeout: float = 20) -> None:
    """Move every member on (through wait pages) until all are on `page_name`."""
    deadline = time.monotonic() + timeout
    while True:
        behind = [m for m in members if f"/{page_name}/" not in str(m.page.url)]
        if not behind:
            return
        assert time.monotonic() < deadline, f"stuck on {[str(m.page.url) for m in behind]}"
        for member in behind:
            member.step()
        time.sleep(0.05)


def bid_together(members: list[Member], rounds: int, barrier_s: float, join_s: float) -> None:
    """Each member sends `rounds` bids of 1, all members at the same instant each round."""
    barrier = threading.Barrier(len(members))
    errors: list[BaseException] = []

    def bid(member: Member) -> None:
        try:
            for _ in range(rounds):
                barrier.wait(barrier_s)
                member.send({"kind": "bid", "amount": 1})
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=bid, args=(m,)) for m in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(join_s)
    assert not errors
