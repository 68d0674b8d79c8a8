"""otree.forms: validation, saving and markup of page forms, on the `forms` test project and a real SQLite DB."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from markupsafe import Markup
from sqlalchemy import select
from starlette.datastructures import FormData

import otree.db
from otree.conf import settings
from otree.currency import Currency, RealWorldCurrency, cu
from otree.forms import Form
from otree.session import create_session

REQUIRED = "This field is required."


# -- a small HTML tree, to check markup without depending on attribute order -------------

VOID_TAGS = {"input", "br", "hr", "img", "meta", "link"}


@dataclass(eq=False)  # compared by identity: elements link to parents and children
class Element:
    tag: str
    attrs: dict
    parent: "Element | None" = None
    text: str = ""
    children: list = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.stack: list[Element] = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), parent=self.stack[-1] if self.stack else None)
        if element.parent is not None:
            element.parent.children.append(element)
        self.elements.append(element)
        if tag not in VOID_TAGS:
            self.stack.append(element)

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop().tag == tag:
                break

    def handle_data(self, data):
        for element in self.stack:
            element.text += data


@functools.lru_cache(maxsize=64)
def _parse_cached(html: str) -> tuple[Element, ...]:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    assert not builder.stack, f"unclosed elements in {html}"
    return tuple(builder.elements)


def parse(html: str) -> tuple[Element, ...]:
    """The elements of `html` in document order (the same objects for the same text)."""
    return _parse_cached(str(html))


def find(html: str, tag: str, **attrs) -> list[Element]:
    """Elements of `tag` whose attributes match (`class_` checks that a class is present)."""
    wanted_class = attrs.pop("class_", None)
    found = []
    for element in parse(html):
        if element.tag != tag:
            continue
        if wanted_class and wanted_class not in element.classes:
            continue
        if all(element.attrs.get(key) == value for key, value in attrs.items()):
            found.append(element)
    return found


def one(html: str, tag: str, **attrs) -> Element:
    found = find(html, tag, **attrs)
    assert len(found) == 1, f"expected one <{tag} {attrs}>, found {len(found)} in:\n{html}"
    return found[0]


# -- fixtures ----------------------------------------------------------------------------


@pytest.fixture
def survey(load_sqlite):
    """A 2-player session of the `forms` project, inside an open unit of work."""
    project = load_sqlite("forms")
    app = project.apps["survey"]
    with otree.db.unit_of_work() as db:
        create_session("forms", 2)
        players = list(db.scalars(select(app.Player).order_by(app.Player.id_in_subsession)))

        def form(fields, data=None, instance=None):
            return Form(instance if instance is not None else players[0], list(fields), app, data=data)

        yield SimpleNamespace(app=app, db=db, players=players, player=players[0], form=form)


def validate_one(survey, name, value, instance=None):
    """Validate a single field posted as `value`; returns the form."""
    data = {} if value is None else {name: value}
    form = survey.form([name], data, instance=instance)
    form.validate()
    return form


def error_of(survey, name, value, instance=None):
    return validate_one(survey, name, value, instance).errors.get(name)


def cleaned(survey, name, value, instance=None):
    form = validate_one(survey, name, value, instance)
    assert form.errors == {}, form.errors
    return form.cleaned_data[name]


# -- construction ------------------------------------------------------------------------


def test_unknown_field_names_model_and_form_fields(survey):
    with pytest.raises(ValueError) as info:
        survey.form(["age", "nope"])
    message = str(info.value)
    assert "Player" in message and "nope" in message and "form_fields" in message


def test_render_field_outside_form_fields_is_an_error(survey):
    with pytest.raises(ValueError, match="form_fields"):
        survey.form(["age"]).render_field("name")


# -- required and blank ------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["age", "ratio", "amount", "weight", "name", "color", "size", "level", "agree", "consent", "tags"]
)
def test_required_fields(survey, name):
    assert error_of(survey, name, None) == REQUIRED
    assert error_of(survey, name, "") == REQUIRED


@pytest.mark.parametrize("name", ["age", "name", "amount", "color"])
def test_whitespace_only_counts_as_empty(survey, name):
    assert error_of(survey, name, "   ") == REQUIRED


@pytest.mark.parametrize(
    "name, expected",
    [
        ("temperature", None),
        ("dollars", None),
        ("essay", ""),
        ("comment", ""),
        ("fruit", ""),
        ("newsletter", False),
        ("extras", []),
        ("secret", ""),
    ],
)
def test_blank_fields_may_be_left_empty(survey, name, expected):
    assert cleaned(survey, name, None) == expected
    assert cleaned(survey, name, "") == expected


# -- numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["abc", "1.5", "1e3", "1_000", "12a", "--1"])
def test_integer_field_rejects_non_integers(survey, value):
    assert error_of(survey, "age", value) == "Enter a whole number."


@pytest.mark.parametrize("value, expected", [("20", 20), (" 21 ", 21), ("22.0", 22), ("+23", 23)])
def test_integer_field_parses(survey, value, expected):
    result = cleaned(survey, "age", value)
    assert result == expected and type(result) is int


@pytest.mark.parametrize("name", ["ratio", "amount", "dollars", "weight"])
@pytest.mark.parametrize("value", ["abc", "nan", "inf", "-inf", "1,5", "1_0", "0x10"])
def test_number_fields_reject_non_numbers(survey, name, value):
    assert error_of(survey, name, value) == "Enter a number."


def test_float_field_rejects_overflow(survey):
    assert error_of(survey, "ratio", "1e999") == "Enter a number."


def test_float_field_parses(survey):
    result = cleaned(survey, "ratio", "-0.25")
    assert result == -0.25 and type(result) is float
    assert cleaned(survey, "ratio", ".5") == 0.5


def test_integer_beyond_database_range(survey):
    assert error_of(survey, "temperature", "9999999999") == "Ensure this value is less than or equal to 2147483647."


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("age", "12", "Ensure this value is greater than or equal to 13."),
        ("age", "121", "Ensure this value is less than or equal to 120."),
        ("ratio", "-1.5", "Ensure this value is greater than or equal to -1."),
        ("ratio", "1.01", "Ensure this value is less than or equal to 1."),
        # numeric fields without choices have min=0 unless told otherwise
        ("amount", "-1", "Ensure this value is greater than or equal to 0."),
        ("bounded", "6", "Ensure this value is less than or equal to 5."),
    ],
)
def test_static_min_and_max(survey, name, value, message):
    assert error_of(survey, name, value) == message


@pytest.mark.parametrize("name, value", [("age", "13"), ("age", "120"), ("ratio", "-1"), ("ratio", "1"),
                                         ("bounded", "0"), ("temperature", "-40")])
def test_limits_are_inclusive(survey, name, value):
    assert error_of(survey, name, value) is None


def test_dynamic_min_and_max_hooks_take_precedence(survey):
    first, second = survey.players  # offer_min is 10 * id_in_group; offer_max is 50 (field says 1000)
    assert error_of(survey, "offer", "15", first) is None
    assert error_of(survey, "offer", "15", second) == "Ensure this value is greater than or equal to 20."
    assert error_of(survey, "offer", "5", first) == "Ensure this value is greater than or equal to 10."
    assert error_of(survey, "offer", "60", first) == "Ensure this value is less than or equal to 50."
    assert error_of(survey, "offer", "50", second) is None


def test_dynamic_max_on_a_group_form(survey):
    group = survey.player.group
    assert error_of(survey, "total", "31", group) == "Ensure this value is less than or equal to 30 points."
    form = validate_one(survey, "total", "30", group)
    assert form.errors == {}
    form.save()
    assert group.total == 30 and isinstance(group.total, Currency)


# -- text --------------------------------------------------------------------------------


def test_max_length(survey):
    assert error_of(survey, "name", "abcdef") == "Ensure this value has at most 5 characters (it has 6)."
    assert cleaned(survey, "name", "abcde") == "abcde"


def test_strings_are_stripped(survey):
    assert cleaned(survey, "name", "  abc \n") == "abc"
    assert cleaned(survey, "essay", "  line one\nline two  ") == "line one\nline two"


def test_long_string_has_no_length_limit(survey):
    assert cleaned(survey, "essay", "x" * 20000) == "x" * 20000


# -- choices -----------------------------------------------------------------------------


def test_static_choices(survey):
    assert cleaned(survey, "color", "g") == "g"
    assert error_of(survey, "color", "Green") == (
        "Select a valid choice. Green is not one of the available choices."
    )
    size = cleaned(survey, "size", "2")
    assert size == 2 and type(size) is int
    assert error_of(survey, "size", "4") == "Select a valid choice. 4 is not one of the available choices."
    assert error_of(survey, "size", "two") == "Select a valid choice. two is not one of the available choices."
    assert cleaned(survey, "fruit", "pear") == "pear"


def test_choices_are_not_limited_by_min(survey):
    # `min` applies to free number input only; choices are checked against the list.
    assert cleaned(survey, "stake", "0") == 0


def test_currency_choices_are_currency(survey):
    stake = cleaned(survey, "stake", "5")
    assert stake == cu(5) and isinstance(stake, Currency)
    assert cleaned(survey, "stake", "10.0") == cu(10)  # the same number written differently
    assert error_of(survey, "stake", "7") == "Select a valid choice. 7 is not one of the available choices."


def test_dynamic_choices_hook(survey):
    assert cleaned(survey, "level", "2") == 2
    assert error_of(survey, "level", "3") == "Select a valid choice. 3 is not one of the available choices."
    # pick_choices() replaces the declared choices [1, 2]
    assert cleaned(survey, "pick", "8") == 8
    assert error_of(survey, "pick", "1") == "Select a valid choice. 1 is not one of the available choices."


# -- booleans ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected", [("True", True), ("False", False), ("1", True), ("0", False), ("true", True)]
)
def test_boolean_radio_values(survey, value, expected):
    assert cleaned(survey, "agree", value) is expected
    assert cleaned(survey, "approve", value) is expected


def test_boolean_radio_rejects_other_values(survey):
    assert error_of(survey, "agree", "maybe") == (
        "Select a valid choice. maybe is not one of the available choices."
    )


def test_required_checkbox_must_be_checked(survey):
    assert error_of(survey, "consent", None) == REQUIRED
    assert error_of(survey, "consent", "0") == REQUIRED
    assert error_of(survey, "consent", "False") == REQUIRED
    assert cleaned(survey, "consent", "1") is True
    assert cleaned(survey, "consent", "on") is True


def test_optional_checkbox_unchecked_is_false(survey):
    assert cleaned(survey, "newsletter", None) is False
    assert cleaned(survey, "newsletter", "1") is True


# -- several choices ---------------------------------------------------------------------


def test_multi_string_field(survey):
    assert cleaned(survey, "tags", ["a", "c"]) == ["a", "c"]
    assert cleaned(survey, "tags", ["c", "a", "c"]) == ["c", "a"]
    assert cleaned(survey, "tags", "b") == ["b"]  # a single value is a list of one
    assert error_of(survey, "tags", []) == REQUIRED
    assert error_of(survey, "tags", ["a", "z"]) == "Select a valid choice. z is not one of the available choices."
    assert error_of(survey, "tags", ["Apple"]) == (
        "Select a valid choice. Apple is not one of the available choices."
    )
    assert cleaned(survey, "extras", []) == []


def test_starlette_form_data(survey):
    data = FormData([("tags", "a"), ("tags", "b"), ("age", "40"), ("consent", "1")])
    form = survey.form(["tags", "age", "consent"], data)
    assert form.validate(), form.errors
    assert form.cleaned_data == {"tags": ["a", "b"], "age": 40, "consent": True}


def test_last_posted_value_wins_for_single_fields(survey):
    data = FormData([("age", "abc"), ("age", "30")])
    form = survey.form(["age"], data)
    assert form.validate()
    assert form.cleaned_data["age"] == 30


# -- hooks and form-level errors -----------------------------------------------------------


def test_error_message_hook(survey):
    assert error_of(survey, "even", "3") == "Please enter an even number"
    assert cleaned(survey, "even", "4") == 4
    # the hook only sees values that passed the built-in checks
    assert error_of(survey, "even", "x") == "Enter a whole number."


def test_error_message_hook_on_a_self_format_page(survey):
    class SelfFormatPage:  # oTree <= 3 put <field>_error_message(self, value) on the page
        def age_error_message(self, value):
            if value == 42:
                return "Not 42"

    form = Form(survey.player, ["age"], survey.app, data={"age": "42"}, page=SelfFormatPage())
    assert not form.validate()
    assert form.errors == {"age": "Not 42"}


def test_add_error_for_the_whole_form(survey):
    form = survey.form(["age"], {"age": "30"})
    assert form.validate()
    assert form.non_field_error is None and not form.has_errors()
    form.add_error("__all__", "Your answers do not add up")
    assert form.has_errors()
    assert form.non_field_error == "Your answers do not add up"
    assert form.errors == {"__all__": "Your answers do not add up"}
    other = survey.form(["age"], {"age": "30"})
    other.validate()
    other.add_error(None, "Also form-wide")
    assert other.non_field_error == "Also form-wide"


def test_add_error_for_a_field(survey):
    form = survey.form(["age", "name"], {"age": "30", "name": "Ann"})
    assert form.validate()
    form.add_error("age", "Too old for this study")
    assert form.errors == {"age": "Too old for this study"}
    assert "age" not in form.cleaned_data
    assert "Too old for this study" in form.render_errors("age")
    with pytest.raises(ValueError, match="form_fields"):
        form.add_error("nope", "x")
    with pytest.raises(RuntimeError):
        form.save()


def test_validate_collects_all_errors(survey):
    form = survey.form(["age", "name", "color"], {"age": "x", "name": "toolong", "color": "r"})
    assert form.validate() is False
    assert set(form.errors) == {"age", "name"}
    assert form.cleaned_data == {"color": "r"}


# -- saving ------------------------------------------------------------------------------


def test_save_writes_typed_values(survey):
    player = survey.player
    data = {
        "age": "30", "ratio": "0.5", "amount": "12.6", "dollars": "3.456", "weight": "2.5", "name": "Ann",
        "essay": "Hello", "color": "g", "size": "3", "level": "1", "stake": "10", "agree": "False",
        "consent": "1", "tags": ["b", "a"], "temperature": "", "fruit": "",
    }
    form = survey.form(list(data), data)
    assert form.validate(), form.errors
    form.save()
    survey.db.flush()
    survey.db.expire(player)  # read back from the database
    assert player.age == 30
    assert player.ratio == 0.5
    assert player.amount == cu(13) and type(player.amount) is Currency  # rounded to 0 places
    assert player.dollars == Decimal("3.46") and type(player.dollars) is RealWorldCurrency
    assert player.weight == Decimal("2.5") and type(player.weight).__name__ == "Kg"
    assert player.name == "Ann" and player.essay == "Hello" and player.color == "g"
    assert player.size == 3 and player.level == 1
    assert player.stake == 10 and isinstance(player.stake, Currency)
    assert player.agree is False and player.consent is True
    assert player.tags == ["b", "a"]
    assert player.field_maybe_none("temperature") is None
    assert player.fruit == ""


def test_failed_validation_writes_nothing(survey):
    player = survey.player
    form = survey.form(["age", "name"], {"age": "500", "name": "Bob"})
    assert not form.validate()
    with pytest.raises(RuntimeError):
        form.save()
    assert player.field_maybe_none("age") is None
    assert player.field_maybe_none("name") is None  # valid fields are not written either


def test_validate_does_not_write(survey):
    form = survey.form(["age"], {"age": "30"})
    assert form.validate()
    assert survey.player.field_maybe_none("age") is None
    form.save()
    assert survey.player.age == 30


def test_save_needs_validate(survey):
    with pytest.raises(RuntimeError):
        survey.form(["age"], {"age": "30"}).save()


# -- markup ------------------------------------------------------------------------------


def test_field_block_structure(survey):
    html = survey.form(["age"]).render_field("age")
    block = one(html, "div", class_="_formfield")
    assert {"mb-3", "_formfield"} <= block.classes
    label = one(html, "label", **{"for": "id_age"})
    assert label.classes == {"col-form-label"} and label.text == "Your age"
    controls = one(html, "div", class_="controls")
    field_input = one(html, "input", name="age")
    assert field_input.parent is controls and controls.parent is block
    assert isinstance(html, Markup)


def test_label_fallbacks(survey):
    form = survey.form(["placeholder_text", "age"])
    assert one(form.render_field("placeholder_text"), "label").text == "Placeholder text"
    assert one(form.render_field("age"), "label").text == "Your age"
    assert one(form.render_field("age", label="How old are you?"), "label").text == "How old are you?"


def test_integer_input(survey):
    html = survey.form(["age"]).render_field("age")
    attrs = one(html, "input", name="age").attrs
    assert attrs["type"] == "number" and attrs["id"] == "id_age" and attrs["class"] == "form-control"
    assert attrs["step"] == "1" and attrs["min"] == "13" and attrs["max"] == "120"
    assert attrs["inputmode"] == "numeric"
    assert "required" in attrs and "value" not in attrs


def test_integer_input_allowing_negatives(survey):
    attrs = one(survey.form(["temperature"]).render_field("temperature"), "input").attrs
    assert "inputmode" not in attrs and "min" not in attrs and "required" not in attrs


def test_dynamic_limits_in_markup(survey):
    second = survey.players[1]
    attrs = one(survey.form(["offer"], instance=second).render_field("offer"), "input").attrs
    assert attrs["min"] == "20" and attrs["max"] == "50"


def test_float_input(survey):
    attrs = one(survey.form(["ratio"]).render_field("ratio"), "input").attrs
    assert attrs["type"] == "number" and attrs["step"] == "any" and attrs["min"] == "-1" and attrs["max"] == "1"


def test_currency_input_shows_unit(survey):
    html = survey.form(["amount"]).render_field("amount")
    group = one(html, "div", class_="input-group")
    field_input = one(html, "input", name="amount")
    assert field_input.parent is group
    assert field_input.attrs["step"] == "1" and field_input.attrs["min"] == "0"
    assert one(html, "span", class_="input-group-text").text == "points"
    assert one(html, "p", class_="form-text").text == "Any amount up to your budget"
    assert "text-muted" in one(html, "p", class_="form-text").classes


def test_currency_input_follows_settings(survey):
    form = survey.form(["amount", "dollars"])
    with settings.override(POINTS_DECIMAL_PLACES=2, POINTS_CUSTOM_NAME="tokens"):
        html = form.render_field("amount")
        assert one(html, "input").attrs["step"] == "0.01"
        assert one(html, "span").text == "tokens"
    with settings.override(USE_POINTS=False):
        html = form.render_field("amount")
        assert one(html, "input").attrs["step"] == "0.01"
        assert one(html, "span").text == "€"
    with settings.override(REAL_WORLD_CURRENCY_CODE="JPY", REAL_WORLD_CURRENCY_DECIMAL_PLACES=0):
        html = form.render_field("dollars")
        assert one(html, "input").attrs["step"] == "1"
        assert one(html, "span").text == "¥"
    html = form.render_field("dollars")
    assert one(html, "span").text == "€" and one(html, "input").attrs["step"] == "0.01"


def test_decimal_unit_input(survey):
    html = survey.form(["weight"]).render_field("weight")
    assert one(html, "input").attrs["step"] == "0.1"
    assert one(html, "span", class_="input-group-text").text == "kg"


def test_text_input(survey):
    attrs = one(survey.form(["name"]).render_field("name"), "input").attrs
    assert attrs["type"] == "text" and attrs["maxlength"] == "5" and attrs["class"] == "form-control"
    assert attrs["name"] == "name" and attrs["id"] == "id_name" and "required" in attrs


def test_widget_attrs_are_added(survey):
    attrs = one(survey.form(["placeholder_text"]).render_field("placeholder_text"), "input").attrs
    assert attrs["placeholder"] == 'Type "here"'


def test_textarea(survey):
    html = survey.form(["essay"]).render_field("essay")
    area = one(html, "textarea", name="essay")
    assert area.attrs["id"] == "id_essay" and area.attrs["class"] == "form-control"
    assert int(area.attrs["rows"]) >= 3
    assert "required" not in area.attrs
    assert not find(html, "input")


def test_select(survey):
    html = survey.form(["color"]).render_field("color")
    select_element = one(html, "select", name="color")
    assert select_element.attrs["id"] == "id_color" and select_element.classes == {"form-select"}
    assert "required" in select_element.attrs
    options = find(html, "option")
    assert [(o.attrs["value"], o.text) for o in options] == [("", "--------"), ("r", "Red"), ("g", "Green")]
    assert not any("selected" in o.attrs for o in options)


def test_select_with_currency_choices(survey):
    options = find(survey.form(["stake"]).render_field("stake"), "option")
    assert [(o.attrs["value"], o.text) for o in options[1:]] == [("0", "0 points"), ("5", "5 points"),
                                                                 ("10", "10 points")]


def test_radio_select(survey):
    html = survey.form(["size"]).render_field("size")
    radios = find(html, "input", type="radio")
    assert [r.attrs["id"] for r in radios] == ["id_size-0", "id_size-1", "id_size-2"]
    assert [r.attrs["value"] for r in radios] == ["1", "2", "3"]
    for radio in radios:
        assert radio.attrs["name"] == "size" and radio.classes == {"form-check-input"}
        assert "required" in radio.attrs
        wrapper = radio.parent
        assert wrapper.classes == {"form-check"}
        label = one(html, "label", **{"for": radio.attrs["id"]})
        assert label.classes == {"form-check-label"} and label.parent is wrapper
    assert not find(html, "option")
    assert one(html, "label", **{"for": "id_size"}).text == "Size"


def test_radio_select_horizontal_with_dynamic_choices(survey):
    html = survey.form(["level"]).render_field("level")
    radios = find(html, "input", type="radio")
    assert [r.attrs["value"] for r in radios] == ["1", "2"]
    assert all({"form-check", "form-check-inline"} <= r.parent.classes for r in radios)
    assert [label.text for label in find(html, "label", class_="form-check-label")] == ["Low", "High"]


def test_boolean_defaults_to_yes_no_radio(survey):
    html = survey.form(["agree"]).render_field("agree")
    radios = find(html, "input", type="radio")
    assert [r.attrs["value"] for r in radios] == ["True", "False"]
    assert [label.text for label in find(html, "label", class_="form-check-label")] == ["Yes", "No"]
    assert one(html, "label", class_="col-form-label").text == "Do you agree?"


def test_checkbox(survey):
    html = survey.form(["consent"]).render_field("consent")
    box = one(html, "input", name="consent")
    assert box.attrs["type"] == "checkbox" and box.attrs["value"] == "1" and box.attrs["id"] == "id_consent"
    assert box.classes == {"form-check-input"} and "required" in box.attrs and "checked" not in box.attrs
    assert box.parent.classes == {"form-check"}
    label = one(html, "label")
    assert label.attrs["for"] == "id_consent" and label.classes == {"form-check-label"}
    assert label.text == "I consent" and label.parent is box.parent
    optional = one(survey.form(["newsletter"]).render_field("newsletter"), "input")
    assert "required" not in optional.attrs


def test_multi_string_field_checkboxes(survey):
    html = survey.form(["tags"]).render_field("tags")
    boxes = find(html, "input", type="checkbox")
    assert [(b.attrs["id"], b.attrs["value"]) for b in boxes] == [("id_tags-0", "a"), ("id_tags-1", "b"),
                                                                  ("id_tags-2", "c")]
    assert all(b.attrs["name"] == "tags" and "required" not in b.attrs for b in boxes)
    assert [label.text for label in find(html, "label", class_="form-check-label")] == ["Apple", "Banana", "Cherry"]


def test_hidden_input(survey):
    survey.player.secret = "s3"
    html = survey.form(["secret"]).render_field("secret")
    field_input = one(html, "input")
    assert field_input.attrs == {"type": "hidden", "name": "secret", "id": "id_secret", "value": "s3"}
    assert not find(html, "label")


def test_render_all_in_form_fields_order(survey):
    names = ["name", "age", "color", "consent"]
    html = survey.form(names).render_all()
    blocks = find(html, "div", class_="_formfield")
    assert len(blocks) == 4
    named = [e.attrs["name"] for e in parse(html) if e.tag in ("input", "select") and "name" in e.attrs]
    assert named == names


def test_errors_are_rendered_in_the_field_block(survey):
    form = survey.form(["age", "name"], {"age": "5", "name": "Al"})
    assert not form.validate()
    html = form.render_field("age")
    error = one(html, "div", class_="form-control-errors")
    assert error.text == "Ensure this value is greater than or equal to 13."
    assert one(html, "div", class_="_formfield") in error.ancestors()
    assert form.render_errors("name") == ""
    assert not find(form.render_field("name"), "div", class_="form-control-errors")


# -- escaping ----------------------------------------------------------------------------


def test_labels_choices_and_help_are_escaped(survey):
    html = survey.form(["tricky"]).render_field("tricky")
    assert "<script" not in html and "<i>" not in html
    assert one(html, "label").text == '<script>alert("label")</script>'
    option = find(html, "option")[1]
    assert option.attrs["value"] == "<b>" and option.text == '<script>alert("choice")</script>'
    assert one(html, "p", class_="form-text").text == "<i>help</i>"
    # and the value round-trips
    assert cleaned(survey, "tricky", "<b>") == "<b>"


def test_label_argument_escaped_unless_markup(survey):
    form = survey.form(["age"])
    assert "<u>" not in form.render_field("age", label="<u>Age</u>")
    assert one(form.render_field("age", label="<u>Age</u>"), "label").text == "<u>Age</u>"
    html = form.render_field("age", label=Markup("<u>Age</u>"))
    assert one(html, "u").text == "Age"


def test_submitted_values_and_errors_are_escaped(survey):
    evil = '"><script>alert(1)</script>'
    form = survey.form(["name", "color", "essay"], {"name": evil, "color": evil, "essay": "</textarea><script>"})
    assert not form.validate()
    html = form.render_all()
    assert "<script" not in html
    assert one(html, "input", name="name").attrs["value"] == evil
    assert evil in one(form.render_field("color"), "div", class_="form-control-errors").text
    assert one(html, "textarea").text.strip() == "</textarea><script>"


# -- pre-filled and re-displayed values ------------------------------------------------------


def test_existing_values_are_prefilled(survey):
    player = survey.player
    player.age = 30
    player.color = "g"
    player.size = 2
    player.agree = False
    player.tags = ["b", "c"]
    player.consent = True
    player.amount = cu(7)
    player.essay = "Hello <there>"
    player.stake = cu(5)
    form = survey.form(["age", "color", "size", "agree", "tags", "consent", "amount", "essay", "stake"])
    html = form.render_all()
    assert one(html, "input", name="age").attrs["value"] == "30"
    assert one(html, "input", name="amount").attrs["value"] == "7"
    assert one(html, "option", value="g").attrs.keys() >= {"selected"}
    assert "selected" not in one(html, "option", value="r").attrs
    assert "selected" in one(html, "option", value="5").attrs  # currency choice
    assert [("checked" in r.attrs) for r in find(html, "input", name="size")] == [False, True, False]
    assert [("checked" in r.attrs) for r in find(html, "input", name="agree")] == [False, True]
    assert [("checked" in r.attrs) for r in find(html, "input", name="tags")] == [False, True, True]
    assert "checked" in one(html, "input", name="consent").attrs
    assert one(html, "textarea").text.strip() == "Hello <there>"
    assert not find(html, "div", class_="form-control-errors")


def test_redisplay_keeps_submitted_values(survey):
    data = FormData([
        ("age", "5"), ("name", "Zoe"), ("color", "g"), ("size", "2"), ("agree", "1"), ("tags", "a"),
        ("tags", "c"), ("consent", "1"), ("ratio", "abc"), ("essay", "Draft"), ("amount", "12.6"),
    ])
    form = survey.form(["age", "name", "color", "size", "agree", "tags", "consent", "ratio", "essay", "amount"], data)
    assert not form.validate()
    assert set(form.errors) == {"age", "ratio"}
    html = form.render_all()
    assert one(html, "input", name="age").attrs["value"] == "5"
    assert one(html, "input", name="ratio").attrs["value"] == "abc"  # invalid input is shown as typed
    assert one(html, "input", name="name").attrs["value"] == "Zoe"
    assert "selected" in one(html, "option", value="g").attrs
    assert [("checked" in r.attrs) for r in find(html, "input", name="size")] == [False, True, False]
    assert [("checked" in r.attrs) for r in find(html, "input", name="agree")] == [True, False]
    assert [("checked" in r.attrs) for r in find(html, "input", name="tags")] == [True, False, True]
    assert "checked" in one(html, "input", name="consent").attrs
    assert one(html, "textarea").text.strip() == "Draft"
    assert one(html, "input", name="amount").attrs["value"] == "12.6"  # as typed, not rounded


def test_redisplay_prefers_submitted_over_saved(survey):
    survey.player.color = "r"
    form = survey.form(["color", "age"], {"color": "g", "age": "1"})
    assert not form.validate()
    html = form.render_all()
    assert "selected" in one(html, "option", value="g").attrs
    assert "selected" not in one(html, "option", value="r").attrs
