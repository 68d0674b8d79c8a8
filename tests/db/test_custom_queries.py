"""Querying models from custom code: Player.filter(...) and plain select() on the mapped classes,
in a unit_of_work() opened by a script or a thread of its own, saved without .save()."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from otree.api import unit_of_work
from otree.session import create_session


@pytest.fixture
def market(load):
    load("custom_code")
    with unit_of_work():
        session = create_session("market", 3)
        return session.code


def test_filter_by_fields_and_links(market):
    from market import Player

    from otree.db.core import Session

    with unit_of_work() as db:
        session = db.scalars(select(Session).filter_by(code=market)).one()
        players = Player.filter(session=session, round_number=1)
        assert [p.id_in_subsession for p in players] == [1, 2, 3]
        players[0].bid, players[1].bid = 10, 30
        # filter() sees this unit of work's changes (it flushes first).
        assert [p.id_in_subsession for p in Player.filter(bid=30)] == [2]
        assert Player.filter(session=session, id_in_group=3)[0].field_maybe_none("bid") is None
        with pytest.raises(TypeError, match="unknown field 'price'"):
            Player.filter(price=3)


def test_plain_select_and_a_unit_of_work_in_a_thread(market):
    from market import Player

    def worker():
        with unit_of_work() as db:
            for player in db.scalars(select(Player).order_by(Player.id)):
                player.bid = player.id_in_subsession * 5  # no .save()

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    with unit_of_work(readonly=True) as db:
        assert db.scalar(select(func.sum(Player.bid))) == 5 + 10 + 15
        assert sorted(p.bid for p in Player.filter()) == [5, 10, 15]


def test_an_error_rolls_the_unit_of_work_back(market):
    from market import Player

    with pytest.raises(RuntimeError):
        with unit_of_work():
            Player.filter()[0].bid = 99
            raise RuntimeError("script failed")
    with unit_of_work(readonly=True):
        assert all(p.field_maybe_none("bid") is None for p in Player.filter())


def test_database_sync_to_async_runs_in_a_unit_of_work(market):
    import asyncio

    from market import Player

    from otree.channels import database_sync_to_async

    @database_sync_to_async
    def set_bids(value):
        for player in Player.filter():
            player.bid = value
        return len(Player.filter())

    assert asyncio.run(set_bids(7)) == 3
    with unit_of_work(readonly=True):
        assert [p.bid for p in Player.filter()] == [7, 7, 7]
