"""Custom exports: an app's `custom_export(players)` and (oTree 6) `custom_export_*(players)` functions.

No-self apps define them as module functions; self-format apps (oTree 3) define
`custom_export(players)` in the Player class body (a function without self, a staticmethod
or a classmethod), or at module level in models.py. The function yields rows, the first
being its header; each value is converted as in the built-in exports (otree.export.values).

Unlike the built-in exports, a custom export runs in one read-only unit of work for its
whole iteration (the function may keep players and follow their relationships at any
time), so a streamed download holds one database connection until it ends or is closed.
As in oTree 6, reading a field that is None raises: use field_maybe_none() there.
"""

from __future__ import annotations

import contextlib
from typing import Any, Callable, Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from otree.db import uow
from otree.db.fields import lenient_null_reads
from otree.db.mutable import STRONG_REFS

from .source import CHUNK_SIZE, ExportError, get_app, load_sessions, normalize_codes
from .values import cell

PREFIX = "custom_export"


def _is_export_function(name: str, value: Any) -> bool:
    if not (name == PREFIX or name.startswith(PREFIX + "_")):
        return False
    if isinstance(value, (staticmethod, classmethod)):
        return True
    return callable(value) and not isinstance(value, type)


def custom_export_names(app) -> list[str]:
    """The app's custom export functions, in the order they are defined (module first)."""
    names: list[str] = []
    if app.module is not None:
        names += [n for n, v in vars(app.module).items() if _is_export_function(n, v)]
    # Methods of Player and of its user-defined bases (not oTree's own classes).
    for klass in reversed(app.Player.__mro__):
        if klass.__module__.startswith("otree.") or klass is object:
            continue
        for name, value in vars(klass).items():
            if _is_export_function(name, value) and name not in names:
                names.append(name)
    return names


def find_custom_export(app, function_name: str) -> Callable:
    if function_name not in custom_export_names(app):
        known = ", ".join(custom_export_names(app)) or "none"
        raise ExportError(f"App {app.name!r} has no custom export function {function_name!r} (found: {known})")
    if app.module is not None and _is_export_function(function_name, vars(app.module).get(function_name)):
        return getattr(app.module, function_name)
    # getattr unwraps a staticmethod and binds a classmethod; a plain function defined in
    # the class body without `self` comes back as that function (Python 3 has no unbound methods).
    return getattr(app.Player, function_name)


@contextlib.contextmanager
def _as_current(db) -> Iterator[None]:
    """Make `db` the unit of work of app code for one step.

    App code in custom_export may use the current unit of work (ExtraModel.filter(), lazy
    relationships). The stream may be advanced from different threads, each with its own
    copy of the context (Starlette runs each next() in a worker thread), so the session is
    made current around each step rather than once for the whole iteration.
    """
    token = uow._current.set(db)
    try:
        with lenient_null_reads():  # as in oTree, a custom export may read fields that are None
            yield
    finally:
        uow._current.reset(token)


class Players:
    """The `players` passed to custom_export: the app's players in the exported sessions,
    ordered by id (round by round, as oTree does), with participant, group, subsession and
    session loaded along.

    Iterating reads them `chunk_size` at a time, so an export of many players does not hold
    them all in memory (unless the function keeps them). len(), truth value and indexing
    work as on a list; indexing loads the whole list once.
    """

    def __init__(self, db, Player, session_ids: list[int] | None, chunk_size: int = CHUNK_SIZE):
        self._db = db
        self._Player = Player
        self._session_ids = session_ids
        self._chunk_size = chunk_size
        self._list: list | None = None

    def _query(self):
        Player = self._Player
        query = select(Player)
        if self._session_ids is not None:
            query = query.where(Player.session_id.in_(self._session_ids))
        return query

    def __iter__(self):
        Player = self._Player
        last_id = 0
        while True:
            query = self._query().where(Player.id > last_id).order_by(Player.id).limit(self._chunk_size).options(
                joinedload(Player.participant), joinedload(Player.group), joinedload(Player.subsession),
                joinedload(Player.session),
            )
            chunk = list(self._db.scalars(query))
            if not chunk:
                return
            last_id = chunk[-1].id
            yield from chunk
            del chunk
            # A unit of work keeps every loaded participant and session alive until it ends, so
            # that in-place edits of their vars are saved (otree.db.mutable). This one is
            # read-only and never saves: let what the function no longer uses go.
            self._db.info.get(STRONG_REFS, {}).clear()

    def __len__(self) -> int:
        query = self._query().with_only_columns(func.count()).select_from(self._Player)
        return self._db.scalar(query) or 0

    def __bool__(self) -> bool:
        return len(self) > 0

    def __getitem__(self, index):
        if self._list is None:
            self._list = list(self)
        return self._list[index]

    def __repr__(self) -> str:
        return f"<Players of {self._Player._otree_app.name}>"


def rows_custom(app_name: str, function_name: str = PREFIX, session_codes=None, *,
                chunk_size: int = CHUNK_SIZE) -> Iterator[list]:
    """The rows yielded by the app's custom export function (its first row is its header)."""
    app = get_app(app_name)
    fn = find_custom_export(app, function_name)
    sessions = load_sessions(session_codes)
    session_ids = None if normalize_codes(session_codes) is None else [s.id for s in sessions]
    return _custom_stream(fn, app, session_ids, chunk_size)


def _as_row(row) -> list:
    if isinstance(row, (str, bytes)) or not hasattr(row, "__iter__"):
        return [row]
    return list(row)


def _custom_stream(fn, app, session_ids, chunk_size):
    db = uow.new_session(readonly=True)
    iterator = None
    try:
        players = Players(db, app.Player, session_ids, chunk_size)
        with _as_current(db):
            result = fn(players)
            if result is None:
                return
            iterator = iter(result)
        while True:
            with _as_current(db):
                try:
                    row = next(iterator)
                except StopIteration:
                    return
                values = [cell(v) for v in _as_row(row)]
            yield values
    finally:
        close = getattr(iterator, "close", None)
        try:
            if close is not None:
                with _as_current(db):
                    close()
        finally:
            db.rollback()
            db.close()
