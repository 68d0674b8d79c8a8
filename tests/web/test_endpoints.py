"""otree.web.endpoints: each unit-of-work mode on a real database, NotFound / Redirect, deadlock retries.

The views here are small ones of the test's own, on a table of the test's own, served by a
Starlette app with the endpoint module's exception handlers (as otree.web.app installs them).
"""

from __future__ import annotations

import contextvars
import sqlite3
import threading
import time

import psycopg
import pytest
from sqlalchemy import Integer, String, func, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from otree.db.engine import build_engine, set_engine
from otree.db.uow import current_session, has_current_session
from otree.bots.client import BotClient
from otree.web.endpoints import EXCEPTION_HANDLERS, NotFound, Redirect, endpoint, inline_views


class Base(DeclarativeBase):
    pass


class Note(Base):
    """The test's own table (ORM changes are what read-mostly units of work watch for)."""

    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    body: Mapped[str] = mapped_column(String)


def _count() -> int:
    return current_session().scalar(select(func.count()).select_from(Note))


def _insert(body: str) -> None:
    current_session().add(Note(body=body))
    current_session().flush()


_set_by_a_view: contextvars.ContextVar[str] = contextvars.ContextVar("set_by_a_view", default="unset")


class Views:
    """The test's views; `inside` / `release` let a test look at the database while one runs."""

    def __init__(self) -> None:
        self.inside = threading.Event()
        self.release = threading.Event()
        self.runs = 0
        self.threads: list[int] = []  # the thread each /where ran on

    def hold(self) -> None:
        self.inside.set()
        assert self.release.wait(10), "the test never released the view"

    def routes(self) -> list[Route]:
        @endpoint(db="write")
        def add(request: Request, form) -> Response:
            _insert(str(form.get("body")))
            if request.query_params.get("hold"):
                self.hold()
            return PlainTextResponse(str(_count()))

        @endpoint(db="read")
        def count(request: Request, form) -> Response:
            result = _count()  # the transaction has begun: a lock, if it took one, is held now
            if request.query_params.get("hold"):
                self.hold()
            return PlainTextResponse(str(result))

        @endpoint(db="read_mostly")
        def maybe_add(request: Request, form) -> Response:
            self.runs += 1
            if request.query_params.get("body"):
                _insert(request.query_params["body"])
            result = _count()
            if request.query_params.get("hold"):
                self.hold()
            return PlainTextResponse(str(result))

        @endpoint(db=None)
        def no_database(request: Request, form) -> Response:
            return PlainTextResponse("in a unit of work" if has_current_session() else "none")

        @endpoint(db="write")
        def missing(request: Request, form) -> Response:
            _insert("written before the 404")
            if request.query_params.get("styled"):
                raise NotFound("No <such> note.", page=lambda req, message: PlainTextResponse(
                    f"styled: {message}", status_code=404))
            raise NotFound("No <such> note.")

        @endpoint(db="write")
        def stale(request: Request, form) -> Response:
            _insert("written before the redirect")
            raise Redirect("/count")

        @endpoint(db=None)
        def where(request: Request, form) -> Response:
            self.threads.append(threading.get_ident())
            before = _set_by_a_view.get()
            _set_by_a_view.set("set")
            return PlainTextResponse(before)

        def probe(request: Request, form) -> Response:
            _count()  # the transaction has begun
            return PlainTextResponse(str(_can_take_write_lock(request.query_params["path"])))

        @endpoint(db="write")
        def boom(request: Request, form) -> Response:
            _insert("written before the error")
            raise ValueError("app code failed")

        return [
            Route("/where", where),
            Route("/probe_read", endpoint(db="read")(probe)),
            Route("/probe_write", endpoint(db="write")(probe)),
            Route("/boom", boom),
            Route("/add", add, methods=["POST"]),
            Route("/count", count),
            Route("/maybe_add", maybe_add),
            Route("/no_database", no_database),
            Route("/missing", missing),
            Route("/stale", stale, methods=["GET", "POST"]),
        ]


def _app(views: Views) -> Starlette:
    return Starlette(routes=views.routes(), exception_handlers=dict(EXCEPTION_HANDLERS))


@pytest.fixture
def sqlite_file(tmp_path):
    path = tmp_path / "endpoints.sqlite3"
    engine = build_engine(f"sqlite:///{path}")
    set_engine(engine)
    Base.metadata.create_all(engine)
    yield str(path)
    set_engine(None)


def _rows(path: str) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [body for (body,) in conn.execute("SELECT body FROM notes ORDER BY id")]


def _can_take_write_lock(path: str) -> bool:
    """Whether another connection can BEGIN IMMEDIATE right now (no waiting: timeout 0)."""
    conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return False
    finally:
        conn.close()  # rolls back the empty transaction
    return True


