"""The database engine: SQLite (WAL, busy timeout, BEGIN IMMEDIATE) or PostgreSQL from DATABASE_URL."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url

from otree import state

from .writer_queue import WriterQueue

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlalchemy.engine.interfaces import DBAPIConnection
    from sqlalchemy.pool import ConnectionPoolEntry

# SQLite waits this long for the write lock before giving up ("database is locked").
SQLITE_BUSY_TIMEOUT_S = 30

_HOLDS_TURN = "otree_holds_writer_turn"  # key in a pooled connection's info


def normalize_url(url: str) -> str:
    """Accept the spellings users paste from hosting providers (postgres://, postgresql://)."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def build_engine(url: str, *, writer_queue: bool = True) -> Engine:
    """A new engine for `url`, configured for many concurrent units of work.

    writer_queue=False leaves SQLite's writers to its busy handler alone (for benchmarks).
    """
    url = normalize_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        return _sqlite_engine(url, writer_queue)
    return create_engine(url, pool_size=10, max_overflow=30, pool_pre_ping=True, future=True)


def _sqlite_engine(url: str, writer_queue: bool) -> Engine:
    # Connections are cheap; enough of them that requests (up to the 40 worker threads) wait for
    # the write lock, if at all, not for a connection. They are all kept open: a writer holds its
    # connection while it queues for its turn, so under load every thread has one, and an
    # overflow connection (opened, set up and closed for each unit of work) cost a sixth of the
    # server's busy time in a live-page benchmark.
    in_memory = make_url(url).database in (None, "", ":memory:")
    pooling = {} if in_memory else dict(pool_size=48, max_overflow=32)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False},
                           **pooling)

    @event.listens_for(engine, "connect")
    # Any: the driver's own connection (sqlite3's has isolation_level; the DBAPI protocol does not).
    def on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin,
        # so that we can take the write lock up front (see on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if make_url(url).database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
        cursor.close()

    # Writers of this process queue in process for the write lock (see writer_queue.py); the
    # turn is taken before BEGIN IMMEDIATE and given back when the connection returns to the
    # pool, i.e. after COMMIT or ROLLBACK has reached the database.
    queue = WriterQueue() if writer_queue else None
    engine.otree_writer_queue = queue  # type: ignore[attr-defined]  # for tests and benchmarks

    @event.listens_for(engine, "begin")
    def on_begin(conn: Connection) -> None:
        # A deferred transaction that reads and later writes can fail at once with
        # "database is locked" (the lock upgrade cannot wait). Taking the write lock at
        # BEGIN makes writers queue instead; read-only units skip both the queue and the lock.
        # Sent on the driver's connection: through SQLAlchemy's statement machinery, this one
        # word cost about as much as a page's SELECT (BEGIN has no parameters and no result).
        driver = conn.connection.dbapi_connection
        assert driver is not None, "begin on a connection that is open"
        if conn.get_execution_options().get("otree_readonly"):
            driver.execute("BEGIN")
            return
        if queue is None:
            driver.execute("BEGIN IMMEDIATE")
            return
        info = conn.connection.info  # the pooled connection's: survives until checkin
        if not info.get(_HOLDS_TURN):
            queue.acquire(timeout=SQLITE_BUSY_TIMEOUT_S)
            info[_HOLDS_TURN] = True
        try:
            driver.execute("BEGIN IMMEDIATE")
        except BaseException:
            _give_back(info, queue)
            raise

    if queue is not None:

        @event.listens_for(engine, "checkin")
        def on_checkin(_dbapi_connection: DBAPIConnection | None, record: ConnectionPoolEntry) -> None:
            _give_back(record.info, queue)

        @event.listens_for(engine, "invalidate")
        def on_invalidate(
            _dbapi_connection: DBAPIConnection | None, record: ConnectionPoolEntry, _exception: BaseException | None
        ) -> None:
            _give_back(record.info, queue)

    return engine


def _give_back(info: dict[Any, Any], queue: WriterQueue) -> None:
    if info.pop(_HOLDS_TURN, False):
        queue.release()


def set_engine(engine: Engine | None) -> None:
    """Make `engine` the current AppState's engine, disposing of the one it replaces."""
    app_state = state.current()
    if app_state.engine is not None and app_state.engine is not engine:
        app_state.engine.dispose()
    app_state.engine = engine


def get_engine() -> Engine:
    """The current AppState's engine."""
    engine = state.current().engine
    if engine is None:
        raise RuntimeError("The database is not initialized: load a project first (otree.project.load_project).")
    return engine


def is_sqlite(engine: Engine | None = None) -> bool:
    return (engine or get_engine()).dialect.name == "sqlite"
