"""Creating sessions (otree.session.create_session) and the Session / Participant API.

Runs on SQLite and PostgreSQL with tests/projects/basic:
'game' = game (3 per group, 2 rounds, 3 pages) + survey (everyone in one group, 1 round, 1 page);
'matching' = matching (2 per group, 4 rounds, 1 page, custom_flag=True in its config).
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from otree.currency import RealWorldCurrency
from otree.db import current_session, unit_of_work
from otree.db.core import Participant, Session
from otree.errors import SessionCreationError
from otree.project import get_project
from otree.session import create_session

CODE_RE = re.compile(r"^[a-z0-9]{8}$")


@pytest.fixture
def basic(load):
    return load("basic")


def get_session(code: str) -> Session:
    return current_session().scalars(select(Session).filter_by(code=code)).one()


def new_session(*args, **kwargs) -> str:
    with unit_of_work():
        return create_session(*args, **kwargs).code


def count(model) -> int:
    return current_session().scalar(select(func.count()).select_from(model))


def test_participants_get_unique_codes(basic):
    code = new_session("matching", 30)
    other = new_session("matching", 2)
    with unit_of_work():
        participants = get_session(code).get_participants() + get_session(other).get_participants()
        codes = [p.code for p in participants]
        assert all(CODE_RE.match(c) for c in codes), codes
        assert len(set(codes)) == 32
        assert [p.id_in_session for p in participants] == list(range(1, 31)) + [1, 2]
        assert CODE_RE.match(code) and code != other
        anonymous = get_session(code)._anonymous_code
        assert len(anonymous) == 8 and anonymous.isalpha() and anonymous.islower()
        assert anonymous != get_session(other)._anonymous_code


def test_every_app_gets_subsessions_groups_and_players_for_every_round(basic):
    code = new_session("game", 6)
    project = get_project()
    game, survey = project.apps["game"], project.apps["survey"]
    with unit_of_work():
        session = get_session(code)
        participants = session.get_participants()
        assert len(participants) == 6 and session.num_participants == 6

        subsessions = session.get_subsessions()
        assert [(type(s), s.round_number) for s in subsessions] == [
            (game.Subsession, 1), (game.Subsession, 2), (survey.Subsession, 1)
        ]
        for subsession in subsessions[:2]:  # game: groups of 3
            groups = subsession.get_groups()
            assert [g.id_in_subsession for g in groups] == [1, 2]
            assert all(g.round_number == subsession.round_number for g in groups)
            assert [[(p.id_in_group, p.id_in_subsession, p.participant.id_in_session) for p in g.get_players()]
                    for g in groups] == [[(1, 1, 1), (2, 2, 2), (3, 3, 3)], [(1, 4, 4), (2, 5, 5), (3, 6, 6)]]
            assert all(p.round_number == subsession.round_number for p in subsession.get_players())
            assert all(p.session is session for p in subsession.get_players())
        assert count(game.Player) == 12 and count(game.Group) == 4 and count(game.Subsession) == 2
        assert count(survey.Player) == 6 and count(survey.Group) == 1 and count(Participant) == 6


def test_players_per_group_none_makes_one_group_of_everyone(basic):
    code = new_session("game", 6)
    with unit_of_work():
        survey = get_session(code).get_subsessions()[-1]
        (group,) = survey.get_groups()
        assert [p.id_in_group for p in group.get_players()] == [1, 2, 3, 4, 5, 6]
        assert group.get_players() == survey.get_players()


def test_config_merges_defaults_config_and_modified_fields(basic):
    code = new_session("matching", 4, modified_session_config_fields=dict(participation_fee=5, extra="x"))
    with unit_of_work():
        session = get_session(code)
        config = session.config
        assert config["name"] == "matching" and config["app_sequence"] == ["matching"]
        assert config["custom_flag"] is True  # from the session config
        assert config["real_world_currency_per_point"] == 0.5  # from SESSION_CONFIG_DEFAULTS
        assert config["participation_fee"] == 5  # modified
        assert config["extra"] == "x"
        assert session.participation_fee == RealWorldCurrency(5)
        assert type(session.participation_fee) is RealWorldCurrency
        assert session.real_world_currency_per_point == 0.5
    # The project's config is not changed by one session's modifications.
    assert get_project().session_configs["matching"]["participation_fee"] == 2.0
    unmodified = new_session("matching", 2)
    with unit_of_work():
        assert get_session(unmodified).config["participation_fee"] == 2.0


def test_name_and_app_sequence_cannot_be_modified(basic):
    with unit_of_work():
        for field in ("name", "app_sequence"):
            with pytest.raises(SessionCreationError, match=field):
                create_session("game", 3, modified_session_config_fields={field: ["survey"]})


def test_label_room_and_flags_are_stored(basic):
    code = new_session("game", 3, label="Monday lab", room_name="econ_lab", is_demo=True)
    plain = new_session("game", 3)
    with unit_of_work():
        session = get_session(code)
        assert session.label == "Monday lab"
        assert session._room_name == "econ_lab"
        assert session.is_demo is True
        assert get_session(plain).label == "" and get_session(plain)._room_name is None
        assert get_session(plain).is_demo is False


def test_creating_session_runs_once_per_round_in_order(basic):
    code = new_session("game", 3)
    with unit_of_work():
        session = get_session(code)
        assert session.vars["rounds_created"] == [1, 2]
        assert [s.treatment for s in session.get_subsessions()[:2]] == ["red", "blue"]


@pytest.mark.parametrize("config, num, message", [
    ("game", 4, "Number of participants (4) is not a multiple of group size (3)"),
    ("matching", 3, "Number of participants (3) is not a multiple of group size (2)"),
])
def test_number_of_participants_must_be_a_multiple_of_group_size(basic, config, num, message):
    with unit_of_work():
        with pytest.raises(SessionCreationError) as info:
            create_session(config, num)
        assert str(info.value) == message
        assert count(Session) == 0


@pytest.mark.parametrize("num", [0, -3, True, 3.0, "3"])
def test_number_of_participants_must_be_a_positive_int(basic, num):
    with unit_of_work():
        with pytest.raises(SessionCreationError):
            create_session("game", num)


def test_unknown_config_name_raises(basic):
    with unit_of_work():
        with pytest.raises(SessionCreationError, match="nonexistent"):
            create_session("nonexistent", 3)


def test_failed_creation_leaves_nothing_behind(basic):
    new_session("game", 3)
    with pytest.raises(SessionCreationError):
        new_session("game", 5)
    with unit_of_work():
        assert count(Session) == 1 and count(Participant) == 3


def test_participant_get_players_and_get_player(basic):
    code = new_session("game", 3)
    project = get_project()
    with unit_of_work():
        participant = get_session(code).get_participants()[1]
        players = participant.get_players()
        assert [(type(p), p.round_number) for p in players] == [
            (project.apps["game"].Player, 1), (project.apps["game"].Player, 2), (project.apps["survey"].Player, 1)
        ]
        assert all(p.participant is participant for p in players)
        assert participant.get_player("game", 2) is players[1]
        assert participant.get_player("survey", 1) is players[2]
        assert participant.get_player("game", 1).id_in_subsession == 2


def test_session_get_participants_and_get_subsessions(basic):
    code = new_session("game", 6)
    new_session("game", 3)  # another session must not leak in
    with unit_of_work():
        session = get_session(code)
        participants = session.get_participants()
        assert [p.id_in_session for p in participants] == [1, 2, 3, 4, 5, 6]
        assert all(p.session is session for p in participants)
        subsessions = session.get_subsessions()
        assert len(subsessions) == 3
        assert all(s.session is session for s in subsessions)


def test_max_page_index_is_the_total_number_of_pages(basic):
    game = new_session("game", 3)  # game: 3 pages x 2 rounds, survey: 1 page
    matching = new_session("matching", 2)  # 1 page x 4 rounds
    with unit_of_work():
        assert {p._max_page_index for p in get_session(game).get_participants()} == {7}
        assert {p._max_page_index for p in get_session(matching).get_participants()} == {4}
        assert {p._index_in_pages for p in get_session(game).get_participants()} == {0}


def test_new_participants_start_with_empty_vars_and_zero_payoff(basic):
    code = new_session("game", 3)
    with unit_of_work():
        for participant in get_session(code).get_participants():
            assert participant.vars == {}
            assert participant.payoff == 0
            assert participant.visited is False
            assert participant.label is None


def test_progress_is_reported(basic):
    messages = []
    with unit_of_work():
        create_session("game", 3, progress=messages.append)
    assert messages and all(isinstance(m, str) for m in messages)
    assert any("game" in m for m in messages) and any("survey" in m for m in messages)
