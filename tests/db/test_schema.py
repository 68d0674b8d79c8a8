"""Schema evolution: a new version of an app's models loads on the database of the old one.

tests/projects/schema_v1 -> schema_v2 adds Player.confidence and the ExtraModel Guess (kept data,
new column added); schema_v3 turns Player.age from IntegerField into StringField (SchemaError,
fixed by `otree resetdb`). Every test runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, inspect, select, text

from otree.cli import main as otree_main
from otree.db import current_session, unit_of_work
from otree.db.core import Session
from otree.db.engine import get_engine
from otree.errors import SchemaError
from otree.project import load_project
from otree.session import create_session
from tests.support.projects import copy_project


def load_version(name: str, tmp_path, db_url: str):
    """Load tests/projects/<name> (copied under tmp_path) on the database `db_url`."""
    path = copy_project(name, tmp_path / f"copy_of_{name}")
    return load_project(path, database_url=db_url)


def get_session(code: str) -> Session:
    return current_session().scalars(select(Session).filter_by(code=code)).one()


def count(table: str) -> int:
    return current_session().execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()


@pytest.fixture
def v1_code(load):
    """A session of schema_v1 with data in it; returns its code."""
    load("schema_v1")
    with unit_of_work():
        session = create_session("study", 2)
        session.vars["kept"] = True
        players = session.get_subsessions()[0].get_players()
        players[0].age = 30
        players[0].answer = "yes"
        players[0].payoff = 7
        players[0].group.total = 12
        return session.code


def test_a_new_field_and_a_new_extra_model_keep_the_old_data(v1_code, tmp_path, db_url):
    project = load_version("schema_v2", tmp_path, db_url)
    columns = {c["name"] for c in inspect(get_engine()).get_columns("study_player")}
    assert "confidence" in columns
    assert "study_guess" in inspect(get_engine()).get_table_names()
    Guess = project.apps["study"].module.Guess

    with unit_of_work():
        session = get_session(v1_code)
        assert session.vars["kept"] is True
        first, second = session.get_subsessions()[0].get_players()
        assert (first.age, first.answer, first.payoff) == (30, "yes", 7)
        assert first.participant.payoff == 7
        assert first.group.total == 12
        assert second.field_maybe_none("age") is None
        assert first.field_maybe_none("confidence") is None  # the new column, on an old row
        with pytest.raises(TypeError, match="field_maybe_none"):
            first.confidence  # noqa: B018
        first.confidence = 0.9
        Guess.create(player=first, value=3)

    with unit_of_work():
        first = get_session(v1_code).get_subsessions()[0].get_players()[0]
        assert first.confidence == 0.9
        assert [g.value for g in Guess.filter(player=first)] == [3]
        new_code = create_session("study", 4).code  # new sessions work too
    with unit_of_work():
        assert len(get_session(new_code).get_participants()) == 4
        assert current_session().scalar(select(func.count()).select_from(Session)) == 2


def test_the_old_version_still_loads_after_the_new_one(v1_code, tmp_path, db_url):
    """Going back to older code (the database has a column the models no longer declare) works."""
    load_version("schema_v2", tmp_path, db_url)
    with unit_of_work():
        get_session(v1_code).get_subsessions()[0].get_players()[0].confidence = 0.5
    load_version("schema_v1", tmp_path, db_url)
    with unit_of_work():
        first = get_session(v1_code).get_subsessions()[0].get_players()[0]
        assert first.age == 30
        first.age = 31
        create_session("study", 2)
    with unit_of_work():
        assert get_session(v1_code).get_subsessions()[0].get_players()[0].age == 31


def test_loading_twice_changes_nothing(v1_code, tmp_path, db_url):
    load_version("schema_v2", tmp_path, db_url)
    from otree.db.core import CoreBase
    from otree.db.schema import sync_schema
    from otree.project import get_project

    assert sync_schema(get_engine(), CoreBase.metadata, get_project().metadata) == []


def test_a_changed_field_type_raises_schema_error_naming_the_column(v1_code, tmp_path, db_url):
    with pytest.raises(SchemaError) as info:
        load_version("schema_v3", tmp_path, db_url)
    message = str(info.value)
    assert "study_player.age" in message
    assert "otree resetdb" in message
    assert "answer" not in message  # only the column that changed is reported


def test_resetdb_fixes_a_changed_field_type_and_leaves_empty_tables(v1_code, tmp_path, db_url, monkeypatch):
    with pytest.raises(SchemaError):
        load_version("schema_v3", tmp_path, db_url)

    monkeypatch.chdir(tmp_path / "copy_of_schema_v3" / "schema_v3")
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert otree_main(["resetdb", "--noinput"]) == 0

    project = load_project(str(tmp_path / "copy_of_schema_v3" / "schema_v3"), database_url=db_url)
    with unit_of_work():
        for table in ("otree_session", "otree_participant", "study_subsession", "study_group",
                      "study_player", "study_guess"):
            assert count(table) == 0, table
        session = create_session("study", 2)
        player = session.get_subsessions()[0].get_players()[0]
        player.age = "thirty"  # now a StringField
        code = session.code
    with unit_of_work():
        assert get_session(code).get_subsessions()[0].get_players()[0].age == "thirty"
    assert project.apps["study"].Player.__table__.name == "study_player"


def test_resetdb_also_drops_tables_no_model_knows(load, tmp_path, db_url, monkeypatch):
    """Tables of a removed app or ExtraModel do not survive resetdb."""
    load_version("schema_v2", tmp_path, db_url)
    with unit_of_work():
        create_session("study", 2)
    path = copy_project("schema_v1", tmp_path / "v1")
    monkeypatch.chdir(path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert otree_main(["resetdb", "--noinput"]) == 0
    tables = set(inspect(get_engine()).get_table_names())
    assert "study_guess" not in tables
    assert {"otree_session", "study_player"} <= tables
    with unit_of_work():
        assert count("otree_session") == 0
