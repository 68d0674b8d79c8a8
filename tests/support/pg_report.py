"""What PostgreSQL is doing in a test's database, printed shortly before the test would time out.

A test that hangs on PostgreSQL is almost always waiting for a lock; pytest-timeout shows the
Python stacks, and this shows the other half: every connection of the database, its state
(an "idle in transaction" one holding a lock is the usual culprit), its last statement, and
the locks that are waited for and who holds them.
"""

from __future__ import annotations

import sys
import threading

from sqlalchemy import create_engine, text

ACTIVITY = """
SELECT pid, application_name, state, wait_event_type, wait_event,
       now() - xact_start AS in_transaction_for, left(query, 300) AS last_statement
FROM pg_stat_activity WHERE datname = :db AND pid <> pg_backend_pid() ORDER BY pid
"""
LOCKS = """
SELECT l.pid, l.locktype, l.relation::regclass::text AS relation, l.mode, l.granted,
       pg_blocking_pids(l.pid) AS blocked_by
FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE a.datname = :db AND l.pid <> pg_backend_pid() AND l.locktype <> 'virtualxid'
ORDER BY l.granted, l.pid
"""


def report(url: str) -> str:
    """The connections and locks of the database at `url`, as text (read over a connection of its own)."""
    database = url.rsplit("/", 1)[1]
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            lines = [f"PostgreSQL connections of database {database}:"]
            lines += [f"  {dict(row._mapping)}" for row in conn.execute(text(ACTIVITY), {"db": database})]
            lines.append("Locks (waited-for first):")
            lines += [f"  {dict(row._mapping)}" for row in conn.execute(text(LOCKS), {"db": database})]
            return "\n".join(lines)
    finally:
        engine.dispose()


def report_before_timeout(url: str, seconds: float) -> threading.Timer:
    """Print report(url) to stdout after `seconds` unless cancelled; returns the started timer."""

    def run() -> None:
        try:
            print(report(url), flush=True)
        except Exception as exc:  # noqa: BLE001 - a diagnostic must never fail the test itself
            print(f"(could not read PostgreSQL's activity: {exc})", file=sys.stdout, flush=True)

    timer = threading.Timer(seconds, run)
    timer.daemon = True
    timer.start()
    return timer
