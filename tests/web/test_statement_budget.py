"""A statement budget per kind of request, so that no change quietly adds queries (an N+1, say).

The project is served by a real uvicorn, in this process (on a thread) so that SQLAlchemy's
event hooks see every statement. Each kind of request is made once and everything it causes
is counted until the server is quiet again: its own unit of work and the work it hands on
(wait-page completion, after-commit sends). The task loop's own polling is not the request's
cost and is left out. Counted: SQL statements (BEGIN excluded: PostgreSQL's is implicit) and
write transactions (units of work that took the write lock; on SQLite only one runs at a time).

The budgets are today's figures for a 3-player group. Lower them when the code gets leaner;
raising one needs a reason in the commit message.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass

import httpx
import pytest
import uvicorn
from sqlalchemy import event
from websockets.sync.client import connect

from otree.db.uow import unit_of_work
from otree.session import create_session
from otree.tasks import THREAD_NAME_PREFIX
from tests.support.projects import free_port


@dataclass(frozen=True)
class Cost:
    statements: int
    write_transactions: int

    def __str__(self) -> str:
        return f"{self.statements} statements, {self.write_transactions} write transactions"


# (SQLite, PostgreSQL): PostgreSQL also locks rows (SELECT ... FOR UPDATE) where SQLite holds
# its one write lock. "The last to arrive" is two requests (the submission, then the wait page
# that completes and runs after_all_players_arrive), hence two write transactions.
BUDGETS = {
    "start link": (Cost(4, 1), Cost(4, 1)),
    "page view": (Cost(3, 0), Cost(3, 0)),
    "a form page's auto-advance socket, opened and closed": (Cost(1, 0), Cost(1, 0)),
    "live message": (Cost(6, 1), Cost(6, 1)),
    "form submission": (Cost(7, 1), Cost(7, 1)),
    "wait page, not the last to arrive": (Cost(5, 0), Cost(5, 0)),
    "the last to arrive: submission and completed wait page": (Cost(21, 2), Cost(25, 2)),
}


class Meter:
    """Counts the statements and write transactions an engine runs outside the task loop."""

    def __init__(self, engine) -> None:
        self.statements = self.write_transactions = 0
        self.last_activity = time.monotonic()
        self._lock = threading.Lock()
        event.listen(engine, "before_cursor_execute", self._on_statement)
        event.listen(engine, "begin", self._on_begin)

    @staticmethod
    def _counted() -> bool:
        return not threading.current_thread().name.startswith(THREAD_NAME_PREFIX)

    def _on_statement(self, conn, cursor, statement, *args) -> None:
        if self._counted() and not statement.lstrip().upper().startswith("BEGIN"):
            with self._lock:
                self.statements += 1
                self.last_activity = time.monotonic()

    def _on_begin(self, conn) -> None:
        if self._counted() and not conn.get_execution_options().get("otree_readonly"):
            with self._lock:
                self.write_transactions += 1
                self.last_activity = time.monotonic()

    def measure(self, action) -> Cost:
        """Run `action` and count everything up to 0.3 s of silence after it returns."""
        self.settle()
        with self._lock:
            self.statements = self.write_transactions = 0
        action()
        self.settle()
        return Cost(self.statements, self.write_transactions)

    def settle(self, quiet_s: float = 0.3) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() - self.last_activity < quiet_s and time.monotonic() < deadline:
            time.sleep(0.05)


@pytest.fixture
def server(load):
    """The budget project on a real uvicorn on 127.0.0.1 in this process; yields (base URL, meter)."""
    from otree.db.engine import get_engine
    from otree.web.app import create_app

    project = load("budget")
    port = free_port()
    uvicorn_server = uvicorn.Server(
        uvicorn.Config(create_app(project), host="127.0.0.1", port=port, log_level="warning", ws="websockets-sansio")
    )
    thread = threading.Thread(target=uvicorn_server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uvicorn_server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"127.0.0.1:{port}", Meter(get_engine())
    uvicorn_server.should_exit = True
    thread.join(10)


def _codes() -> list[str]:
    with unit_of_work():
        return [p.code for p in create_session("budget", 3).get_participants()]


def _live_socket_path(page: httpx.Response) -> str:
    match = re.search(r'data-socket-url="([^"]+)"', page.text)
    assert match, "the live page has no live socket"
    return match.group(1).replace("&amp;", "&")


def _auto_advance_path(page: httpx.Response) -> str:
    match = re.search(r'id="otree-auto-advance" data-socket-url="([^"]+)"', page.text)
    assert match, "the page has no auto-advance socket"
    return match.group(1).replace("&amp;", "&")


def test_each_kind_of_request_stays_within_its_budget(server, db_url):
    address, meter = server
    budgets = {kind: pair[0 if db_url.startswith("sqlite") else 1] for kind, pair in BUDGETS.items()}
    clients = [httpx.Client(base_url=f"http://{address}", timeout=30) for _ in range(3)]
    codes = _codes()
    costs: dict[str, Cost] = {}
    pages: dict[int, httpx.Response] = {}

    def start(n: int) -> None:
        response = clients[n].get(f"/InitializeParticipant/{codes[n]}")
        assert response.status_code == 302
        pages[n] = clients[n].get(response.headers["location"])

    costs["start link"] = meter.measure(lambda: clients[0].get(f"/InitializeParticipant/{codes[0]}"))
    for n in range(3):
        start(n)
    assert "Bid" in str(pages[0].url)
    costs["page view"] = meter.measure(lambda: clients[0].get(str(pages[0].url)))

    def open_and_close_auto_advance() -> None:
        with connect(f"ws://{address}{_auto_advance_path(pages[0])}") as socket:
            with pytest.raises(TimeoutError):
                socket.recv(timeout=0.3)  # connected, and nothing to say: the page is current

    costs["a form page's auto-advance socket, opened and closed"] = meter.measure(open_and_close_auto_advance)

    with connect(f"ws://{address}{_live_socket_path(pages[0])}") as ws:
        def bid() -> None:
            ws.send(json.dumps({"bid": 7}))
            reply = json.loads(ws.recv(timeout=10))
            assert reply["live_method_payload"] == {"best_bid": 7}, reply

        bid()  # the first message also waits for the socket's connect work (history replay)
        costs["live message"] = meter.measure(bid)

    def submit(n: int, data: dict) -> None:
        response = clients[n].post(str(pages[n].url), data=data)
        assert response.status_code == 302, response.text
        pages[n] = clients[n].get(response.headers["location"], follow_redirects=True)

    for n in range(3):
        submit(n, {})
    assert "Contribute" in str(pages[0].url)
    posted: list[httpx.Response] = []
    costs["form submission"] = meter.measure(
        lambda: posted.append(clients[0].post(str(pages[0].url), data={"contribution": "4"}))
    )
    assert posted[0].status_code == 302 and "ResultsWaitPage" in posted[0].headers["location"]
    pages[0] = clients[0].get(posted[0].headers["location"])
    submit(1, {"contribution": "5"})
    costs["wait page, not the last to arrive"] = meter.measure(lambda: clients[0].get(str(pages[0].url)))

    def last_arrives() -> None:
        submit(2, {"contribution": "6"})
        assert "Results" in str(pages[2].url) and "Wait" not in str(pages[2].url)

    costs["the last to arrive: submission and completed wait page"] = meter.measure(last_arrives)
    assert "Total: 15" in pages[2].text
    for client in clients:
        client.close()

    over = [kind for kind, cost in costs.items()
            if cost.statements > budgets[kind].statements or cost.write_transactions > budgets[kind].write_transactions]
    report = "\n".join(f"  {kind}: {costs[kind]} (budget {budgets[kind]})" for kind in budgets)
    assert not over, f"over budget: {over}\n{report}"
