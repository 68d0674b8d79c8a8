"""The built-in exports as row generators: all apps wide, one app, page times.

Each function checks its arguments and reads what the header needs at once (so an unknown
session code or app raises before anything is written), then returns an iterator of rows:
the header first, then the data, read chunk by chunk (see otree.export.source).
"""

from __future__ import annotations

from typing import Iterator

from sqlalchemy import func, select

from otree.db import unit_of_work
from otree.db.core import Participant, Session
from otree.db.records import PageTime

from . import columns
from .source import (
    CHUNK_SIZE, SessionInfo, apps_of, get_app, load_sessions, role_of, session_filter, tables, where,
)
from .values import cell


class _AppColumns:
    """The player/group/subsession columns of one app, and how to select them."""

    def __init__(self, app):
        self.app = app
        self.player_table, self.group_table, self.subsession_table = tables(app)
        self.player_fields = ["payoff"] + columns.model_field_names(app.Player)
        self.group_fields = columns.model_field_names(app.Group)
        self.subsession_fields = columns.model_field_names(app.Subsession)
        self.width = len(self.header(""))  # cells per round

    def header(self, prefix: str) -> list[str]:
        return (
            [f"{prefix}player.{c}" for c in columns.player_columns(self.app)]
            + [f"{prefix}group.{c}" for c in columns.group_columns(self.app)]
            + [f"{prefix}subsession.{c}" for c in columns.subsession_columns(self.app)]
        )

    def selected(self) -> list:
        """Columns to select after any leading ones: id_in_group, player fields, group, subsession."""
        p, g, s = self.player_table, self.group_table, self.subsession_table
        return (
            [p.c.id_in_group]
            + [p.c[name] for name in self.player_fields]
            + [g.c.id_in_subsession]
            + [g.c[name] for name in self.group_fields]
            + [s.c.round_number]
            + [s.c[name] for name in self.subsession_fields]
        )

    def joined(self):
        p, g, s = self.player_table, self.group_table, self.subsession_table
        return p.join(s, p.c.subsession_id == s.c.id).outerjoin(g, p.c.group_id == g.c.id)

    def cells(self, values) -> list:
        """player.{id_in_group, role, payoff, ...}, group.*, subsession.* cells from selected() values."""
        id_in_group = values[0]
        return [cell(id_in_group), role_of(self.app, id_in_group)] + [cell(v) for v in values[1:]]


# -- all apps wide ----------------------------------------------------------------------------


def rows_wide(session_codes=None, *, chunk_size: int = CHUNK_SIZE) -> Iterator[list]:
    """One row per participant: participant, session, config, then every app and round."""
    sessions = load_sessions(session_codes)
    apps = apps_of(sessions)
    pfields, sfields = columns.participant_fields(), columns.session_fields()
    cfields = columns.config_fields(s.config for s in sessions)

    layouts: list[tuple[_AppColumns, int]] = []
    with unit_of_work(readonly=True) as db:
        for app in apps:
            layout = _AppColumns(app)
            subsessions = layout.subsession_table
            query = where(
                select(func.max(subsessions.c.round_number)),
                session_filter(subsessions.c.session_id, sessions, session_codes),
            )
            max_round = db.scalar(query)
            if max_round:
                layouts.append((layout, max_round))

    header = [f"participant.{c}" for c in columns.PARTICIPANT_COLUMNS]
    header += [f"participant.{f}" for f in pfields]
    header += [f"session.{c}" for c in columns.SESSION_COLUMNS]
    header += [f"session.config.{c}" for c in cfields]
    header += [f"session.{f}" for f in sfields]
    for layout, max_round in layouts:
        for round_number in range(1, max_round + 1):
            header += layout.header(f"{layout.app.name}.{round_number}.")

    session_cells = {s.id: _wide_session_cells(s, cfields, sfields) for s in sessions}
    return _wide_stream(header, sessions, session_codes, session_cells, pfields, layouts, chunk_size)


def _wide_session_cells(session: SessionInfo, cfields: list[str], sfields: list[str]) -> list:
    return (
        list(session.cells)
        + [cell(session.config.get(name)) for name in cfields]
        + [cell(session.vars.get(name)) for name in sfields]
    )


