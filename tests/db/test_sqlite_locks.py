"""On SQLite, read-only units of work take no write lock: a writer elsewhere can begin while one is open.

The check is on the database itself: a second sqlite3 connection (busy timeout 0) tries
`BEGIN IMMEDIATE`, which fails at once with "database is locked" while anyone holds the write lock.
"""

from __future__ import annotations

import os
import sqlite3

from sqlalchemy import select

from otree.db import unit_of_work
from otree.db.core import Participant
from otree.db.uow import run_read_mostly
from otree.session import create_session


def another_writer_can_begin(db_path: str) -> bool:
    """Whether a second connection gets the write lock right now (without waiting for it)."""
    conn = sqlite3.connect(db_path, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc), exc
        return False
    else:
        conn.execute("ROLLBACK")
        return True
    finally:
        conn.close()


def loaded(load_sqlite) -> str:
    path = load_sqlite("basic")
    with unit_of_work():
        create_session("game", 3)
    return os.path.join(path.root, "db.sqlite3")


def test_a_read_only_unit_of_work_leaves_the_write_lock_free(load_sqlite):
    db_path = loaded(load_sqlite)
    with unit_of_work(readonly=True) as db:
        assert len(db.scalars(select(Participant)).all()) == 3  # its transaction has begun and read
        assert another_writer_can_begin(db_path)
    # The probe does see a writer's lock: a writing unit of work holds it from its first statement.
    with unit_of_work() as db:
        db.scalars(select(Participant)).all()
        assert not another_writer_can_begin(db_path)
    assert another_writer_can_begin(db_path)


def test_the_read_attempt_of_run_read_mostly_leaves_the_write_lock_free(load_sqlite):
    db_path = loaded(load_sqlite)
    seen = []

    def view():
        from otree.db.uow import current_session

        current_session().scalars(select(Participant)).all()
        seen.append(another_writer_can_begin(db_path))
        return "read"

    assert run_read_mostly(view) == "read"
    assert seen == [True]
