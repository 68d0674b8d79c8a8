"""Scheduled work kept in the database, and the loop that runs it when it falls due.

Page timeouts of participants whose browser is closed, moving waiters on after a wait
page completes, and later other deadlines are rows of `otree_scheduledtask`
(otree.db.scheduled). Code schedules work inside its unit of work:

    tasks.schedule("page_timeout", deadline, {"participant_id": 3, "page_index": 2}, key=...)
    tasks.reschedule(key, new_due_at)
    tasks.cancel(key)

and a handler registered for the kind runs once the task is due:

    @tasks.handler("page_timeout")
    def apply(payload: dict) -> float | None: ...   # may return a later due time: run again then

Exactly once, across processes and machines: the loop claims a due row by locking it
(`SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL; on SQLite every writing unit of work
holds the write lock from `BEGIN IMMEDIATE`), runs the handler and marks the row done in
that same transaction. If the process dies before the commit, nothing of it happened and
the row is still pending: the next loop (another worker, or this one after a restart)
runs it. Several loops never run one row twice, because a locked row is skipped and a
committed one is done.

Due tasks are applied in batches (one transaction each): a kind's handler may come with a
`prepare` function that loads and locks what the batch's tasks need in a few queries, and the
changes are flushed once at the commit. A task that fails undoes its batch, which then runs
again task by task, each in a savepoint, so that only the failing task is retried.

The loop sleeps until the next due time. New work wakes it through the channel layer
(every worker with REDIS_URL), and it looks at the table again at least every
RESCAN_S seconds, for work scheduled where no message could reach it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import importlib
import logging
import os
import socket
import time
import traceback
from typing import Any, Callable, cast

from sqlalchemy import CursorResult, Table, bindparam, delete, func, select, update

from otree.db.scheduled import ScheduledTask
from otree.db.statements import dialect_insert
from otree.db.uow import about_to_write, after_commit, current_session, unit_of_work

logger = logging.getLogger("otree.tasks")

Handler = Callable[[dict], "float | None"]
# Loads, in one go, what a batch's handlers of one kind will need (their payloads, in order).
Preparer = Callable[[list[dict]], None]

WAKE_GROUP = "otree-task-loop"
# The longest the loop sleeps without looking at the table (work scheduled by a process
# whose wake-up message cannot reach this one, e.g. without REDIS_URL).
RESCAN_S = 2.0
# The name of the loop's worker threads (tests tell the loop's SQL from requests' by it).
THREAD_NAME_PREFIX = "otree-tasks"
# A handler that raises is retried this many times in all, with growing delays.
MAX_ATTEMPTS = 5
RETRY_DELAY_S = 1.0
# SQLite has one writer: one thread applies due tasks in batches of this many per transaction.
SQLITE_BATCH = 50
# PostgreSQL: this many threads per process claim and apply tasks side by side, in batches
# of this many (rows are locked, so batches of several threads and workers never overlap).
POSTGRES_THREADS = 4
POSTGRES_BATCH = 20
# Environment variable that turns the loop off in web processes (prodserver1of2).
LOOP_ENV = "OTREE_TASK_LOOP"

_handlers: dict[str, Handler] = {}
_preparers: dict[str, Preparer] = {}
# Kinds defined by oTree itself, and the module that registers their handlers.
_BUILTIN_KINDS = {
    "page_timeout": "otree.web.timeout_tasks",
    "leave_wait_page": "otree.web.timeout_tasks",
}
_PENDING_WAKE = "otree_tasks_wake"


def handler(kind: str, *, prepare: Preparer | None = None) -> Callable[[Handler], Handler]:
    """Register the function that applies tasks of this kind (it runs in the task's unit of work).

    prepare: called once per batch with the payloads of its tasks of this kind, before
    their handlers run, to load (and lock) their rows in a few queries instead of a few
    per task. What it loads must be what the handlers would load themselves.
    """

    def register(fn: Handler) -> Handler:
        _handlers[kind] = fn
        if prepare is not None:
            _preparers[kind] = prepare
        return fn

    return register


def handler_for(kind: str) -> Handler | None:
    if kind not in _handlers and kind in _BUILTIN_KINDS:
        importlib.import_module(_BUILTIN_KINDS[kind])
    return _handlers.get(kind)


# -- scheduling (inside a unit of work) ----------------------------------------------------


def schedule(kind: str, due_at: float, payload: dict | None = None, *, key: str | None = None) -> None:
    """Run `kind` with `payload` at `due_at` (epoch seconds), if the current unit of work commits.

    With a key, a task of that key is replaced (due again, even if it was done before).
    """
    about_to_write()
    db = current_session()
    values = dict(kind=kind, payload=dict(payload or {}), due_at=float(due_at), done_at=None, done_by=None,
                  attempts=0, last_error=None)
    if key is None:
        db.add(ScheduledTask(created_at=time.time(), **values))
    else:
        # One statement, and the unique key decides even against a concurrent insert.
        db.execute(_upsert_by_key(db.get_bind().dialect.name),
                   dict(values, key=key, created_at=time.time()))
    _wake_after_commit(due_at)


@functools.cache
def _upsert_by_key(dialect_name: str) -> Any:
    """INSERT a keyed task, or, if its key exists, make that row the new task (keeping created_at)."""
    table = cast(Table, ScheduledTask.__table__)
    columns = ("kind", "key", "payload", "due_at", "created_at", "done_at", "done_by", "attempts", "last_error")
    insert = dialect_insert(dialect_name, table).values({name: bindparam(name) for name in columns})
    replaced = {name: insert.excluded[name] for name in columns if name not in ("key", "created_at")}
    return insert.on_conflict_do_update(index_elements=[table.c.key], set_=replaced)


def reschedule(key: str, due_at: float) -> bool:
    """Move a pending task to another time; False if there is no pending task with this key."""
    found = _update_by_key(key, dict(due_at=float(due_at)), pending_only=True)
    if found:
        _wake_after_commit(due_at)
    return found


def cancel(key: str) -> bool:
    """Forget a pending task; False if there was none with this key."""
    result = current_session().execute(
        delete(ScheduledTask).where(ScheduledTask.key == key, ScheduledTask.done_at.is_(None))
    )
    return bool(cast("CursorResult[Any]", result).rowcount)


def pending(key: str) -> ScheduledTask | None:
    """The pending task with this key, if any."""
    return current_session().scalars(
        select(ScheduledTask).where(ScheduledTask.key == key, ScheduledTask.done_at.is_(None))
    ).one_or_none()


def then(callback: Callable[[], None]) -> None:
    """Run `callback` after the current unit of work commits; its failure is logged, not raised.

    For handlers' follow-up work (moving a participant past a wait page, waking a browser):
    the task itself is done by then, and one follow-up failing must not stop the others.
    """

    def run() -> None:
        try:
            callback()
        except Exception:
            logger.exception("Follow-up of a scheduled task failed")

    after_commit(run)


def _update_by_key(key: str, values: dict, pending_only: bool = False) -> bool:
    query = update(ScheduledTask).where(ScheduledTask.key == key)
    if pending_only:
        query = query.where(ScheduledTask.done_at.is_(None))
    result = current_session().execute(query.values(**values).execution_options(synchronize_session=False))
    return bool(cast("CursorResult[Any]", result).rowcount)


def _wake_after_commit(due_at: float) -> None:
    """Tell the loops, once, after this unit of work commits, that work is due at `due_at` or later."""
    db = current_session()
    wake = db.info.get(_PENDING_WAKE)
    if wake is None:
        wake = db.info[_PENDING_WAKE] = {"due_at": due_at}
        after_commit(lambda: _announce(wake["due_at"]))
    else:
        wake["due_at"] = min(wake["due_at"], due_at)


def _announce(due_at: float) -> None:
    for loop in list(_running_loops):
        loop.wake_threadsafe()
    from otree.channels import group_send_sync

    try:
        group_send_sync(WAKE_GROUP, {"type": "tasks.wake", "due_at": due_at})
    except Exception:  # the loops look at the table by themselves within RESCAN_S
        logger.warning("Could not announce a scheduled task", exc_info=True)


# -- the loop ----------------------------------------------------------------------------------


def loop_enabled() -> bool:
    """Whether web processes run the loop (prodserver1of2 sets OTREE_TASK_LOOP=0: a separate worker does)."""
    return os.environ.get(LOOP_ENV, "1") != "0"


_running_loops: set["TaskLoop"] = set()


class TaskLoop:
    """Runs due tasks of the database until stopped; one per server process."""

    def __init__(self, *, threads: int | None = None) -> None:
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}"
        self._threads = threads
        self._stopping = False
        self._wake: asyncio.Event | None = None
        self._aio_loop: asyncio.AbstractEventLoop | None = None
        self._executor: concurrent.futures.ThreadPoolExecutor | None = None
        self.applied = 0

    def wake_threadsafe(self) -> None:
        aio_loop, wake = self._aio_loop, self._wake
        if aio_loop is not None and wake is not None and not aio_loop.is_closed():
            aio_loop.call_soon_threadsafe(wake.set)

    def stop(self) -> None:
        self._stopping = True
        self.wake_threadsafe()

    async def run(self) -> None:
        from otree.db.engine import is_sqlite

        self._aio_loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        sqlite = is_sqlite()
        threads = 1 if sqlite else (self._threads or POSTGRES_THREADS)
        batch = SQLITE_BATCH if sqlite else POSTGRES_BATCH
        # Our own threads: the loop never waits for request threads, nor they for it.
        self._executor = concurrent.futures.ThreadPoolExecutor(threads, thread_name_prefix=THREAD_NAME_PREFIX)
        _running_loops.add(self)
        listener = asyncio.create_task(self._listen())
        logger.info("Task loop started (%s)", self.worker_id)
        try:
            while not self._stopping:
                self._wake.clear()
                try:
                    next_due = await self._in_thread(_next_due)
                except Exception:
                    logger.exception("Task loop could not read the task table; trying again")
                    next_due = time.time() + 1
                now = time.time()
                if next_due is not None and next_due <= now:
                    applied = sum(await asyncio.gather(*(self._in_thread(self._drain, batch) for _ in range(threads))))
                    if applied == 0:
                        # Due work another process holds right now: look again shortly.
                        await self._sleep(0.05)
                    continue
                delay = RESCAN_S if next_due is None else min(RESCAN_S, next_due - now)
                await self._sleep(delay)
        finally:
            _running_loops.discard(self)
            listener.cancel()
            self._executor.shutdown(wait=True)
            logger.info("Task loop stopped (%s)", self.worker_id)

    async def _sleep(self, seconds: float) -> None:
        assert self._wake is not None, "only while run() runs"
        try:
            await asyncio.wait_for(self._wake.wait(), max(0.0, seconds))
        except asyncio.TimeoutError:
            pass

    async def _in_thread(self, fn, *args):
        return await self._aio_loop.run_in_executor(self._executor, fn, *args)

    async def _listen(self) -> None:
        """Wake up when another process schedules work (channel layer group WAKE_GROUP)."""
        from otree.channels import get_channel_layer

        try:
            layer = get_channel_layer()
            channel = await layer.new_channel()
            await layer.group_add(WAKE_GROUP, channel)
            wake = self._wake
            assert wake is not None, "only while run() runs"
            while True:
                await layer.receive(channel)
                wake.set()
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.warning("Task loop gets no wake-up messages; it looks at the table every %s s", RESCAN_S,
                           exc_info=True)

    def _drain(self, batch: int) -> int:
        """Apply due tasks until none is left (or the loop stops); how many were applied."""
        total = 0
        while not self._stopping:
            try:
                count = apply_due(batch, self.worker_id)
            except Exception:
                logger.exception("Task loop: a batch of tasks failed")
                return total
            if count == 0:
                return total
            total += count
            self.applied += count
        return total


def _next_due() -> float | None:
    with unit_of_work(readonly=True) as db:
        return db.scalar(select(func.min(ScheduledTask.due_at)).where(ScheduledTask.done_at.is_(None)))


def apply_due(limit: int, worker_id: str = "") -> int:
    """Claim up to `limit` due tasks, apply them and mark them done, in one unit of work.

    Returns how many tasks were claimed (applied, or failed and put back for a retry).

    A batch first runs as one plain transaction: its rows are loaded together and its
    changes flushed once at the commit. Only if something in it fails is the batch undone
    and run again task by task, each in a savepoint, so that one failing task is retried
    alone and the others still apply. (A failing task's batch-mates thus run twice, the
    first time undone; what they do outside the database should tolerate that, as it must
    tolerate a retry.)
    """
    if limit > 1:
        try:
            return _apply_batch(limit, worker_id)
        except _BatchFailed:
            pass
    return _apply_each(limit, worker_id)


class _BatchFailed(Exception):
    """A task of a batch run without savepoints failed: run the batch again task by task."""


def _claim(db, limit: int) -> list[ScheduledTask]:
    from otree.db.engine import is_sqlite

    query = (select(ScheduledTask)
             .where(ScheduledTask.done_at.is_(None), ScheduledTask.due_at <= time.time())
             .order_by(ScheduledTask.due_at, ScheduledTask.id).limit(limit))
    if not is_sqlite():
        query = query.with_for_update(skip_locked=True)
    return list(db.scalars(query))


def _apply_batch(limit: int, worker_id: str) -> int:
    try:
        with unit_of_work() as db:
            claimed = _claim(db, limit)
            work: list[tuple[ScheduledTask, Handler]] = []
            payloads_by_kind: dict[str, list[dict]] = {}
            for task in claimed:
                fn = handler_for(task.kind)
                if fn is None:
                    raise _BatchFailed()  # the task-by-task run records the missing handler on its task
                work.append((task, fn))
                payloads_by_kind.setdefault(task.kind, []).append(dict(task.payload or {}))
            for kind, payloads in payloads_by_kind.items():
                if kind in _preparers:
                    _preparers[kind](payloads)
            for task, fn in work:
                _finish(task, fn(dict(task.payload or {})), worker_id)
            return len(claimed)
    except _BatchFailed:
        raise
    except Exception as exc:
        logger.info("A batch of scheduled tasks failed (%r); applying them one by one", exc)
        raise _BatchFailed() from exc


def _apply_each(limit: int, worker_id: str) -> int:
    with unit_of_work() as db:
        claimed = _claim(db, limit)
        for task in claimed:
            _apply(db, task, worker_id)
        return len(claimed)


def _finish(task: ScheduledTask, again: float | None, worker_id: str) -> None:
    """Mark a task applied: done, or due again at the time its handler returned."""
    if again is not None:
        task.due_at = float(again)
    else:
        task.done_at, task.done_by = time.time(), worker_id


def _apply(db, task: ScheduledTask, worker_id: str) -> None:
    callbacks = db.info.setdefault("after_commit", [])
    mark = len(callbacks)
    savepoint = db.begin_nested()
    try:
        fn = handler_for(task.kind)
        if fn is None:
            raise LookupError(f"no handler is registered for scheduled tasks of kind {task.kind!r}")
        again = fn(dict(task.payload or {}))
        savepoint.commit()
    except Exception:
        savepoint.rollback()
        del callbacks[mark:]  # follow-ups of what was just undone (perhaps the wake-up too)
        if db.info.pop(_PENDING_WAKE, None) is not None:
            _wake_after_commit(time.time())
        task.attempts = (task.attempts or 0) + 1
        task.last_error = traceback.format_exc()[-4000:]
        if task.attempts >= MAX_ATTEMPTS:
            logger.error("Scheduled task %s (%s) failed %s times; giving up:\n%s",
                         task.id, task.kind, task.attempts, task.last_error)
            task.done_at, task.done_by = time.time(), worker_id
        else:
            logger.warning("Scheduled task %s (%s) failed; retrying:\n%s", task.id, task.kind, task.last_error)
            task.due_at = time.time() + RETRY_DELAY_S * 2 ** (task.attempts - 1)
        return
    _finish(task, again, worker_id)


# -- running the loop in a server process ---------------------------------------------------


def start_in_background() -> tuple[TaskLoop, asyncio.Task]:
    """Start a TaskLoop on the running event loop (a server's lifespan)."""
    loop = TaskLoop()
    return loop, asyncio.create_task(loop.run())


async def stop_background(started: tuple[TaskLoop, asyncio.Task], timeout: float = 10) -> None:
    loop, task = started
    loop.stop()
    try:
        await asyncio.wait_for(task, timeout)
    except (asyncio.TimeoutError, asyncio.CancelledError):
        logger.warning("Task loop did not stop within %s s", timeout)
    except Exception:
        logger.exception("Task loop ended with an error")
