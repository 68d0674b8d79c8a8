"""Mapping apps onto tables, and forgetting those mappings when another project is loaded."""

from __future__ import annotations

from otree.db.core import CoreBase, Participant
from tests.support.projects import copy_project


def _key_switch_checks() -> int:
    # SQLAlchemy runs each of these in every flush of a core row (a participant moving on, say).
    return sum(len(mapper._dependency_processors) for mapper in CoreBase.registry.mappers)


def test_loading_projects_one_after_another_does_not_slow_every_flush(tmp_path, load_sqlite):
    from otree.db import unit_of_work
    from otree.project import load_project
    from otree.session import create_session

    load_sqlite("budget")
    after_one = _key_switch_checks()
    assert after_one > 0  # Player.participant, Group.session, ... each add one
    for i in range(3):
        path = copy_project("budget", tmp_path / f"again{i}")
        load_project(path, database_url=f"sqlite:///{tmp_path / f'again{i}.sqlite3'}")
    # The earlier loads' mappings are gone from the core models too: only the current project's count.
    assert _key_switch_checks() == after_one
    with unit_of_work():
        participant = create_session("budget", 3).get_participants()[0]
        participant._index_in_pages = 1
    with unit_of_work() as db:
        assert db.get(Participant, participant.id)._index_in_pages == 1
