"""Crossing between async and sync code: asgiref's adapters, and running user code in a unit of work.

`async_to_sync` and `sync_to_async` are asgiref's (what Channels re-exported). Sync user code
(custom views, handlers of sync consumers) runs in a pool of worker threads, each call in its
own unit of work, so changes to models are saved without `.save()`.
"""

from __future__ import annotations

import functools
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from asgiref.sync import async_to_sync, sync_to_async

# As many threads as Starlette's default thread pool: user code waiting on the database
# must not starve other requests, and there is no global lock to serialize on.
WORKER_THREADS = 40

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def _get_executor() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(WORKER_THREADS, thread_name_prefix="otree-user")
        return _executor


def _in_unit_of_work(fn: Callable, args: tuple, kwargs: dict) -> Any:
    from otree.db.uow import unit_of_work

    with unit_of_work():
        return fn(*args, **kwargs)


async def run_in_unit_of_work(fn: Callable, /, *args: Any, **kwargs: Any) -> Any:
    """Await fn(*args, **kwargs) run in a worker thread inside its own unit of work.

    The thread is started by asgiref, so `async_to_sync(...)` inside fn runs on this event loop
    (a sync consumer's `self.send()` or a `group_send` reach the server's sockets).
    """
    call = sync_to_async(_in_unit_of_work, thread_sensitive=False, executor=_get_executor())
    return await call(fn, args, kwargs)


def database_sync_to_async(fn: Callable) -> Callable:
    """Channels' decorator: an async function running sync fn in a worker thread in a unit of work."""

    @functools.wraps(fn)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        return await run_in_unit_of_work(fn, *args, **kwargs)

    return wrapper


__all__ = ["async_to_sync", "sync_to_async", "database_sync_to_async", "run_in_unit_of_work"]
