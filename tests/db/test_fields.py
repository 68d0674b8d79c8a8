"""Model fields: storage and Python types, None handling, declaration options, runtime type checks,
undeclared attributes, PARTICIPANT_FIELDS / SESSION_FIELDS, choice display and ExtraModel.

Uses tests/projects/fields (app `kinds`: one field of every kind) and tests/projects/basic.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select, text

from otree.api import models
from otree.currency import Currency, RealWorldCurrency, cu
from otree.db import current_session, unit_of_work
from otree.db.core import Session
from otree.session import create_session


def new_session(config: str = "fields", num_participants: int = 2) -> str:
    """Create a session in its own unit of work; return its code."""
    with unit_of_work():
        return create_session(config, num_participants).code


def get_session(code: str) -> Session:
    return current_session().scalars(select(Session).filter_by(code=code)).one()


def first_player(code: str):
    return get_session(code).get_participants()[0].get_players()[0]


# -- storing and reloading ---------------------------------------------------------------


def test_every_field_kind_round_trips_with_its_python_type(load):
    """A value set in one unit of work comes back equal and of the same type in the next."""
    project = load("fields")
    Kg = project.apps["kinds"].module.Kg
    code = new_session()
    values = dict(
        integer=(42, int),
        number=(2.5, float),
        points=(cu(12), Currency),
        dollars=(RealWorldCurrency("1.25"), RealWorldCurrency),
        text=("héllo ✓ 'quoted'", str),
        long_text=("x" * 20000, str),
        flag=(False, bool),
        amount=(Decimal("3.14"), Decimal),
        weight=(Kg("2.5"), Kg),
        tags=(["a", "c"], list),
        legacy_char=("abc", str),
        legacy_int=(5, int),
        legacy_text=("old style", str),
    )
    with unit_of_work():
        player = first_player(code)
        for name, (value, _type) in values.items():
            setattr(player, name, value)
        player.group.total = cu(30)
        player.subsession.note = "subsession note"

    with unit_of_work():
        player = first_player(code)
        loaded = {name: (getattr(player, name), type(getattr(player, name))) for name in values}
        assert loaded == {name: (value, type_) for name, (value, type_) in values.items()}
        assert player.group.total == 30 and type(player.group.total) is Currency
        assert player.subsession.note == "subsession note"


def test_numbers_are_converted_to_the_field_type_on_assignment(load_sqlite):
    """int to FloatField gives a float, a number to CurrencyField gives Currency, etc."""
    load_sqlite("fields")
    code = new_session()
    with unit_of_work():
        player = first_player(code)
        player.number = 3
        player.points = 7
        player.dollars = 0.1 + 0.2
        player.amount = 1.234
        assert type(player.number) is float
        assert type(player.points) is Currency and player.points == 7
        assert type(player.dollars) is RealWorldCurrency and player.dollars == Decimal("0.30")
        assert player.amount == Decimal("1.23")  # decimal_places=2


def test_currency_is_stored_as_exact_decimal_text(load):
    """No binary float on the way to the database: 0.1 + 0.2 dollars are stored as 0.30."""
    load("fields")
    code = new_session()
    with unit_of_work():
        player = first_player(code)
        player.dollars = 0.1 + 0.2
        player_id = player.id
    with unit_of_work() as db:
        raw = db.execute(text("SELECT dollars FROM kinds_player WHERE id = :id"), {"id": player_id}).scalar_one()
        assert raw == "0.30"


# -- None, initial values -------------------------------------------------------------------


def test_fields_are_null_by_default_and_reading_none_raises(load):
    load("fields")
    code = new_session()
    for _ in range(2):  # freshly created, then reloaded
        with unit_of_work():
            player = first_player(code)
            for obj, name in ((player, "integer"), (player, "flag"), (player.group, "total"),
                              (player.subsession, "note")):
                with pytest.raises(TypeError, match="field_maybe_none"):
                    getattr(obj, name)
                assert obj.field_maybe_none(name) is None


def test_field_maybe_none_returns_a_set_value_and_rejects_unknown_names(load_sqlite):
    load_sqlite("fields")
    code = new_session()
    with unit_of_work():
        player = first_player(code)
        player.integer = 0
        assert player.field_maybe_none("integer") == 0
        with pytest.raises(AttributeError):
            player.field_maybe_none("no_such_field")


def test_assigning_none_clears_a_field(load_sqlite):
    load_sqlite("fields")
    code = new_session()
    with unit_of_work():
        player = first_player(code)
        player.integer = 4
        player.integer = None
        assert player.field_maybe_none("integer") is None


def test_initial_and_its_alias_default(load):
    """initial= (or its Django-era alias default=) is the value of new rows, also after reloading."""
    load("fields")
    code = new_session()
    for _ in range(2):  # freshly created, then reloaded
        with unit_of_work():
            player = first_player(code)
            assert player.with_initial == 7
            assert player.with_default == "hello"
            assert player.cu_initial == 5 and type(player.cu_initial) is Currency
            assert player.tags_initial == ["a"]
            assert player.group.decided is False
            assert player.subsession.level == 3
            assert player.payoff == 0 and type(player.payoff) is Currency


def test_list_initial_value_is_not_shared_between_rows(load_sqlite):
    load_sqlite("fields")
    code = new_session()
    with unit_of_work():
        players = get_session(code).get_participants()
        first, second = (p.get_players()[0] for p in players)
        first.tags_initial.append("b")
        assert second.tags_initial == ["a"]
    with unit_of_work():
        first, second = (p.get_players()[0] for p in get_session(code).get_participants())
        assert first.tags_initial == ["a", "b"]
        assert second.tags_initial == ["a"]


def test_initial_of_the_wrong_type_is_rejected():
    with pytest.raises(TypeError):
        models.IntegerField(initial="seven").column("age")


# -- declaration options ---------------------------------------------------------------------


def test_label_and_its_alias_verbose_name():
    assert models.IntegerField(label="Your age?").label == "Your age?"
    assert models.IntegerField(verbose_name="Your age?").label == "Your age?"
    assert models.StringField().label is None


def test_initial_and_default_alias_on_the_field():
    assert models.IntegerField(initial=3).initial == 3
    assert models.IntegerField(default=3).initial == 3


def test_flat_choices_and_pairs_are_normalized_to_value_label_pairs():
    assert models.IntegerField(choices=[1, 2, 3]).choices == [(1, "1"), (2, "2"), (3, "3")]
    assert models.StringField(choices=[["r", "Red"], ("g", "Green")]).choices == [("r", "Red"), ("g", "Green")]
    assert models.BooleanField().choices == [(True, "Yes"), (False, "No")]
    assert models.BooleanField(choices=[[True, "Agree"], [False, "Disagree"]]).choices == [
        (True, "Agree"), (False, "Disagree")
    ]
    assert models.StringField().choices is None
    with pytest.raises(ValueError):
        models.IntegerField(choices=[[1, "One", "extra"]])


def test_numeric_fields_default_to_min_zero():
    """oTree 5.10+: numeric fields reject negatives unless min is given or choices are given."""
    for kind in (models.IntegerField, models.FloatField, models.CurrencyField,
                 models.RealWorldCurrencyField, models.DecimalField, models.PositiveIntegerField):
        assert kind().min == 0, kind.__name__
        assert kind(min=-5).min == -5, kind.__name__
        assert kind(min=None).min is None, kind.__name__
        assert kind(choices=[-1, 1]).min is None, kind.__name__
    assert models.StringField().min is None
    assert models.BooleanField().min is None


def test_max_length_and_choice_rules_of_string_fields():
    assert models.StringField().max_length == 10000
    assert models.CharField(max_length=20).max_length == 20
    assert models.LongStringField().max_length is None
    with pytest.raises(TypeError):
        models.LongStringField(choices=["a", "b"])
    with pytest.raises(TypeError):
        models.MultiStringField()  # needs choices


def test_unknown_keyword_argument_warns_but_django_leftovers_are_accepted_silently(recwarn):
    from otree.errors import ConfigWarning

    with pytest.warns(ConfigWarning, match="lable"):
        models.IntegerField(lable="typo")
    recwarn.clear()
    models.IntegerField(null=True, db_index=True)
    assert not [w for w in recwarn if issubclass(w.category, ConfigWarning)]


def test_basic_project_field_declarations(load_sqlite):
    project = load_sqlite("basic")
    fields = project.apps["game"].Player._otree_fields
    assert fields["contribution"].label == "How much?"
    assert (fields["contribution"].min, fields["contribution"].max) == (0, cu(100))
    assert fields["fruit"].choices == [("a", "Apple"), ("b", "Banana")]


# -- runtime type checks ---------------------------------------------------------------------


@pytest.mark.parametrize("name, value", [
    ("integer", "5"),
    ("integer", 5.0),
    ("integer", 5.5),
    ("text", 5),
    ("flag", "yes"),
    ("flag", 1),
    ("number", "2.5"),
    ("points", "10"),
    ("tags", "a"),
    ("tags", ["a", 1]),
    ("legacy_int", "1"),
    ("legacy_char", 1),
])
def test_assigning_a_value_of_the_wrong_type_raises_type_error(load_sqlite, name, value):
    load_sqlite("fields")
    code = new_session()
    with unit_of_work():
        player = first_player(code)
        with pytest.raises(TypeError, match=name):
            setattr(player, name, value)
        assert player.field_maybe_none(name) is None  # unchanged


def test_wrong_types_are_rejected_on_group_subsession_and_extra_models(load_sqlite):
    project = load_sqlite("fields")
    Note = project.apps["kinds"].module.Note
    code = new_session()
    with unit_of_work():
        player = first_player(code)
        with pytest.raises(TypeError):
            player.group.total = "lots"
        with pytest.raises(TypeError):
            player.subsession.level = "3"
        with pytest.raises(TypeError):
            Note.create(player=player, count="1")


def test_numpy_scalars_are_converted(load_sqlite):
    np = pytest.importorskip("numpy")
    load_sqlite("fields")
    code = new_session()
    with unit_of_work():
        player = first_player(code)
        player.integer = np.int64(3)
        player.number = np.float64(1.5)
        player.flag = np.bool_(True)
        assert (type(player.integer), type(player.number), type(player.flag)) == (int, float, bool)
    with unit_of_work():
        player = first_player(code)
        assert (player.integer, player.number, player.flag) == (3, 1.5, True)


# -- undeclared attributes -------------------------------------------------------------------


def test_assigning_an_undeclared_attribute_raises(load_sqlite):
    load_sqlite("fields")
    code = new_session()
    with unit_of_work():
        player = first_player(code)
        for obj in (player, player.group, player.subsession):
            with pytest.raises(AttributeError, match="undeclared"):
                obj.undeclared = 1
        with pytest.raises(AttributeError, match="PARTICIPANT_FIELDS"):
            player.participant.undeclared = 1
        with pytest.raises(AttributeError, match="SESSION_FIELDS"):
            player.session.undeclared = 1
        with pytest.raises(AttributeError):
            player.participant.undeclared  # noqa: B018 - reading it fails too


def test_participant_and_session_fields(load):
    """PARTICIPANT_FIELDS and SESSION_FIELDS are settable attributes, saved like vars."""
    load("basic")
    code = new_session("game", 3)
    with unit_of_work():
        session = get_session(code)
        participant = session.get_participants()[0]
        with pytest.raises(AttributeError):
            participant.finished  # noqa: B018 - declared but never set
        participant.finished = True
        participant.score_list = [1, 2]
        session.market_price = cu(15)
    with unit_of_work():
        session = get_session(code)
        first, second, _ = session.get_participants()
        assert first.finished is True
        assert first.score_list == [1, 2]
        assert first.vars["finished"] is True  # stored in participant.vars, as in oTree
        assert session.market_price == 15 and type(session.market_price) is Currency
        assert session.vars["market_price"] == 15
        assert not hasattr(second, "finished")


# -- display of choices ----------------------------------------------------------------------


def test_get_field_display_and_field_display(load_sqlite):
    load_sqlite("fields")
    code = new_session()
    with unit_of_work():
        player = first_player(code)
        player.color = "g"
        player.flag = False
        player.size = 2
        assert player.get_color_display() == "Green"
        assert player.field_display("color") == "Green"
        assert player.get_flag_display() == "No"
        assert player.get_size_display() == "Medium"  # from the size_choices hook
        with pytest.raises(AttributeError):
            player.get_nothing_display()


def test_basic_project_display(load_sqlite):
    load_sqlite("basic")
    code = new_session("game", 3)
    with unit_of_work():
        player = first_player(code)
        player.fruit = "b"
        assert player.get_fruit_display() == "Banana"


# -- ExtraModel ------------------------------------------------------------------------------


def test_extra_model_create_filter_values_dicts_delete(load):
    project = load("fields")
    Note = project.apps["kinds"].module.Note
    assert Note.__table__.name == "kinds_note"
    code = new_session()
    with unit_of_work():
        first, second = (p.get_players()[0] for p in get_session(code).get_participants())
        n1 = Note.create(player=first, group=first.group, body="one", value=cu(1))
        Note.create(player=first, body="two", value=cu(2))
        Note.create(player=second, body="three")
        assert n1.player is first and n1.group is first.group
        assert n1.count == 0  # initial
        assert [n.body for n in Note.filter(player=first)] == ["one", "two"]  # visible before commit
        first_id, second_id = first.id, second.id

    with unit_of_work() as db:
        Player = project.apps["kinds"].Player
        first, second = db.get(Player, first_id), db.get(Player, second_id)
        notes = Note.filter(player=first)
        assert [n.body for n in notes] == ["one", "two"]
        assert notes[0].player is first
        assert type(notes[0].value) is Currency and notes[0].value == 1
        assert [n.body for n in Note.filter(group=first.group)] == ["one"]
        assert [n.body for n in Note.filter(player=second)] == ["three"]
        assert len(Note.filter()) == 3
        assert Note.values_dicts(player=second) == [
            {"id": Note.filter(player=second)[0].id, "body": "three", "value": None, "count": 0}
        ]
        notes[0].delete()

    with unit_of_work() as db:
        first = db.get(project.apps["kinds"].Player, first_id)
        assert [n.body for n in Note.filter(player=first)] == ["two"]
        assert [n.body for n in Note.filter(player=first, body="two")] == ["two"]
        assert Note.filter(player=first, body="one") == []


def test_extra_model_filter_needs_a_link_argument(load_sqlite):
    project = load_sqlite("fields")
    Note = project.apps["kinds"].module.Note
    new_session()
    with unit_of_work():
        with pytest.raises(ValueError, match="player"):
            Note.filter(body="one")
        with pytest.raises(TypeError):
            Note.filter(player=None, nonexistent=1)
