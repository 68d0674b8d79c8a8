"""With REDIS_URL, a wait page completed on one worker process wakes browsers connected to another."""

from __future__ import annotations

import httpx
import pytest
from websockets.sync.client import connect

from tests.support.participants import create, receive_json, socket_url, start
from tests.support.projects import copy_project


def test_wake_up_crosses_worker_processes(tmp_path, db_url, live_server, redis_url):
    path = copy_project("pairs", tmp_path)
    codes = create(path, db_url, "pairs", 2)
    first_server = live_server(path, db_url, env={"REDIS_URL": redis_url})
    second_server = live_server(path, db_url, env={"REDIS_URL": redis_url})

    with httpx.Client(base_url=first_server.url) as a, httpx.Client(base_url=second_server.url) as b:
        page_a = start(a, codes[0])
        response = a.post(str(page_a.url), data={"offer": "10"})
        wait_page = a.get(response.headers["location"])
        assert wait_page.headers["oTree-Wait-Page"] == "1"
        with connect(first_server.ws_url + socket_url(wait_page.text, "otree-wait-page")) as ws:
            with pytest.raises(TimeoutError):
                ws.recv(timeout=0.3)
            page_b = start(b, codes[1])
            finished = b.post(str(page_b.url), data={"offer": "20"}, follow_redirects=True)
            assert str(finished.url).endswith("/pairs/Results/3")  # completed on server two
            assert receive_json(ws, timeout=5) == {"status": "ready"}  # heard on server one
