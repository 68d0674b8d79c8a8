"""SQLite writers of one process queue for the write lock in order, and always give their turn back."""

from __future__ import annotations

import contextlib
import threading
import time

import pytest
from sqlalchemy import text

from otree.db.engine import build_engine
from otree.db.writer_queue import WriterQueue, WriterQueueTimeout


def _wait_until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.001)


def _acquire_in_another_thread(queue: WriterQueue) -> None:
    """Take and give back the turn from a fresh thread (the test's own thread may hold it re-entrantly)."""
    errors: list[BaseException] = []

    def take() -> None:
        try:
            queue.acquire(timeout=0.5)
            queue.release()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    thread = threading.Thread(target=take)
    thread.start()
    thread.join(5)
    assert errors == []


def test_turns_are_handed_over_in_arrival_order():
    queue = WriterQueue()
    queue.acquire()
    order: list[int] = []

    def writer(n: int) -> None:
        queue.acquire(timeout=5)
        order.append(n)
        queue.release()

    threads = []
    for n in range(5):
        thread = threading.Thread(target=writer, args=(n,))
        thread.start()
        threads.append(thread)
        _wait_until(lambda n=n: queue.waiting == n + 1)  # n is queued before n + 1 starts
    queue.release()
    for thread in threads:
        thread.join(5)
    assert order == [0, 1, 2, 3, 4]
    _acquire_in_another_thread(queue)  # the last writer freed the queue


def test_a_writer_that_times_out_leaves_the_queue():
    queue = WriterQueue()
    queue.acquire()
    failures: list[BaseException] = []

    def impatient() -> None:
        try:
            queue.acquire(timeout=0.05)
        except WriterQueueTimeout as exc:
            failures.append(exc)

    thread = threading.Thread(target=impatient)
    thread.start()
    thread.join(5)
    assert len(failures) == 1
    assert queue.waiting == 0
    queue.release()
    _acquire_in_another_thread(queue)  # free: nobody is left holding it


@pytest.fixture
def engine(tmp_path):
    engine = build_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE counter (n INTEGER)"))
        conn.execute(text("INSERT INTO counter VALUES (0)"))
    yield engine
    engine.dispose()


def _count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT n FROM counter")).scalar_one()


def test_concurrent_writers_all_commit(engine):
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for _ in range(25):
                with engine.begin() as conn:
                    n = conn.execute(text("SELECT n FROM counter")).scalar_one()
                    conn.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert _count(engine) == 8 * 25  # read-modify-write under the lock: no update lost
    assert engine.otree_writer_queue.waiting == 0


def test_a_failed_transaction_gives_its_turn_back(engine):
    with pytest.raises(ZeroDivisionError):
        with engine.begin() as conn:
            conn.execute(text("UPDATE counter SET n = 99"))
            raise ZeroDivisionError("the view failed")
    _acquire_in_another_thread(engine.otree_writer_queue)  # free again
    with engine.begin() as conn:
        conn.execute(text("UPDATE counter SET n = n + 1"))
    assert _count(engine) == 1  # the failed write was rolled back, the next one applied


@contextlib.contextmanager
def _writer_holding_its_turn(engine, n: int):
    """Another thread sets the counter to `n` and keeps its transaction open until the block ends."""
    holding = threading.Event()
    proceed = threading.Event()

    def writer() -> None:
        with engine.begin() as conn:
            conn.execute(text("UPDATE counter SET n = :n"), {"n": n})
            holding.set()
            proceed.wait(5)

    thread = threading.Thread(target=writer)
    thread.start()
    holding.wait(5)
    try:
        yield
    finally:
        proceed.set()
        thread.join(5)


def test_a_queued_writer_starts_after_the_previous_one_committed(engine):
    seen: list[int] = []

    def second() -> None:
        with engine.begin() as conn:
            seen.append(conn.execute(text("SELECT n FROM counter")).scalar_one())

    with _writer_holding_its_turn(engine, 1):
        other = threading.Thread(target=second)
        other.start()
        _wait_until(lambda: engine.otree_writer_queue.waiting == 1)
    other.join(5)
    assert seen == [1]


def test_read_only_connections_do_not_queue(engine):
    with _writer_holding_its_turn(engine, 5):
        with engine.connect().execution_options(otree_readonly=True) as conn:
            with conn.begin():
                # Readers see the last committed state at once, while the writer holds its turn.
                assert conn.execute(text("SELECT n FROM counter")).scalar_one() == 0
    assert _count(engine) == 5


def test_a_thread_may_write_on_a_second_connection_while_its_first_is_still_checked_out(engine):
    """The first connection committed but is not back in the pool: the thread must not wait for itself."""
    with engine.connect() as first:
        first.execute(text("UPDATE counter SET n = 1"))
        first.commit()
        with engine.begin() as second:
            second.execute(text("UPDATE counter SET n = n + 1"))
    assert _count(engine) == 2
    assert engine.otree_writer_queue.waiting == 0


def test_other_threads_wait_until_every_hold_of_the_turn_is_released():
    queue = WriterQueue()
    queue.acquire()
    queue.acquire()  # the same thread, a second connection
    got_it = threading.Event()

    def other() -> None:
        queue.acquire(timeout=5)
        got_it.set()
        queue.release()

    thread = threading.Thread(target=other)
    thread.start()
    _wait_until(lambda: queue.waiting == 1)
    queue.release()
    assert not got_it.wait(0.1)  # one hold is left
    queue.release()
    assert got_it.wait(5)
    thread.join(5)
