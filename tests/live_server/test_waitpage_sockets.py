"""Wait pages wake waiting browsers over WebSocket the moment the last member arrives."""

from __future__ import annotations

import time

import httpx
import pytest
from websockets.sync.client import connect

from tests.support.participants import create, receive_json, socket_url, start
from tests.support.projects import copy_project


@pytest.fixture
def server(tmp_path, db_url, live_server):
    path = copy_project("basic", tmp_path)
    codes = create(path, db_url, "game", 3)
    return live_server(path, db_url), codes


def submit(client: httpx.Client, page_url: str, amount: int) -> httpx.Response:
    """Submit and load where the server sends the browser (following redirects, as browsers do)."""
    response = client.post(page_url, data={"contribution": str(amount)})
    assert response.status_code == 302, response.text
    return client.get(response.headers["location"], follow_redirects=True)


def test_last_arrival_wakes_the_waiting_members(server):
    live, codes = server
    clients = [httpx.Client(base_url=live.url) for _ in codes]
    try:
        pages = [start(c, code) for c, code in zip(clients, codes)]
        urls = [str(p.url) for p in pages]
        assert all("/game/Contribute/1" in u for u in urls)

        # The first two members reach the wait page and open its socket.
        sockets = []
        for client, url in zip(clients[:2], urls[:2]):
            wait_page = submit(client, url, 10)
            assert wait_page.headers["oTree-Wait-Page"] == "1"
            sockets.append(connect(live.ws_url + socket_url(wait_page.text, "otree-wait-page")))
        for ws in sockets:
            with pytest.raises(TimeoutError):
                ws.recv(timeout=0.3)  # nobody is woken before the last member arrives

        # The last member's submission completes the wait page and takes them to Results...
        sent = time.monotonic()
        last = submit(clients[2], urls[2], 10)
        assert "/game/Results/3" in str(last.url)
        # ...and the others hear it at once, without reloading.
        for ws in sockets:
            assert receive_json(ws, timeout=5) == {"status": "ready"}
        assert time.monotonic() - sent < 5
        for client, code in zip(clients[:2], codes[:2]):
            reload = client.get(f"/p/{code}/game/ResultsWaitPage/2")
            assert reload.status_code == 302
            assert reload.headers["location"] == f"/p/{code}/game/Results/3"
            results = client.get(reload.headers["location"])
            assert "Total: 30 points" in results.text
    finally:
        for ws in locals().get("sockets", []):
            ws.close()
        for client in clients:
            client.close()


def test_socket_opened_after_completion_is_told_at_once(server):
    live, codes = server
    with httpx.Client(base_url=live.url) as a, httpx.Client(base_url=live.url) as b, \
            httpx.Client(base_url=live.url) as c:
        pages = [start(client, code) for client, code in zip((a, b, c), codes)]
        wait_page = submit(a, str(pages[0].url), 5)
        url = socket_url(wait_page.text, "otree-wait-page")
        submit(b, str(pages[1].url), 5)
        submit(c, str(pages[2].url), 5)
        # The wake-up was sent before this socket existed; it must not be lost.
        with connect(live.ws_url + url) as ws:
            assert receive_json(ws, timeout=5) == {"status": "ready"}


def test_auto_advance_socket(server):
    live, codes = server
    with httpx.Client(base_url=live.url) as client:
        page = start(client, codes[0])
        url = socket_url(page.text, "otree-auto-advance")
        assert url == f"/auto_advance?participant_code={codes[0]}&page_index=1"
        with connect(live.ws_url + url) as ws:
            with pytest.raises(TimeoutError):
                ws.recv(timeout=0.3)  # still on that page: nothing to say
        submit(client, str(page.url), 1)
        with connect(live.ws_url + url) as ws:
            assert receive_json(ws, timeout=5) == {"auto_advanced": True}  # already past that page
    with connect(live.ws_url + "/auto_advance?participant_code=nobody&page_index=1") as ws:
        assert receive_json(ws, timeout=5) == {"error": "Participant not found in database."}
