"""Units of work: one SQLAlchemy Session per request / message / task / command, committed at its end.

App code never calls .save(): whatever it changed on loaded objects is flushed when the
unit of work ends, including in-place edits of mutable values (see otree.db.mutable).
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Callable, Iterator, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session

# The module, not the function: otree.debugging imports otree.db.fields, which runs this
# package's __init__ (and so this module) while otree.debugging is still half-imported.
from otree import debugging

from .engine import get_engine
from .mutable import mutated

if TYPE_CHECKING:
    from sqlalchemy.orm import UOWTransaction

T = TypeVar("T")

READ_ATTEMPT = "otree_read_attempt"

_current: ContextVar[Session | None] = ContextVar("otree_db_session", default=None)


def new_session(*, readonly: bool = False) -> Session:
    engine = get_engine()
    if readonly:
        engine = engine.execution_options(otree_readonly=True)
    # expire_on_commit=False: objects stay readable after the unit of work ends
    # (a CLI command prints the session code after committing, for instance).
    return Session(bind=engine, expire_on_commit=False, autoflush=True)


@contextlib.contextmanager
def unit_of_work(*, readonly: bool = False) -> Iterator[Session]:
    """Open a unit of work, make it current for this context, commit at the end (rollback on error)."""
    session = new_session(readonly=readonly)
    token = _current.set(session)
    try:
        yield session
        if not readonly:
            session.commit()
        # A read-only unit of work ends with close() alone: it returns the connection (whose
        # transaction the pool rolls back) without first expiring every loaded object, work
        # that rollback() does and that nothing here would use.
    except BaseException as exc:
        # Before the rollback expires every loaded instance: the debug page shows their values.
        debugging.capture_locals(exc)
        session.rollback()
        raise
    finally:
        callbacks = session.info.pop("after_commit", [])
        session.close()
        _current.reset(token)
    for callback in callbacks:
        callback()


def after_commit(callback: Callable[[], object]) -> None:
    """Run `callback` once the current unit of work has committed (not if it rolls back).

    Notifications to other participants go here: they must not see "something changed"
    before the change is visible in the database.
    """
    current_session().info.setdefault("after_commit", []).append(callback)


def current_session() -> Session:
    """The Session of the unit of work this code runs in."""
    session = _current.get()
    if session is None:
        raise RuntimeError(
            "This needs the database, but it runs outside a unit of work "
            "(wrap it in `with otree.db.unit_of_work():`)."
        )
    return session


def has_current_session() -> bool:
    return _current.get() is not None


class NeedsWrite(BaseException):
    """A read attempt tried to change data (a BaseException, so app code's `except Exception` lets it pass)."""


def about_to_write() -> None:
    """Call before writing past the ORM (a Core statement, a row lock): in a read attempt
    (run_read_mostly), it stops the attempt so that the work runs again in a writing unit of work.

    The read attempt's own guard sees only what the ORM flushes.
    """
    if current_session().info.get(READ_ATTEMPT):
        raise NeedsWrite()


@event.listens_for(Session, "before_flush")
def _refuse_writes_in_read_attempts(session: Session, _context: UOWTransaction, _instances: object) -> None:
    if session.info.get(READ_ATTEMPT) and (session.new or session.dirty or session.deleted):
        raise NeedsWrite()


def _has_changes(session: Session) -> bool:
    return bool(session.new or session.deleted or any(session.is_modified(o) for o in session.dirty)
                or mutated(session))


def run_read_mostly(fn: Callable[..., T], *args: Any) -> T:
    """Run fn(*args) in a read-only unit of work; if it changes anything, run it again in a writing one.

    Most page views only read. On SQLite, where writers take turns, a read-only unit of work
    does not wait for (or hold) the write lock, so views that change nothing run side by side;
    the rare view that writes (app code in vars_for_template, say) is simply run again with it.
    """
    try:
        with unit_of_work(readonly=True) as session:
            session.info[READ_ATTEMPT] = True
            result = fn(*args)
            if _has_changes(session):
                raise NeedsWrite()
            session.info.pop("after_commit", None)  # nothing was written, so nothing to announce
            return result
    except NeedsWrite:
        pass
    with unit_of_work():
        return fn(*args)
