"""The task table and loop (otree.tasks) on real SQLite and PostgreSQL databases."""

from __future__ import annotations

import asyncio
import threading
import time
from types import SimpleNamespace

import pytest
from sqlalchemy import event, select, update

from otree import flow, tasks
from otree.db import unit_of_work
from otree.db.core import Participant
from otree.project import get_project
from otree.session import create_session
from otree.db.scheduled import ScheduledTask

pytestmark = pytest.mark.timeout(120)

applied: list[tuple[str, dict, float]] = []
_lock = threading.Lock()


@tasks.handler("test.record")
def record(payload: dict) -> None:
    with _lock:
        applied.append(("record", payload, time.time()))


@tasks.handler("test.fail")
def fail(payload: dict) -> None:
    raise ValueError("the handler failed")


@tasks.handler("test.later")
def later(payload: dict) -> float | None:
    with _lock:
        applied.append(("later", payload, time.time()))
    if len([a for a in applied if a[0] == "later"]) == 1:
        return time.time() - 1  # run again (already due)
    return None


@tasks.handler("test.write")
def write(payload: dict) -> None:
    """A task whose work is a database write: it schedules a far-future task naming it."""
    with _lock:
        applied.append(("write", payload, time.time()))
    tasks.schedule("test.record", time.time() + 10_000, {"written_by": payload["n"]})


@pytest.fixture
def project(load):
    applied.clear()
    return load("timeouts")


def all_tasks() -> list[SimpleNamespace]:
    columns = [c.name for c in ScheduledTask.__table__.columns]
    with unit_of_work(readonly=True) as db:
        return [SimpleNamespace(**{c: getattr(t, c) for c in columns})
                for t in db.scalars(select(ScheduledTask).order_by(ScheduledTask.id))]


def test_schedule_reschedule_and_cancel_by_key(project):
    with unit_of_work():
        tasks.schedule("test.record", time.time() + 100, {"n": 1}, key="k")
    with unit_of_work():
        assert tasks.pending("k").payload == {"n": 1}
        assert tasks.reschedule("k", 12345.0)
        assert not tasks.reschedule("no such key", 1.0)
    (task,) = all_tasks()
    assert task.due_at == 12345.0 and task.done_at is None
    with unit_of_work():
        # Scheduling a key again replaces the task (its payload and time).
        tasks.schedule("test.record", 1.0, {"n": 2}, key="k")
    (task,) = all_tasks()
    assert (task.payload, task.due_at) == ({"n": 2}, 1.0)
    with unit_of_work():
        assert tasks.cancel("k")
        assert not tasks.cancel("k")
    assert all_tasks() == []


def test_scheduling_a_key_again_makes_a_done_task_pending_and_keeps_one_row(project):
    with unit_of_work():
        tasks.schedule("test.record", 1.0, {"n": 1}, key="k")
    with unit_of_work() as db:
        db.execute(update(ScheduledTask).values(done_at=2.0, done_by="w", attempts=3, last_error="boom"))
    (done,) = all_tasks()
    with unit_of_work():
        tasks.schedule("test.later", 5.0, {"n": 2}, key="k")
    (task,) = all_tasks()
    assert (task.id, task.kind, task.payload, task.due_at) == (done.id, "test.later", {"n": 2}, 5.0)
    assert (task.done_at, task.done_by, task.attempts, task.last_error) == (None, None, 0, None)
    assert task.created_at == done.created_at


def test_two_units_of_work_scheduling_one_key_at_once_leave_one_task(project):
    """The second waits for the first's row (its key is unique) and then replaces it; neither fails."""
    first_scheduled, errors = threading.Event(), []

    def second() -> None:
        first_scheduled.wait(10)
        try:
            with unit_of_work():
                tasks.schedule("test.record", 2.0, {"by": "second"}, key="same")
        except Exception as exc:  # reported below, in the test's thread
            errors.append(exc)

    thread = threading.Thread(target=second)
    thread.start()
    with unit_of_work():
        tasks.schedule("test.record", 1.0, {"by": "first"}, key="same")
        first_scheduled.set()
        time.sleep(0.3)  # the second is now blocked on the key (PostgreSQL) or the write lock (SQLite)
    thread.join(20)
    assert errors == []
    (task,) = all_tasks()
    assert (task.payload, task.due_at) == ({"by": "second"}, 2.0)


