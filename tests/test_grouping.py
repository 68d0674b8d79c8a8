"""Navigation between rounds and grouping: the built-in methods of Player, Group and Subsession
(reference §5.3), on SQLite and PostgreSQL, with tests/projects/basic.

'game': game (3 per group, 2 rounds, roles Leader/Follower/Third) + survey (one group of all);
'matching': matching (2 per group, 4 rounds, roles Matcher/Mismatcher), whose creating_session
groups round 1 randomly with fixed id_in_group, reverses the rows in round 3 and otherwise
groups like round 1.
"""

from __future__ import annotations

import random

import pytest
from sqlalchemy import func, select

from otree.db import current_session, unit_of_work
from otree.db.core import Session
from otree.db.models import InvalidRoundError
from otree.errors import GroupingError
from otree.project import get_project
from otree.session import create_session


@pytest.fixture
def basic(load):
    return load("basic")


def new_session(config: str, num: int) -> str:
    with unit_of_work():
        return create_session(config, num).code


def get_session(code: str) -> Session:
    return current_session().scalars(select(Session).filter_by(code=code)).one()


def subsession(code: str, index: int):
    """The index-th subsession of the session (all apps, in play order)."""
    return get_session(code).get_subsessions()[index]


def count_groups(sub) -> int:
    Group = type(sub).__mapper__.relationships["_groups"].mapper.class_
    return current_session().scalar(
        select(func.count()).select_from(Group).filter(Group.subsession_id == sub.id)
    )


def assert_valid_grouping(sub, expected_sizes: list[int]) -> None:
    """Every player once, groups numbered 1..n with the expected sizes, ids in group 1..size."""
    groups = sub.get_groups()
    assert [g.id_in_subsession for g in groups] == list(range(1, len(groups) + 1))
    assert [len(g.get_players()) for g in groups] == expected_sizes
    for group in groups:
        assert [p.id_in_group for p in group.get_players()] == list(range(1, len(group.get_players()) + 1))
        assert all(p.group is group for p in group.get_players())
    flat = [p.id_in_subsession for g in groups for p in g.get_players()]
    assert sorted(flat) == [p.id_in_subsession for p in sub.get_players()]
    assert count_groups(sub) == len(groups)


# -- rounds ------------------------------------------------------------------------------


def test_player_in_round_and_friends(basic):
    code = new_session("matching", 4)
    with unit_of_work():
        participant = get_session(code).get_participants()[2]
        r1, r2, r3, r4 = participant.get_players()
        assert r3.in_round(1) is r1 and r1.in_round(4) is r4 and r2.in_round(2) is r2
        assert r3.in_rounds(2, 4) == [r2, r3, r4]
        assert r1.in_rounds(1, 1) == [r1]
        assert r3.in_previous_rounds() == [r1, r2]
        assert r1.in_previous_rounds() == []
        assert r3.in_all_rounds() == [r1, r2, r3]
        assert r1.in_all_rounds() == [r1]
        assert all(p.participant is participant for p in r4.in_all_rounds())


def test_group_and_subsession_in_round_and_friends(basic):
    code = new_session("matching", 4)
    with unit_of_work():
        subs = get_session(code).get_subsessions()
        assert [s.round_number for s in subs] == [1, 2, 3, 4]
        assert subs[2].in_round(1) is subs[0]
        assert subs[3].in_rounds(2, 3) == [subs[1], subs[2]]
        assert subs[2].in_previous_rounds() == subs[:2]
        assert subs[3].in_all_rounds() == subs
        group = subs[2].get_groups()[1]
        earlier = group.in_round(1)
        assert earlier is subs[0].get_groups()[1]
        assert (earlier.id_in_subsession, earlier.round_number) == (2, 1)
        assert group.in_previous_rounds() == [subs[0].get_groups()[1], subs[1].get_groups()[1]]
        assert group.in_all_rounds()[-1] is group
        assert [g.round_number for g in group.in_rounds(1, 4)] == [1, 2, 3, 4]


