"""run_read_mostly: views that only read run without writing; a view that writes is run again and saved."""

from __future__ import annotations

from sqlalchemy import select

from otree.db import unit_of_work
from otree.db.core import Participant
from otree.db.uow import current_session, run_read_mostly
from otree.session import create_session


def setup(load):
    project = load("basic")
    with unit_of_work():
        code = create_session("game", 3).get_participants()[0].code
    return project, code


def participant(code):
    return current_session().scalars(select(Participant).filter_by(code=code)).one()


def test_a_view_that_only_reads_runs_once_without_writing(load):
    _, code = setup(load)
    calls = []

    def view():
        calls.append(current_session().info.get("otree_read_attempt", False))
        return participant(code).id_in_session

    assert run_read_mostly(view) == 1
    assert calls == [True]  # one read attempt was enough


def test_assignment_and_in_place_edits_are_saved(load):
    _, code = setup(load)
    calls = []

    def view():
        calls.append(1)
        p = participant(code)
        p.label = "seen"
        p.vars.setdefault("visits", []).append(len(calls))
        return "done"

    assert run_read_mostly(view) == "done"
    assert len(calls) == 2  # the read attempt noticed the change, the writing run saved it
    with unit_of_work() as db:
        p = db.scalars(select(Participant).filter_by(code=code)).one()
        assert p.label == "seen" and p.vars["visits"] == [2]


def test_a_flush_inside_the_view_is_redone_in_a_writing_unit_of_work(load):
    project, code = setup(load)
    Bid = next(m for m in project.apps["game"].extra_models if m.__name__ == "Bid")

    def view():
        player = participant(code).get_players()[0]
        Bid.create(player=player, amount=5)
        # filter() flushes: in a read attempt that is refused, and app code cannot swallow it.
        try:
            return len(Bid.filter(player=player))
        except Exception:  # noqa: BLE001 - app code catching everything must not break this
            return -1

    assert run_read_mostly(view) == 1
    with unit_of_work() as db:
        assert len(db.scalars(select(Bid)).all()) == 1


def test_what_a_read_only_unit_of_work_loaded_stays_readable_after_it(load):
    # A CLI command or a view reads values after its unit of work ended, as after a writing one
    # (expire_on_commit=False).
    _, code = setup(load)
    with unit_of_work():
        participant(code).vars["colour"] = "blue"
    with unit_of_work(readonly=True):
        found = participant(code)
    assert found.code == code
    assert found.vars == {"colour": "blue"}