def _wide_stream(header, sessions, session_codes, session_cells, pfields, layouts, chunk_size):
    yield header
    table = Participant.__table__
    selected = [table.c.id, table.c.session_id] + [table.c[name] for name in columns.PARTICIPANT_COLUMNS]
    if pfields:
        selected.append(table.c.vars)
    last_id = 0
    while True:
        with unit_of_work(readonly=True) as db:
            query = where(
                select(*selected),
                session_filter(table.c.session_id, sessions, session_codes),
                table.c.id > last_id,
            ).order_by(table.c.id).limit(chunk_size)
            participants = db.execute(query).all()
            if not participants:
                return
            first_id, last_id = participants[0][0], participants[-1][0]
            per_app = [
                (_wide_app_cells(db, layout, sessions, session_codes, first_id, last_id), layout, max_round)
                for layout, max_round in layouts
            ]
        rows = []
        n = len(columns.PARTICIPANT_COLUMNS)
        for participant in participants:
            pid, session_id = participant[0], participant[1]
            row = [cell(v) for v in participant[2:2 + n]]
            if pfields:
                pvars = participant[2 + n] or {}
                row += [cell(pvars.get(name)) for name in pfields]
            row += session_cells[session_id]
            for found, layout, max_round in per_app:
                for round_number in range(1, max_round + 1):
                    cells = found.get((pid, round_number))
                    row += cells if cells is not None else [""] * layout.width
            rows.append(row)
        del participants, per_app
        yield from rows
        del rows


def _wide_app_cells(db, layout: _AppColumns, sessions, session_codes, first_id: int, last_id: int) -> dict:
    """{(participant id, round): cells} for the participants with ids in [first_id, last_id]."""
    p = layout.player_table
    query = where(
        select(p.c.participant_id, p.c.round_number, *layout.selected()).select_from(layout.joined()),
        session_filter(p.c.session_id, sessions, session_codes),
        p.c.participant_id.between(first_id, last_id),
    )
    return {(row[0], row[1]): layout.cells(row[2:]) for row in db.execute(query)}


# -- one app ----------------------------------------------------------------------------------


def rows_app(app_name: str, session_codes=None, *, chunk_size: int = CHUNK_SIZE) -> Iterator[list]:
    """One row per player of the app (all rounds, in creation order: round by round)."""
    app = get_app(app_name)
    sessions = load_sessions(session_codes)
    layout = _AppColumns(app)
    header = [f"participant.{c}" for c in columns.PARTICIPANT_COLUMNS]
    header += layout.header("")
    header += [f"session.{c}" for c in columns.SESSION_COLUMNS]
    session_cells = {s.id: s.cells for s in sessions}
    return _app_stream(header, layout, sessions, session_codes, session_cells, chunk_size)


def _app_stream(header, layout: _AppColumns, sessions, session_codes, session_cells, chunk_size):
    yield header
    p = layout.player_table
    participants = Participant.__table__
    selected = [p.c.id, p.c.session_id] + [participants.c[name] for name in columns.PARTICIPANT_COLUMNS]
    selected += layout.selected()
    joined = layout.joined().join(participants, p.c.participant_id == participants.c.id)
    n = len(columns.PARTICIPANT_COLUMNS)
    last_id = 0
    while True:
        with unit_of_work(readonly=True) as db:
            query = where(
                select(*selected).select_from(joined),
                session_filter(p.c.session_id, sessions, session_codes),
                p.c.id > last_id,
            ).order_by(p.c.id).limit(chunk_size)
            found = db.execute(query).all()
        if not found:
            return
        last_id = found[-1][0]
        rows = [
            [cell(v) for v in row[2:2 + n]] + layout.cells(row[2 + n:]) + session_cells.get(row[1], [])
            for row in found
        ]
        del found
        yield from rows
        del rows


# -- page times -------------------------------------------------------------------------------


def rows_page_times(session_codes=None, *, chunk_size: int = CHUNK_SIZE) -> Iterator[list]:
    """One row per completed page, in the order pages were completed."""
    sessions = load_sessions(session_codes)
    return _page_times_stream(sessions, session_codes, chunk_size)


def _page_times_stream(sessions, session_codes, chunk_size):
    yield list(columns.PAGE_TIMES_COLUMNS)
    t, participants, session_table = PageTime.__table__, Participant.__table__, Session.__table__
    selected = [
        t.c.id, session_table.c.code, participants.c.id_in_session, participants.c.code, t.c.page_index,
        t.c.app_name, t.c.page_name, t.c.epoch_time_completed, t.c.round_number, t.c.timeout_happened,
        t.c.is_wait_page,
    ]
    joined = t.join(participants, t.c.participant_id == participants.c.id).join(
        session_table, t.c.session_id == session_table.c.id
    )
    last_id = 0
    while True:
        with unit_of_work(readonly=True) as db:
            query = where(
                select(*selected).select_from(joined),
                session_filter(t.c.session_id, sessions, session_codes),
                t.c.id > last_id,
            ).order_by(t.c.id).limit(chunk_size)
            found = db.execute(query).all()
        if not found:
            return
        last_id = found[-1][0]
        rows = []
        for row in found:
            values = list(row[1:])
            # oTree records whole seconds since the epoch (TimeSpentRow.epoch_time_completed: int).
            epoch = values[6]
            values[6] = int(epoch) if epoch is not None else None
            rows.append([cell(v) for v in values])
        del found
        yield from rows
        del rows
