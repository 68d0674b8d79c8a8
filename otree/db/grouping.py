"""Regrouping players within a subsession: group matrices, random grouping, set_players."""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy.orm import Session, object_session

from otree.errors import GroupingError


def _session_of(obj: Any) -> Session:
    db = object_session(obj)
    assert db is not None, f"{obj!r} is not in a unit of work"
    return db


def _as_players(subsession: Any, matrix: Any) -> list[list[Any]]:
    players = subsession.get_players()
    by_id = {p.id_in_subsession: p for p in players}
    rows: list[list[Any]] = []
    for row in matrix:
        resolved: list[Any] = []
        for item in row:
            if isinstance(item, int) and not isinstance(item, bool):
                if item not in by_id:
                    raise GroupingError(f"set_group_matrix: there is no player with id_in_subsession {item}")
                resolved.append(by_id[item])
            elif getattr(item, "subsession_id", None) == subsession.id and item in by_id.values():
                resolved.append(item)
            else:
                raise GroupingError(
                    f"set_group_matrix: {item!r} is neither a player of this subsession nor an id_in_subsession"
                )
        rows.append(resolved)
    flat = [p for row in rows for p in row]
    if len(flat) != len(set(map(id, flat))) or len(flat) != len(players):
        raise GroupingError(
            f"set_group_matrix: the matrix must contain each of the subsession's {len(players)} players "
            f"exactly once (it has {len(flat)} entries, {len(set(map(id, flat)))} distinct)"
        )
    if any(len(row) == 0 for row in rows):
        raise GroupingError("set_group_matrix: a group cannot be empty")
    return rows


def set_group_matrix(subsession: Any, matrix: Any) -> None:
    """Regroup the subsession: row i becomes group i+1, position j gets id_in_group j+1."""
    rows = _as_players(subsession, matrix)
    db = _session_of(subsession)
    groups = subsession.get_groups()
    Group = type(groups[0]) if groups else subsession._otree_app.Group
    while len(groups) < len(rows):
        group = Group(session_id=subsession.session_id, round_number=subsession.round_number,
                      id_in_subsession=len(groups) + 1)
        group.subsession = subsession
        db.add(group)
        groups.append(group)
    for group, row in zip(groups, rows):  # noqa: B905 - groups beyond len(rows) are deleted below
        for position, player in enumerate(row, start=1):
            player.group = group
            player.id_in_group = position
    for extra in groups[len(rows):]:
        subsession._groups.remove(extra)
        db.delete(extra)
    db.flush()


def set_players(group: Any, players: list[Any]) -> None:
    """Make `players` the members of `group`, in this order."""
    if not players:
        raise GroupingError("set_players needs at least one player")
    if len(set(map(id, players))) != len(players):
        raise GroupingError("set_players: a player appears twice")
    for player in players:
        if player.subsession_id != group.subsession_id:
            raise GroupingError(f"set_players: {player!r} is not in the same subsession as the group")
    for position, player in enumerate(players, start=1):
        player.group = group
        player.id_in_group = position
    _session_of(group).flush()


def group_randomly(subsession: Any, fixed_id_in_group: bool = False) -> None:
    """Shuffle players into groups of PLAYERS_PER_GROUP (keeping each id_in_group if asked)."""
    matrix = subsession.get_group_matrix(objects=True)
    new_matrix: list[list[Any]]
    if fixed_id_in_group:
        if len({len(row) for row in matrix}) > 1:
            raise GroupingError("group_randomly(fixed_id_in_group=True) needs groups of equal size")
        columns = [list(column) for column in zip(*matrix, strict=True)]
        for column in columns:
            random.shuffle(column)
        new_matrix = [list(row) for row in zip(*columns, strict=True)]
    else:
        players = [p for row in matrix for p in row]
        random.shuffle(players)
        sizes = [len(row) for row in matrix]
        new_matrix = []
        start = 0
        for size in sizes:
            new_matrix.append(players[start:start + size])
            start += size
    set_group_matrix(subsession, new_matrix)
