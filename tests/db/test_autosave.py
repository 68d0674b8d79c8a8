"""Auto-save: whatever app code changes inside a unit of work is saved at its end, with no .save(),
including in-place edits of mutable values; an error rolls the whole unit back; one row is one
object; player.payoff is tabulated into participant.payoff.

Every test runs on SQLite and PostgreSQL (the `load` fixture), with tests/projects/basic.
"""

from __future__ import annotations

import gc

import pytest
from sqlalchemy import func, select

from otree.conf import settings
from otree.currency import Currency, RealWorldCurrency, cu
from otree.db import current_session, unit_of_work
from otree.db.core import Participant, Session
from otree.session import create_session


@pytest.fixture
def code(load):
    """The code of a new 'game' session (game: 3 players, 2 rounds; then survey) of tests/projects/basic."""
    load("basic")
    with unit_of_work():
        return create_session("game", 3).code


def get_session(code: str) -> Session:
    return current_session().scalars(select(Session).filter_by(code=code)).one()


def participant(code: str, index: int = 0) -> Participant:
    return get_session(code).get_participants()[index]


def test_assignments_are_saved_without_save(code):
    with unit_of_work():
        session = get_session(code)
        session.label = "Monday"
        p = session.get_participants()[0]
        p.label = "lab-1"
        p.vars["x"] = 1
        player = p.get_players()[0]
        player.contribution = cu(40)
        player.name = "Ann"
        player.group.total_contribution = cu(90)
        player.subsession.treatment = "green"
    with unit_of_work():
        session = get_session(code)
        p = session.get_participants()[0]
        player = p.get_players()[0]
        assert session.label == "Monday"
        assert (p.label, p.vars["x"]) == ("lab-1", 1)
        assert (player.contribution, player.name) == (40, "Ann")
        assert player.group.total_contribution == 90
        assert player.subsession.treatment == "green"


def test_in_place_edit_of_participant_vars_is_saved(code):
    with unit_of_work():
        participant(code).vars["history"] = {"moves": [1]}
    with unit_of_work():
        participant(code).vars["history"]["moves"].append(2)
    with unit_of_work():
        assert participant(code).vars == {"history": {"moves": [1, 2]}}


def test_in_place_edit_of_session_vars_is_saved(code):
    with unit_of_work():
        get_session(code).vars["rounds_created"].append(99)
        get_session(code).vars.setdefault("prices", {})["apple"] = 3
    with unit_of_work():
        assert get_session(code).vars == {"rounds_created": [1, 2, 99], "prices": {"apple": 3}}


def test_in_place_edit_of_a_participant_field_is_saved(code):
    """participant.score_list.append(...) on a PARTICIPANT_FIELDS list."""
    with unit_of_work():
        participant(code).score_list = [10]
    with unit_of_work():
        participant(code).score_list.append(20)
    with unit_of_work():
        assert participant(code).score_list == [10, 20]


def test_in_place_edit_of_a_multi_string_field_is_saved(code):
    with unit_of_work():
        participant(code).get_players()[0].colors = ["red"]
    with unit_of_work():
        participant(code).get_players()[0].colors.append("blue")
    with unit_of_work():
        assert participant(code).get_players()[0].colors == ["red", "blue"]


def test_in_place_edit_is_saved_even_when_no_reference_to_the_object_is_kept(code):
    """The edited object is not referenced by anything when the unit of work commits."""
    with unit_of_work():
        participant(code).get_players()[1].in_round(1).participant.vars["seen"] = [1]
        get_session(code).vars["counter"] = 1
        gc.collect()
    with unit_of_work():
        participant(code).vars["seen"].append(2)
        participant(code).get_players()[0].colors = ["green"]
        gc.collect()
    with unit_of_work():
        participant(code).get_players()[0].colors.append("red")
        gc.collect()
    with unit_of_work():
        assert participant(code).vars["seen"] == [1, 2]
        assert get_session(code).vars["counter"] == 1
        assert participant(code).get_players()[0].colors == ["green", "red"]


def test_in_place_edits_in_the_unit_of_work_that_created_the_rows_are_saved(load):
    load("basic")
    with unit_of_work():
        session = create_session("game", 3)
        code = session.code
        session.get_participants()[0].vars["made"] = ["at creation"]
        session.get_participants()[0].vars["made"].append("then edited")
        session.get_participants()[0].get_players()[0].colors = ["red"]
        current_session().flush()
        session.get_participants()[0].get_players()[0].colors.append("blue")
    with unit_of_work():
        assert participant(code).vars["made"] == ["at creation", "then edited"]
        assert participant(code).get_players()[0].colors == ["red", "blue"]


def test_in_place_edit_survives_a_later_query_that_loads_the_same_row(load):
    """A query after the edit (here one that joins the session row) must not hide the edit.

    tests/projects/fields has no creating_session, so the new session row has never been
    read back when get_subsessions() joins it.
    """
    load("fields")
    with unit_of_work():
        session = create_session("fields", 2)
        code = session.code
        session.vars["log"] = ["created"]
        session.get_subsessions()  # loads the subsession with its session joined
    with unit_of_work():
        session = get_session(code)
        assert session.vars["log"] == ["created"]
        session.vars["log"].append("edited")
        session.get_subsessions()
        current_session().scalars(select(Session)).all()
    with unit_of_work():
        assert get_session(code).vars["log"] == ["created", "edited"]