def _while_held(client: TestClient, views: Views, method: str, url: str, check, **kwargs):
    """Send the request on a thread; once the view is inside its unit of work, run check()."""
    answers: list = []
    sender = threading.Thread(target=lambda: answers.append(client.request(method, url, **kwargs)))
    sender.start()
    try:
        assert views.inside.wait(10), "the view never started"
        seen = check()
    finally:
        views.release.set()
        sender.join(10)
    return seen, answers[0]


def test_write_view_commits_what_it_did(sqlite_file):
    with TestClient(_app(Views())) as client:
        response = client.post("/add", data={"body": "first"})
    assert response.status_code == 200 and response.text == "1"
    assert _rows(sqlite_file) == ["first"]


def test_write_view_holds_the_write_lock_while_it_runs(sqlite_file):
    views = Views()
    with TestClient(_app(views)) as client:
        lock_free, response = _while_held(client, views, "POST", "/add?hold=1",
                                          lambda: _can_take_write_lock(sqlite_file), data={"body": "x"})
    assert lock_free is False
    assert response.status_code == 200 and _rows(sqlite_file) == ["x"]


def test_read_view_takes_no_write_lock(sqlite_file):
    views = Views()
    with TestClient(_app(views)) as client:
        client.post("/add", data={"body": "a"})
        lock_free, response = _while_held(client, views, "GET", "/count?hold=1",
                                          lambda: _can_take_write_lock(sqlite_file))
    assert lock_free is True  # a writer elsewhere is not kept waiting by a page that only reads
    assert response.status_code == 200 and response.text == "1"


def test_read_mostly_view_that_only_reads_runs_once_without_the_write_lock(sqlite_file):
    views = Views()
    with TestClient(_app(views)) as client:
        lock_free, response = _while_held(client, views, "GET", "/maybe_add?hold=1",
                                          lambda: _can_take_write_lock(sqlite_file))
    assert lock_free is True and views.runs == 1
    assert response.text == "0" and _rows(sqlite_file) == []


def test_read_mostly_view_that_writes_runs_again_and_commits_once(sqlite_file):
    views = Views()
    with TestClient(_app(views)) as client:
        response = client.get("/maybe_add?body=note")
    assert views.runs == 2  # refused in the read attempt, then run in a writing unit of work
    assert response.text == "1" and _rows(sqlite_file) == ["note"]


def test_view_without_a_unit_of_work(sqlite_file):
    with TestClient(_app(Views())) as client:
        assert client.get("/no_database").text == "none"


def test_not_found_is_a_404_and_rolls_back(sqlite_file):
    with TestClient(_app(Views())) as client:
        plain = client.get("/missing")
        styled = client.get("/missing?styled=1")
    assert plain.status_code == 404
    assert "No &lt;such&gt; note." in plain.text and "<such>" not in plain.text
    assert styled.status_code == 404 and styled.text == "styled: No <such> note."
    assert _rows(sqlite_file) == []


def test_redirect_is_a_302_and_rolls_back_the_views_writes(sqlite_file):
    with TestClient(_app(Views())) as client:
        response = client.post("/stale", follow_redirects=False)
    assert response.status_code == 302 and response.headers["location"] == "/count"
    assert _rows(sqlite_file) == []


# -- inline views (the bots' client): on the caller's thread, the same units of work -------------


def test_inline_view_runs_on_the_calling_thread_and_commits(sqlite_file):
    views = Views()
    with BotClient(_app(views)) as client:
        added = client.post("/add", data={"body": "inline"})
        client.get("/where")
    assert added.status_code == 200 and added.text == "1" and _rows(sqlite_file) == ["inline"]
    assert views.threads == [threading.get_ident()]


def test_views_run_in_the_thread_pool_outside_inline_mode(sqlite_file):
    views = Views()
    with TestClient(_app(views)) as client:
        client.get("/where")
    assert len(views.threads) == 1 and views.threads[0] != threading.get_ident()


def test_inline_views_get_their_units_of_work(sqlite_file):
    with BotClient(_app(Views())) as client:
        read = client.get(f"/probe_read?path={sqlite_file}")
        write = client.get(f"/probe_write?path={sqlite_file}")
        nothing = client.get("/no_database")
    assert read.text == "True"  # read-only: no write lock held, as in the pool
    assert write.text == "False"  # the writing unit of work holds the lock while the view runs
    assert nothing.text == "none"


def test_inline_read_mostly_view_that_writes_runs_again(sqlite_file):
    views = Views()
    with BotClient(_app(views)) as client:
        response = client.get("/maybe_add?body=note")
    assert views.runs == 2 and response.text == "1" and _rows(sqlite_file) == ["note"]


def test_inline_view_sets_context_variables_for_itself_only(sqlite_file):
    seen_after_the_view: list[str] = []
    inner = _app(Views())

    async def app(scope, receive, send):
        await inner(scope, receive, send)
        if scope["type"] == "http":
            seen_after_the_view.append(_set_by_a_view.get())

    with BotClient(app) as client:
        assert client.get("/where").text == "unset"
    assert seen_after_the_view == ["unset"]  # what the view set ended with it, as in the thread pool


