"""Writers of one process take SQLite's write lock in turn, handed over without sleeping.

SQLite has one writer at a time. Threads that meet in its busy handler sleep between
retries (1 ms growing to 100 ms), so under load a writer often sleeps long after the lock
was freed, and the order is luck. Queued here first, the writers of one process get the
lock in arrival order and the next one is woken the moment the previous one checks its
connection back in. SQLite's busy handler stays as the fallback between processes (two
workers, or a CLI command next to the server).
"""

from __future__ import annotations

import collections
import threading


class WriterQueueTimeout(RuntimeError):
    """A writer waited longer than its timeout for its turn."""


class WriterQueue:
    """A first-come, first-served lock whose release hands the turn straight to the next waiter.

    Re-entrant per thread: a thread that holds the turn through one connection (committed but
    not yet returned to the pool, say) may begin on another without waiting for itself. SQLite
    itself still allows only one write transaction at a time, exactly as without the queue.
    """

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._owner: int | None = None
        self._depth = 0
        self._waiters: collections.deque[tuple[int, threading.Event]] = collections.deque()

    def acquire(self, timeout: float | None = None) -> None:
        """Wait for this thread's turn (at most `timeout` seconds, then WriterQueueTimeout)."""
        me = threading.get_ident()
        with self._mutex:
            if self._owner is None or self._owner == me:
                self._owner = me
                self._depth += 1
                return
            waiter = (me, threading.Event())
            self._waiters.append(waiter)
        if waiter[1].wait(timeout):
            return
        with self._mutex:
            if waiter[1].is_set():  # handed over just as the wait timed out: the turn is ours
                return
            self._waiters.remove(waiter)
        raise WriterQueueTimeout(
            f"waited {timeout} s for the database's write lock; another unit of work holds it too long"
        )

    def release(self) -> None:
        """End one hold of the turn; the last one wakes the next waiter (who then holds it)."""
        with self._mutex:
            self._depth -= 1
            if self._depth > 0:
                return
            if self._waiters:
                self._owner, turn = self._waiters.popleft()
                self._depth = 1
                turn.set()
            else:
                self._owner = None

    @property
    def waiting(self) -> int:
        """How many writers are queued behind the current one."""
        return len(self._waiters)