def test_rounds_of_one_session_do_not_mix_with_another(basic):
    code = new_session("matching", 4)
    other = new_session("matching", 4)
    with unit_of_work():
        sub = subsession(code, 1)
        assert sub.in_round(1) is subsession(code, 0)
        assert all(s.session.code == code for s in sub.in_all_rounds())
        assert all(g.session.code == code for g in sub.get_groups()[0].in_all_rounds())
        assert subsession(other, 0).in_round(2) is subsession(other, 1)


@pytest.mark.parametrize("call", [
    lambda obj: obj.in_round(0),
    lambda obj: obj.in_round(5),
    lambda obj: obj.in_round(-1),
    lambda obj: obj.in_round("1"),
    lambda obj: obj.in_rounds(0, 2),
    lambda obj: obj.in_rounds(1, 5),
])
def test_invalid_round_raises(basic, call):
    code = new_session("matching", 4)
    with unit_of_work():
        sub = subsession(code, 1)
        for obj in (sub, sub.get_groups()[0], sub.get_players()[0]):
            with pytest.raises(InvalidRoundError):
                call(obj)
    assert issubclass(InvalidRoundError, ValueError)


# -- group membership and roles ---------------------------------------------------------------


def test_others_in_group_and_subsession(basic):
    code = new_session("game", 6)
    with unit_of_work():
        sub = subsession(code, 0)
        p1, p2, p3, p4, p5, p6 = sub.get_players()
        assert p2.get_others_in_group() == [p1, p3]
        assert p4.get_others_in_group() == [p5, p6]
        assert p2.get_others_in_subsession() == [p1, p3, p4, p5, p6]
        survey_players = subsession(code, 2).get_players()
        assert survey_players[0].get_others_in_group() == survey_players[1:]


def test_group_get_players_and_get_player_by_id(basic):
    code = new_session("game", 6)
    with unit_of_work():
        group = subsession(code, 0).get_groups()[1]
        players = group.get_players()
        assert [p.id_in_subsession for p in players] == [4, 5, 6]
        assert group.get_player_by_id(2) is players[1]
        with pytest.raises(ValueError):
            group.get_player_by_id(4)


def test_roles_from_role_constants(basic):
    game = new_session("game", 3)
    matching = new_session("matching", 2)
    with unit_of_work():
        group = subsession(game, 0).get_groups()[0]
        assert [p.role for p in group.get_players()] == ["Leader", "Follower", "Third"]
        assert group.get_player_by_role("Follower").id_in_group == 2
        with pytest.raises(ValueError):
            group.get_player_by_role("Nobody")
        assert [p.role for p in subsession(matching, 0).get_groups()[0].get_players()] == ["Matcher", "Mismatcher"]
        assert subsession(game, 2).get_players()[0].role == ""  # survey defines no roles
    assert get_project().apps["game"].roles == ["Leader", "Follower", "Third"]


def test_set_players_reorders_a_group(basic):
    code = new_session("game", 6)
    with unit_of_work():
        group = subsession(code, 0).get_groups()[0]
        p1, p2, p3 = group.get_players()
        group.set_players([p3, p1, p2])
        assert group.get_players() == [p3, p1, p2]
        assert [p.id_in_group for p in (p3, p1, p2)] == [1, 2, 3]
        assert p3.role == "Leader" and group.get_player_by_role("Leader") is p3
    with unit_of_work():
        group = subsession(code, 0).get_groups()[0]
        assert [p.id_in_subsession for p in group.get_players()] == [3, 1, 2]
        assert subsession(code, 1).get_groups()[0].get_players()[0].id_in_subsession == 1  # round 2 unchanged


def test_set_players_rejects_invalid_lists(basic):
    code = new_session("game", 6)
    with unit_of_work():
        group = subsession(code, 0).get_groups()[0]
        p1, p2, p3 = group.get_players()
        other_round = subsession(code, 1).get_players()[0]
        with pytest.raises(GroupingError):
            group.set_players([])
        with pytest.raises(GroupingError):
            group.set_players([p1, p1, p2])
        with pytest.raises(GroupingError):
            group.set_players([p1, p2, other_round])
        assert group.get_players() == [p1, p2, p3]


# -- group matrices ------------------------------------------------------------------------


