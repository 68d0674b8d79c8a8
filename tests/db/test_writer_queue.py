"""SQLite writers of one process queue for the write lock in order, and always give their turn back."""

from __future__ import annotations

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
        _wait_until(lambda: queue.waiting == n + 1)  # n is queued before n + 1 starts
    queue.release()
    for thread in threads:
        thread.join(5)
    assert order == [0, 1, 2, 3, 4]
    queue.acquire(timeout=0)  # the last writer freed the queue
    queue.release()


def test_a_writer_that_times_out_leaves_the_queue():
    queue = WriterQueue()
    queue.acquire()
    with pytest.raises(WriterQueueTimeout):
        queue.acquire(timeout=0.05)
    assert queue.waiting == 0
    queue.release()
    queue.acquire(timeout=0)
    queue.release()


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
            1 / 0
    engine.otree_writer_queue.acquire(timeout=0)  # free again
    engine.otree_writer_queue.release()
    with engine.begin() as conn:
        conn.execute(text("UPDATE counter SET n = n + 1"))
    assert _count(engine) == 1  # the failed write was rolled back, the next one applied


def test_a_queued_writer_starts_after_the_previous_one_committed(engine):
    holding = threading.Event()
    proceed = threading.Event()

    def first() -> None:
        with engine.begin() as conn:
            conn.execute(text("UPDATE counter SET n = 1"))
            holding.set()
            proceed.wait(5)

    thread = threading.Thread(target=first)
    thread.start()
    holding.wait(5)
    seen: list[int] = []

    def second() -> None:
        with engine.begin() as conn:
            seen.append(conn.execute(text("SELECT n FROM counter")).scalar_one())

    other = threading.Thread(target=second)
    other.start()
    _wait_until(lambda: engine.otree_writer_queue.waiting == 1)
    proceed.set()
    thread.join(5)
    other.join(5)
    assert seen == [1]


def test_read_only_connections_do_not_queue(engine):
    holding = threading.Event()
    proceed = threading.Event()

    def writer() -> None:
        with engine.begin() as conn:
            conn.execute(text("UPDATE counter SET n = 5"))
            holding.set()
            proceed.wait(5)

    thread = threading.Thread(target=writer)
    thread.start()
    holding.wait(5)
    try:
        with engine.connect().execution_options(otree_readonly=True) as conn:
            with conn.begin():
                # Readers see the last committed state at once, while the writer holds its turn.
                assert conn.execute(text("SELECT n FROM counter")).scalar_one() == 0
    finally:
        proceed.set()
        thread.join(5)
    assert _count(engine) == 5
