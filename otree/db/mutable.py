"""Saving in-place edits of mutable values (participant.vars['x'].append(1), list fields, ...).

SQLAlchemy sees assignments but not in-place mutation. For every mapped class that has
mutable columns we keep a serialized snapshot of each such value as it was loaded, and
just before commit we compare: what differs is flagged as modified and so written.
"""

from __future__ import annotations

import pickle

from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

SNAPSHOT = "_otree_snapshot"


def _dump(value) -> bytes | None:
    try:
        return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        # An unpicklable value is caught by the column type at flush, with a clear error.
        return None


def track(cls: type, keys: list[str]) -> None:
    """Snapshot the attributes `keys` of `cls` whenever a row is loaded or refreshed."""
    cls._otree_mutable_keys = tuple(keys)

    def snapshot(target, *_args):
        target.__dict__[SNAPSHOT] = {k: _dump(target.__dict__[k]) for k in keys if k in target.__dict__}

    event.listen(cls, "load", snapshot, propagate=True)
    event.listen(cls, "refresh", snapshot, propagate=True)
    event.listen(cls, "refresh_flush", snapshot, propagate=True)


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