def test_get_group_matrix_as_ids_and_as_objects(basic):
    code = new_session("game", 6)
    with unit_of_work():
        sub = subsession(code, 0)
        assert sub.get_group_matrix() == [[1, 2, 3], [4, 5, 6]]
        objects = sub.get_group_matrix(objects=True)
        assert objects == [g.get_players() for g in sub.get_groups()]
        assert objects[1][0] is sub.get_players()[3]


def test_set_group_matrix_with_ids_is_saved(basic):
    code = new_session("game", 6)
    with unit_of_work():
        sub = subsession(code, 0)
        sub.set_group_matrix([[6, 1, 4], [3, 5, 2]])
        assert sub.get_group_matrix() == [[6, 1, 4], [3, 5, 2]]
        p6 = sub.get_players()[5]
        assert (p6.group.id_in_subsession, p6.id_in_group, p6.role) == (1, 1, "Leader")
        assert [p.id_in_subsession for p in p6.get_others_in_group()] == [1, 4]
    with unit_of_work():
        sub = subsession(code, 0)
        assert sub.get_group_matrix() == [[6, 1, 4], [3, 5, 2]]
        assert_valid_grouping(sub, [3, 3])
        assert subsession(code, 1).get_group_matrix() == [[1, 2, 3], [4, 5, 6]]  # other rounds untouched


def test_set_group_matrix_with_players(basic):
    code = new_session("game", 6)
    with unit_of_work():
        sub = subsession(code, 0)
        p = sub.get_players()
        sub.set_group_matrix([[p[1], p[3], p[5]], [p[0], p[2], p[4]]])
        assert sub.get_group_matrix(objects=True) == [[p[1], p[3], p[5]], [p[0], p[2], p[4]]]
    with unit_of_work():
        assert subsession(code, 0).get_group_matrix() == [[2, 4, 6], [1, 3, 5]]


def test_set_group_matrix_can_change_the_number_of_groups(basic):
    code = new_session("matching", 4)
    with unit_of_work():
        sub = subsession(code, 1)
        assert len(sub.get_groups()[1].get_players()) == 2  # the group to be removed, loaded
        sub.set_group_matrix([[1, 2, 3, 4]])
        assert sub.get_group_matrix() == [[1, 2, 3, 4]]
        assert_valid_grouping(sub, [4])
    with unit_of_work():
        sub = subsession(code, 1)
        assert sub.get_group_matrix() == [[1, 2, 3, 4]]
        assert_valid_grouping(sub, [4])
        sub.set_group_matrix([[4, 1], [2], [3]])
        assert_valid_grouping(sub, [2, 1, 1])
        new_group = sub.get_groups()[2]
        assert new_group.session is sub.session and new_group.subsession is sub and new_group.round_number == 2
    with unit_of_work():
        sub = subsession(code, 1)
        assert sub.get_group_matrix() == [[4, 1], [2], [3]]
        assert_valid_grouping(sub, [2, 1, 1])
        player = sub.get_players()[2]
        group_3 = player.group
        assert group_3.id_in_subsession == 3 and player.get_others_in_group() == []
        assert group_3.in_round(2) is group_3
        with pytest.raises(InvalidRoundError):
            group_3.in_round(1)  # round 1 has only two groups
    # Back to two groups: the extra group rows are removed.
    with unit_of_work():
        subsession(code, 1).set_group_matrix([[1, 2], [3, 4]])
    with unit_of_work():
        assert_valid_grouping(subsession(code, 1), [2, 2])


@pytest.mark.parametrize("matrix", [
    [[1, 2], [3]],  # a player is missing
    [[1, 2], [3, 3]],  # a duplicate
    [[1, 2], [3, 4, 4]],  # a duplicate, on top of all players
    [[1, 2], [3, 5]],  # no player 5
    [[1, 2, 3, 4], []],  # an empty group
    [[1, 2], [3, "4"]],  # neither a player nor an int
])
def test_set_group_matrix_rejects_invalid_matrices(basic, matrix):
    code = new_session("matching", 4)
    with unit_of_work():
        sub = subsession(code, 1)
        before = sub.get_group_matrix()
        with pytest.raises(GroupingError):
            sub.set_group_matrix(matrix)
        assert sub.get_group_matrix() == before


