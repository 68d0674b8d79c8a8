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
    """A first-come, first-served lock whose release hands the turn straight to the next waiter."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._held = False
        self._waiters: collections.deque[threading.Event] = collections.deque()

    def acquire(self, timeout: float | None = None) -> None:
        """Wait for this thread's turn (at most `timeout` seconds, then WriterQueueTimeout)."""
        with self._mutex:
            if not self._held:
                self._held = True
                return
            turn = threading.Event()
            self._waiters.append(turn)
        if turn.wait(timeout):
            return
        with self._mutex:
            if turn.is_set():  # handed over just as the wait timed out: the turn is ours
                return
            self._waiters.remove(turn)
        raise WriterQueueTimeout(
            f"waited {timeout} s for the database's write lock; another unit of work holds it too long"
        )

    def release(self) -> None:
        """End this turn: wake the next waiter (who now holds it), or free the queue."""
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().set()  # the turn passes on; _held stays True
            else:
                self._held = False

    @property
    def waiting(self) -> int:
        """How many writers are queued behind the current one."""
        return len(self._waiters)