def test_one_row_is_one_object_within_a_unit_of_work(code):
    with unit_of_work():
        session = get_session(code)
        subsession = session.get_subsessions()[0]
        group = subsession.get_groups()[0]
        players = subsession.get_players()
        participants = session.get_participants()
        assert players[0].group is group
        assert group.get_players()[0] is players[0]
        assert players[0].subsession is subsession
        assert players[0].session is session and subsession.session is session and group.session is session
        assert players[0].participant is participants[0]
        assert participants[0].get_players()[0] is players[0]
        assert participants[0].get_player("game", 1) is players[0]
        assert players[0].in_round(1) is players[0]
        assert players[0].in_round(2).in_previous_rounds()[0] is players[0]
        assert players[0].get_others_in_group()[0] is players[1]
        assert participants[0].session is session
        players[0].name = "same object everywhere"
        assert participants[0].get_player("game", 1).name == "same object everywhere"


def test_an_exception_rolls_back_the_whole_unit_of_work(code):
    with pytest.raises(RuntimeError):
        with unit_of_work():
            session = get_session(code)
            session.vars["x"] = 1
            session.label = "changed"
            p = session.get_participants()[0]
            p.vars["y"] = 1
            p.get_players()[0].contribution = cu(5)
            p.get_players()[0].payoff = cu(5)
            p.get_players()[0].colors = ["red"]
            create_session("game", 3)
            raise RuntimeError("app code failed")
    with unit_of_work():
        session = get_session(code)
        p = session.get_participants()[0]
        assert session.vars == {"rounds_created": [1, 2]}
        assert session.label == ""
        assert p.vars == {}
        assert p.get_players()[0].field_maybe_none("contribution") is None
        assert p.get_players()[0].field_maybe_none("colors") is None
        assert p.payoff == 0
        assert current_session().scalar(select(func.count()).select_from(Session)) == 1


def test_a_failed_unit_of_work_does_not_disturb_the_next(code):
    with pytest.raises(TypeError):
        with unit_of_work():
            participant(code).get_players()[0].age = "old"
    with unit_of_work():
        participant(code).get_players()[0].age = 30
    with unit_of_work():
        assert participant(code).get_players()[0].age == 30


# -- payoffs -----------------------------------------------------------------------------


def test_player_payoff_is_tabulated_into_participant_payoff(code):
    with unit_of_work():
        p = participant(code)
        round1, round2, survey = p.get_players()
        round1.payoff = cu(10)
        assert p.payoff == 10
        round1.payoff = cu(15)  # set twice: the difference is applied, not the sum
        assert p.payoff == 15
        round2.payoff = 5
        survey.payoff = cu(1)
        assert p.payoff == 21
        assert type(p.payoff) is Currency
    with unit_of_work():
        p = participant(code)
        assert p.payoff == 21
        p.get_players()[1].payoff = 0  # changed in a later unit of work
        assert p.payoff == 16
        assert participant(code, 1).payoff == 0  # the others are not touched
    with unit_of_work():
        assert participant(code).payoff == 16


def test_negative_payoff_is_allowed_and_tabulated(code):
    with unit_of_work():
        p = participant(code)
        p.get_players()[0].payoff = cu(-3)
        assert p.payoff == -3


def test_auto_tabulate_payoffs_false_leaves_participant_payoff_alone(code):
    with settings.override(AUTO_TABULATE_PAYOFFS=False):
        with unit_of_work():
            p = participant(code)
            p.get_players()[0].payoff = cu(10)
            assert p.get_players()[0].payoff == 10
            assert p.payoff == 0
    with unit_of_work():
        p = participant(code)
        assert p.get_players()[0].payoff == 10
        assert p.payoff == 0


def test_payoff_in_real_world_currency_and_plus_participation_fee(code):
    """basic: real_world_currency_per_point=0.50, participation_fee=2.00."""
    with unit_of_work():
        p = participant(code)
        assert p.payoff_plus_participation_fee() == RealWorldCurrency("2.00")  # payoff 0 at first
        p.get_players()[0].payoff = cu(15)
    with unit_of_work():
        p = participant(code)
        assert p.payoff_in_real_world_currency() == RealWorldCurrency("7.50")
        assert type(p.payoff_in_real_world_currency()) is RealWorldCurrency
        assert p.payoff_plus_participation_fee() == RealWorldCurrency("9.50")
        assert type(p.payoff_plus_participation_fee()) is RealWorldCurrency
        assert str(p.payoff_plus_participation_fee()) == "$9.50"


def test_participant_payoff_is_currency_in_the_unit_of_work_that_created_it(load):
    load("basic")
    with unit_of_work():
        p = create_session("game", 3).get_participants()[0]
        assert type(p.payoff) is Currency and p.payoff == 0
        assert p.payoff_plus_participation_fee() == RealWorldCurrency("2.00")
        p.payoff = 4  # assigned directly: still Currency
        assert type(p.payoff) is Currency
        assert p.payoff_in_real_world_currency() == RealWorldCurrency("2.00")