def test_inline_view_error_is_raised_to_the_client_and_rolls_back(sqlite_file):
    with BotClient(_app(Views())) as client:
        with pytest.raises(ValueError, match="app code failed"):
            client.get("/boom")
        assert client.get("/count").text == "0"  # the client still works after the error
    assert _rows(sqlite_file) == []


def test_inline_mode_ends_with_its_context():
    from otree.web import endpoints

    with inline_views():
        assert endpoints._inline.get() is True
    assert endpoints._inline.get() is False


# -- PostgreSQL: a real deadlock, and the view run again ---------------------------------------


def _psycopg_url(sqlalchemy_url: str) -> str:
    return sqlalchemy_url.replace("postgresql+psycopg://", "postgresql://")


@pytest.fixture
def pg_counters(postgres_database):
    """A table `counters` with rows 1 and 2 (n = 0) on the test run's PostgreSQL database."""
    engine = build_engine(postgres_database)
    set_engine(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS counters"))
        conn.execute(text("CREATE TABLE counters (id integer PRIMARY KEY, n integer NOT NULL)"))
        conn.execute(text("INSERT INTO counters VALUES (1, 0), (2, 0)"))
    yield postgres_database
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE counters"))
    set_engine(None)


def test_deadlock_victim_is_run_again(pg_counters):
    """The view and another transaction lock rows 1 and 2 in opposite orders: PostgreSQL aborts the view
    (40P01); the endpoint runs it again, and each transaction's change is in the table exactly once."""
    attempts: list[int] = []
    view_holds_row_1 = threading.Event()
    other_done = threading.Event()
    errors: list[BaseException] = []

    @endpoint(db="write")
    def transfer(request: Request, form) -> Response:
        attempts.append(len(attempts) + 1)
        db = current_session()
        db.execute(text("UPDATE counters SET n = n + 1 WHERE id = 1"))
        if len(attempts) == 1:
            view_holds_row_1.set()
            time.sleep(0.3)  # let the other transaction lock row 2 and queue behind row 1
        db.execute(text("UPDATE counters SET n = n + 1 WHERE id = 2"))
        return PlainTextResponse(f"attempt {len(attempts)}")

    def other_transaction() -> None:
        try:
            with psycopg.connect(_psycopg_url(pg_counters)) as conn:
                # Our backend checks for deadlocks late, so the view's backend finds it and is the victim.
                conn.execute("SET deadlock_timeout = '20s'")
                conn.execute("UPDATE counters SET n = n + 10 WHERE id = 2")
                assert view_holds_row_1.wait(10)
                conn.execute("UPDATE counters SET n = n + 10 WHERE id = 1")  # waits for the view's row 1
                conn.commit()
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)
        finally:
            other_done.set()

    # The other transaction locks row 2 first, so that the view's second UPDATE waits for it.
    other = threading.Thread(target=other_transaction)
    app = Starlette(routes=[Route("/transfer", transfer, methods=["POST"])],
                    exception_handlers=dict(EXCEPTION_HANDLERS))
    with TestClient(app) as client:
        other.start()
        time.sleep(0.3)
        response = client.post("/transfer")
    other.join(30)
    assert not errors, errors
    assert response.status_code == 200 and response.text == "attempt 2"
    with psycopg.connect(_psycopg_url(pg_counters)) as conn:
        rows = dict(conn.execute("SELECT id, n FROM counters").fetchall())
    assert rows == {1: 11, 2: 11}  # the aborted first attempt left nothing behind


# -- the app's own views: NotFound keeps each area's 404 page -------------------------------------


def test_admin_views_answer_not_found_with_the_admin_page(load_sqlite, monkeypatch):
    """A missing session: the admin's styled page (with its chrome), JSON for the data feed, and the
    room pages' own 404s, all with status 404."""
    from otree.web.app import create_app

    monkeypatch.delenv("OTREE_AUTH_LEVEL", raising=False)
    project = load_sqlite("admin")
    with TestClient(create_app(project), follow_redirects=False) as client:
        page = client.get("/SessionDescription/nosuchcode")
        assert page.status_code == 404
        assert 'class="alert alert-warning otree-not-found"' in page.text
        assert "There is no session with code &#39;nosuchcode&#39;" in page.text
        data = client.get("/session_data/nosuchcode")
        assert data.status_code == 404 and data.json() == {"error": "No such session"}
        demo = client.get("/demo/nosuchconfig")
        assert demo.status_code == 404 and "otree-not-found" in demo.text
        room = client.get("/room_without_session/nosuchroom")
        assert room.status_code == 404 and "nosuchroom" in room.text and "otree-not-found" not in room.text
