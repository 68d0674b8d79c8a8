"""Saving in-place edits of mutable values (participant.vars['x'].append(1), list fields, ...).

SQLAlchemy sees assignments but not in-place mutation. For every mapped class that has
mutable columns we keep a serialized snapshot of each such value as it was loaded, and
just before commit we compare: what differs is flagged as modified and so written.

The Session's identity map holds unmodified objects only weakly, and an object edited
in place looks unmodified to SQLAlchemy: without a strong reference it could be garbage
collected before commit, and its edit silently lost (`player.in_round(1).participant.vars
['x'] = 1`). So each unit of work also keeps a strong reference to every persistent
object of a tracked class until it ends.
"""

from __future__ import annotations

import pickle
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

SNAPSHOT = "_otree_snapshot"
STRONG_REFS = "otree_strong_refs"


def _dump(value: Any) -> bytes | None:
    try:
        return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        # An unpicklable value is caught by the column type at flush, with a clear error.
        return None


def _snapshot(target: Any, _context: Any = None, attrs: Any = None) -> None:
    """Record the values as in the database: all of them, or (on a refresh) only those refreshed.

    A query may fill in attributes of an object already in the unit of work (a joined load
    of a row whose other columns were not loaded yet); only those are new from the database.
    Re-snapshotting the rest would make an unsaved in-place edit look unchanged.
    """
    keys = getattr(type(target), "_otree_mutable_keys", ())
    state = target.__dict__
    if attrs is None:
        state[SNAPSHOT] = {k: _dump(state[k]) for k in keys if k in state}
        return
    snap = state.setdefault(SNAPSHOT, {})
    for k in keys:
        if k in attrs and k in state:
            snap[k] = _dump(state[k])


def track(cls: type, keys: list[str]) -> None:
    """Snapshot the attributes `keys` of `cls` whenever a row is loaded or refreshed."""
    setattr(cls, "_otree_mutable_keys", tuple(keys))  # noqa: B010 - a marker on a mapped class
    event.listen(cls, "load", _snapshot, propagate=True)
    event.listen(cls, "refresh", _snapshot, propagate=True)
    event.listen(cls, "refresh_flush", _snapshot, propagate=True)


@event.listens_for(Session, "loaded_as_persistent")
@event.listens_for(Session, "pending_to_persistent")
@event.listens_for(Session, "detached_to_persistent")
@event.listens_for(Session, "deleted_to_persistent")
def _hold(session: Session, obj: Any) -> None:
    if getattr(type(obj), "_otree_mutable_keys", None):
        session.info.setdefault(STRONG_REFS, {})[id(obj)] = obj


@event.listens_for(Session, "pending_to_persistent")
def _snapshot_inserted(session: Session, obj: Any) -> None:
    # What the INSERT just wrote is the baseline for later in-place edits.
    if getattr(type(obj), "_otree_mutable_keys", None):
        _snapshot(obj)


@event.listens_for(Session, "persistent_to_detached")
@event.listens_for(Session, "persistent_to_deleted")
@event.listens_for(Session, "persistent_to_transient")
def _release(session: Session, obj: Any) -> None:
    refs = session.info.get(STRONG_REFS)
    if refs:
        refs.pop(id(obj), None)


@event.listens_for(Session, "before_commit")
def _flag_mutated(session: Session) -> None:
    for obj in list(session.identity_map.values()):
        keys = getattr(type(obj), "_otree_mutable_keys", None)
        if not keys:
            continue
        state = obj.__dict__
        snap = state.get(SNAPSHOT)
        if snap is None:
            snap = state[SNAPSHOT] = {}
        for key in keys:
            if key not in state:
                continue  # never loaded in this unit of work, so never changed
            dumped = _dump(state[key])
            if dumped != snap.get(key):
                flag_modified(obj, key)
                snap[key] = dumped


def mutated(session: Session) -> bool:
    """Whether any tracked mutable value was edited in place (without flagging anything)."""
    for obj in list(session.identity_map.values()):
        keys = getattr(type(obj), "_otree_mutable_keys", None)
        if not keys:
            continue
        state = obj.__dict__
        snap = state.get(SNAPSHOT) or {}
        if any(key in state and _dump(state[key]) != snap.get(key) for key in keys):
            return True
    return False