def test_set_group_matrix_rejects_players_of_another_round(basic):
    code = new_session("matching", 4)
    with unit_of_work():
        sub = subsession(code, 1)
        other = subsession(code, 0).get_players()
        with pytest.raises(GroupingError):
            sub.set_group_matrix([[other[0], other[1]], [other[2], other[3]]])


def test_group_like_round(basic):
    code = new_session("game", 6)
    with unit_of_work():
        subsession(code, 0).set_group_matrix([[5, 3, 1], [2, 6, 4]])
    with unit_of_work():
        round2 = subsession(code, 1)
        round2.group_like_round(1)
        assert round2.get_group_matrix() == [[5, 3, 1], [2, 6, 4]]
        with pytest.raises(InvalidRoundError):
            round2.group_like_round(3)
    with unit_of_work():
        round2 = subsession(code, 1)
        assert round2.get_group_matrix() == [[5, 3, 1], [2, 6, 4]]
        assert round2.get_players()[4].role == "Leader"


# -- random grouping ---------------------------------------------------------------------------


def test_group_randomly_keeps_group_sizes_and_every_player_once(basic):
    code = new_session("game", 9)
    changed = False
    for seed in range(5):
        random.seed(seed)
        with unit_of_work():
            sub = subsession(code, 0)
            before = sub.get_group_matrix()
            sub.group_randomly()
            after = sub.get_group_matrix()
            assert_valid_grouping(sub, [3, 3, 3])
            changed = changed or after != before
        with unit_of_work():
            assert subsession(code, 0).get_group_matrix() == after  # saved
    assert changed, "group_randomly never changed the grouping"


def test_group_randomly_is_deterministic_under_random_seed(basic):
    code = new_session("game", 9)
    results = []
    for _ in range(2):
        with unit_of_work():
            subsession(code, 0).set_group_matrix([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
        random.seed(1234)
        with unit_of_work():
            sub = subsession(code, 0)
            sub.group_randomly()
            results.append(sub.get_group_matrix())
    assert results[0] == results[1]


def test_group_randomly_keeps_unequal_group_sizes(basic):
    code = new_session("matching", 6)
    random.seed(7)
    with unit_of_work():
        sub = subsession(code, 1)
        sub.set_group_matrix([[1, 2, 3, 4], [5, 6]])
        sub.group_randomly()
        assert_valid_grouping(sub, [4, 2])


def test_group_randomly_with_fixed_id_in_group(basic):
    code = new_session("game", 9)
    changed = False
    for seed in range(5):
        random.seed(seed)
        with unit_of_work():
            sub = subsession(code, 1)
            before = sub.get_group_matrix()
            id_in_group = {p.id_in_subsession: p.id_in_group for p in sub.get_players()}
            sub.group_randomly(fixed_id_in_group=True)
            assert_valid_grouping(sub, [3, 3, 3])
            assert {p.id_in_subsession: p.id_in_group for p in sub.get_players()} == id_in_group
            after = sub.get_group_matrix()
            changed = changed or after != before
        with unit_of_work():
            sub = subsession(code, 1)
            assert sub.get_group_matrix() == after
            assert {p.id_in_subsession: p.id_in_group for p in sub.get_players()} == id_in_group
    assert changed, "group_randomly(fixed_id_in_group=True) never changed the grouping"


def test_matching_apps_creating_session(basic):
    """Round 1 random with fixed roles, rounds 2 and 4 like round 1, round 3 the default grouping
    with each row reversed."""
    random.seed(3)
    code = new_session("matching", 8)
    with unit_of_work():
        r1, r2, r3, r4 = get_session(code).get_subsessions()
        for sub in (r1, r2, r3, r4):
            assert_valid_grouping(sub, [2, 2, 2, 2])
        assert {p.id_in_subsession: p.id_in_group for p in r1.get_players()} == {
            i: 1 if i % 2 else 2 for i in range(1, 9)
        }
        assert r2.get_group_matrix() == r1.get_group_matrix() == r4.get_group_matrix()
        assert r3.get_group_matrix() == [[2, 1], [4, 3], [6, 5], [8, 7]]
        assert [p.role for p in r3.get_groups()[0].get_players()] == ["Matcher", "Mismatcher"]
        assert r3.get_groups()[0].get_players()[0].in_round(1).role == "Mismatcher"
