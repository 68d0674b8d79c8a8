"""What every export reads first: the sessions to export, and the apps they played.

Exports stream: each data generator reads the database in chunks (keyset pagination on the
primary key), each chunk in its own short read-only unit of work, and yields its rows only
after that unit of work has ended. So a download never holds a database connection while
the client reads, memory stays flat whatever the number of participants, and a generator
can be advanced from different threads (Starlette iterates sync generators in a thread
pool, one next() per worker call). The price: a session that is running while it is
exported may show a later state in later chunks, as any live export would.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Iterable

from sqlalchemy import select

from otree.db import unit_of_work
from otree.db.core import Session
from otree.errors import OtreeError
from otree.project import App, get_project

from . import columns
from .values import cell

logger = logging.getLogger("otree.export")

# Participants (wide export) or rows (other exports) read per database round trip.
CHUNK_SIZE = 500


class ExportError(OtreeError, LookupError):
    """An export was asked for something that does not exist (session code, app, function)."""


@dataclass
class SessionInfo:
    id: int
    code: str
    config: dict
    vars: dict
    num_participants: int
    # session.* cells, in columns.SESSION_COLUMNS order, already converted
    cells: list = field(default_factory=list)


def normalize_codes(session_codes) -> list[str] | None:
    """None (every session), one code, or several codes."""
    if session_codes is None:
        return None
    if isinstance(session_codes, str):
        return [session_codes]
    return [str(c) for c in session_codes]


def load_sessions(session_codes) -> list[SessionInfo]:
    """The sessions to export, in creation order; ExportError for an unknown code."""
    codes = normalize_codes(session_codes)
    table = Session.__table__
    query = select(
        table.c.id, table.c.code, table.c.config, table.c.vars, table.c.num_participants,
        *[table.c[name] for name in columns.SESSION_COLUMNS],
    ).order_by(table.c.id)
    if codes is not None:
        query = query.where(table.c.code.in_(codes))
    with unit_of_work(readonly=True) as db:
        rows = db.execute(query).all()
    sessions = [
        SessionInfo(
            id=row[0], code=row[1], config=dict(row[2] or {}), vars=dict(row[3] or {}),
            num_participants=row[4] or 0, cells=[cell(v) for v in row[5:]],
        )
        for row in rows
    ]
    if codes is not None:
        missing = [c for c in codes if c not in {s.code for s in sessions}]
        if missing:
            raise ExportError(f"No session with code {missing[0]!r}")
    return sessions


def session_filter(column, sessions: list[SessionInfo], session_codes):
    """A WHERE clause limiting `column` (a session_id) to the exported sessions (None: all)."""
    if normalize_codes(session_codes) is None:
        return None
    return column.in_([s.id for s in sessions])


def where(query, *clauses):
    for clause in clauses:
        if clause is not None:
            query = query.where(clause)
    return query


def apps_of(sessions: Iterable[SessionInfo]) -> list[App]:
    """The apps these sessions played, in order of first appearance (several sessions may have
    different app sequences); apps no longer in the project are skipped with a warning."""
    project = get_project()
    names: list[str] = []
    for session in sessions:
        for name in session.config.get("app_sequence", []):
            if name not in names:
                names.append(name)
    apps = []
    for name in names:
        app = project.apps.get(name)
        if app is None:
            logger.warning("Cannot export data for app %r: it is no longer in the project.", name)
            continue
        apps.append(app)
    return apps


def get_app(app_name: str) -> App:
    app = get_project().apps.get(app_name)
    if app is None:
        known = ", ".join(get_project().apps) or "none"
        raise ExportError(f"No app named {app_name!r} (apps: {known})")
    return app


def tables(app: App):
    """The (player, group, subsession) tables of an app."""
    return (
        app.Player.__mapper__.local_table,
        app.Group.__mapper__.local_table,
        app.Subsession.__mapper__.local_table,
    )


def role_of(app: App, id_in_group) -> str:
    roles = app.roles
    if roles and isinstance(id_in_group, int) and 1 <= id_in_group <= len(roles):
        return roles[id_in_group - 1]
    return ""