def test_nothing_is_scheduled_if_the_unit_of_work_rolls_back(project):
    with pytest.raises(RuntimeError):
        with unit_of_work():
            tasks.schedule("test.record", time.time(), {"n": 1})
            raise RuntimeError("app code failed")
    assert all_tasks() == []


def test_only_due_tasks_run_and_each_once_with_concurrent_claimers(project):
    now = time.time()
    with unit_of_work():
        for n in range(40):
            tasks.schedule("test.record", now - 1, {"n": n})
        tasks.schedule("test.record", now + 600, {"n": "future"})
    counts = []

    def drain():
        total = 0
        while count := tasks.apply_due(5, "test"):
            total += count
        counts.append(total)

    threads = [threading.Thread(target=drain) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(p["n"] for _, p, _ in applied) == list(range(40))
    assert sum(counts) == 40
    done = [t for t in all_tasks() if t.done_at is not None]
    assert len(done) == 40 and {t.done_by for t in done} == {"test"}
    assert [t.payload for t in all_tasks() if t.done_at is None] == [{"n": "future"}]


def test_a_failing_task_is_retried_then_given_up(project):
    with unit_of_work():
        tasks.schedule("test.fail", time.time() - 1, {}, key="failing")
        tasks.schedule("test.record", time.time() - 1, {"n": "ok"})
    assert tasks.apply_due(10) == 2
    assert [p for _, p, _ in applied] == [{"n": "ok"}]  # the other task of the batch still ran
    for attempt in range(1, tasks.MAX_ATTEMPTS + 1):
        (task,) = [t for t in all_tasks() if t.key == "failing"]
        assert task.attempts == attempt and "the handler failed" in task.last_error
        if attempt == tasks.MAX_ATTEMPTS:
            assert task.done_at is not None  # given up, not retried forever
            break
        assert task.done_at is None and task.due_at > time.time()
        with unit_of_work():
            tasks.reschedule("failing", time.time() - 1)
        assert tasks.apply_due(10) == 1


def test_a_failing_task_neither_undoes_nor_repeats_the_writes_of_its_batch(project):
    # A batch runs as one transaction; when a task in it fails, the batch is undone and
    # run again task by task: the others' writes land once, the failing one is retried alone.
    now = time.time()
    with unit_of_work():
        tasks.schedule("test.write", now - 3, {"n": 1})
        tasks.schedule("test.fail", now - 2, {}, key="failing")
        tasks.schedule("test.write", now - 1, {"n": 2})
    assert tasks.apply_due(10) == 3
    rows = all_tasks()
    written = sorted(t.payload["written_by"] for t in rows if "written_by" in (t.payload or {}))
    assert written == [1, 2]
    assert all(t.done_at is not None for t in rows if t.kind == "test.write")
    (failing,) = [t for t in rows if t.key == "failing"]
    assert failing.attempts == 1 and failing.done_at is None


def _on_passed_deadlines(n: int) -> list[str]:
    """n participants of a new session on the timed page, every deadline already passed."""
    with unit_of_work():
        codes = [p.code for p in create_session("timed_many", n).get_participants()]
    for code in codes:
        flow.start(code, None, {}, lambda outcome: outcome)
    with unit_of_work() as db:
        db.execute(update(ScheduledTask).where(ScheduledTask.done_at.is_(None))
                   .values(due_at=ScheduledTask.due_at - 100))
        db.execute(update(Participant).where(Participant.code.in_(codes))
                   .values(_timeout_expiration_time=Participant._timeout_expiration_time - 100))
    return codes


def _statements_of(action) -> int:
    from otree.db.engine import get_engine

    count = 0

    def counted(conn, cursor, statement, *args) -> None:
        nonlocal count
        count += not statement.lstrip().upper().startswith("BEGIN")

    event.listen(get_engine(), "before_cursor_execute", counted)
    try:
        action()
    finally:
        event.remove(get_engine(), "before_cursor_execute", counted)
    return count


def test_a_batch_of_page_timeouts_loads_its_participants_together(project):
    # Each timeout is a page submission; in a batch, the participants and players are loaded
    # in one query each and the updates are flushed once, so a timeout adds only its inserts
    # (the page time and the app's own row), not the ten statements it costs alone.
    app = get_project().apps["timed"]
    Call = next(m for m in app.extra_models if m.__name__ == "NextPageCall")
    costs = {}
    for n in (2, 10):
        codes = _on_passed_deadlines(n)
        costs[n] = _statements_of(lambda: tasks.apply_due(50, "test"))
        with unit_of_work(readonly=True) as db:
            calls = db.execute(select(Participant.code, Call.timeout_happened)
                               .join(app.Player, app.Player.id == Call.player_id)
                               .join(Participant, Participant.id == app.Player.participant_id)
                               .where(Participant.code.in_(codes))).all()
            assert sorted(calls) == sorted((code, True) for code in codes)
            moved = db.scalars(select(Participant._index_in_pages).where(Participant.code.in_(codes))).all()
            assert set(moved) == {2}
    assert costs[10] - costs[2] <= 2 * (10 - 2), costs


def test_a_handler_may_ask_to_run_again_later(project):
    with unit_of_work():
        tasks.schedule("test.later", time.time() - 1, {}, key="again")
    assert tasks.apply_due(10) == 1
    assert tasks.apply_due(10) == 1
    assert tasks.apply_due(10) == 0
    assert len(applied) == 2 and all_tasks()[0].done_at is not None


def test_the_loop_runs_work_at_its_due_time_and_wakes_for_new_work(project, monkeypatch):
    monkeypatch.setattr(tasks, "RESCAN_S", 30.0)  # so only the wake-up can explain a prompt run
    started = time.time()
    with unit_of_work():
        tasks.schedule("test.record", started + 0.8, {"n": "known at start"})
        tasks.schedule("test.record", started - 5, {"n": "overdue"})
    loop = tasks.TaskLoop()
    thread = threading.Thread(target=asyncio.run, args=(loop.run(),))
    thread.start()
    try:
        time.sleep(0.3)
        due = time.time() + 0.5
        with unit_of_work():
            tasks.schedule("test.record", due, {"n": "scheduled later"})
        limit = time.monotonic() + 10
        while len(applied) < 3 and time.monotonic() < limit:
            time.sleep(0.02)
    finally:
        loop.stop()
        thread.join(10)
    times = {p["n"]: at for _, p, at in applied}
    assert set(times) == {"known at start", "scheduled later", "overdue"}, _task_rows()
    # Within a second (not RESCAN_S = 30 s): the loop slept until the due time, or was woken.
    # The margin is for a loaded CI machine; the order of magnitude is what is being tested.
    assert times["overdue"] - started < 1.0
    assert 0 <= times["known at start"] - (started + 0.8) < 1.0
    assert 0 <= times["scheduled later"] - due < 1.0
    assert not thread.is_alive()


def _task_rows() -> list[dict]:
    """The task table as the loop left it (who claimed what, attempts, errors): for failure messages."""
    with unit_of_work(readonly=True) as db:
        return [dict(payload=t.payload, due_at=t.due_at, done_at=t.done_at, done_by=t.done_by,
                     attempts=t.attempts, last_error=(t.last_error or "")[-300:])
                for t in db.scalars(select(ScheduledTask).order_by(ScheduledTask.id))]
