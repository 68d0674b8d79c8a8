"""Per-kind knowledge on the types: which widget shows a field, how each kind reads submitted text,
and what a page's timeout submits for a field nobody filled in."""

from __future__ import annotations

from decimal import Decimal

import pytest

from otree import widgets
from otree.currency import Currency
from otree.db import fields
from otree.db.fields import InvalidInput
from otree.widgets import widget_for


def shown_as(field: fields.Field, has_choices: bool = False) -> str:
    return widget_for(field, has_choices, "Player.x").form_kind


@pytest.mark.parametrize("field, has_choices, kind", [
    # No widget named: the field's defaults.
    (fields.IntegerField(), False, "number"),
    (fields.CurrencyField(), False, "number"),
    (fields.StringField(), False, "text"),
    (fields.LongStringField(), False, "textarea"),
    (fields.LongStringField(), True, "select"),  # choices from a <field>_choices hook
    (fields.IntegerField(choices=[1, 2]), True, "select"),
    (fields.BooleanField(), True, "radio"),  # Yes / No
    (fields.MultiStringField(choices=["a", "b"]), True, "checkboxes"),
    # A named widget, where it fits the field.
    (fields.IntegerField(widget=widgets.Slider), False, "slider"),
    (fields.IntegerField(choices=[1, 2], widget=widgets.RadioSelect), True, "radio"),
    (fields.IntegerField(choices=[1, 2], widget=widgets.RadioSelectHorizontal()), True, "radio_horizontal"),
    (fields.BooleanField(widget=widgets.Checkbox), True, "checkbox"),
    (fields.BooleanField(widget=widgets.CheckboxInput), True, "checkbox"),
    (fields.StringField(widget=widgets.HiddenInput), False, "hidden"),
    (fields.IntegerField(widget=widgets.Textarea), False, "textarea"),
    # A named widget that does not fit: what oTree shows instead.
    (fields.IntegerField(choices=[1, 2], widget=widgets.TextInput), True, "number"),
    (fields.StringField(choices=["a"], widget=widgets.TextInput), True, "text"),
    (fields.LongStringField(widget=widgets.TextInput), False, "text"),
    (fields.StringField(widget=widgets.Slider), False, "text"),
    (fields.StringField(widget=widgets.NumberInput), False, "text"),
    (fields.IntegerField(choices=[1, 2], widget=widgets.Slider), True, "select"),
    (fields.MultiStringField(choices=["a"], widget=widgets.Select), True, "checkboxes"),
])
def test_widget_that_shows_each_field(field, has_choices, kind):
    assert shown_as(field, has_choices) == kind


def test_the_declared_widget_instance_is_kept_with_its_attributes():
    declared = widgets.RadioSelect(attrs={"class": "big"})
    field = fields.IntegerField(choices=[1, 2], widget=declared)
    assert widget_for(field, True, "Player.x") is declared


@pytest.mark.parametrize("field, message", [
    (fields.IntegerField(widget=widgets.Checkbox), "Player.x uses widgets.Checkbox, which is only for BooleanField"),
    (fields.IntegerField(widget=widgets.RadioSelect), "Player.x uses widgets.RadioSelect but has no choices"),
    (fields.StringField(widget=widgets.Select), "define x_choices()"),
])
def test_a_widget_that_cannot_show_the_field_is_an_error(field, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        widget_for(field, False, "Player.x")


@pytest.mark.parametrize("field, text, value", [
    (fields.IntegerField(), "42", 42),
    (fields.IntegerField(), "-7.00", -7),
    (fields.FloatField(), "2.5e3", 2500.0),
    (fields.CurrencyField(), "1.5", Currency(Decimal("1.5"))),
    (fields.DecimalField(decimal_places=2), "3.14159", Decimal("3.14")),
    (fields.BooleanField(), "on", True),
    (fields.BooleanField(), "No", False),
    (fields.StringField(), "hello", "hello"),
])
def test_each_kind_reads_submitted_text(field, text, value):
    parsed = field.parse_text(text)
    assert parsed == value and type(parsed) is type(value)


@pytest.mark.parametrize("field, text, message", [
    (fields.IntegerField(), "1.5", "Enter a whole number."),
    (fields.IntegerField(), "9" * 20, "Ensure this value is less than or equal to 2147483647."),
    (fields.IntegerField(), "-" + "9" * 20, "Ensure this value is greater than or equal to -2147483648."),
    (fields.FloatField(), "nan", "Enter a number."),
    (fields.FloatField(), "1e999", "Enter a number."),
    (fields.CurrencyField(), "1_000", "Enter a number."),
    (fields.DecimalField(), "1E+99999", "Enter a number."),
    (fields.BooleanField(), "maybe", "Select a valid choice. maybe is not one of the available choices."),
    (fields.StringField(max_length=3), "four", "Ensure this value has at most 3 characters (it has 4)."),
])
def test_text_that_is_no_value_of_the_kind_is_refused_with_a_message(field, text, message):
    with pytest.raises(InvalidInput) as caught:
        field.parse_text(text)
    assert caught.value.message == message


@pytest.mark.parametrize("field, default", [
    (fields.BooleanField(), False),
    (fields.CurrencyField(), 0),
    (fields.RealWorldCurrencyField(), 0),
    (fields.IntegerField(), 0),
    (fields.PositiveIntegerField(), 0),
    (fields.FloatField(), 0.0),
    (fields.StringField(), ""),
    (fields.LongStringField(), ""),
    (fields.DecimalField(), None),
    (fields.MultiStringField(choices=["a"]), None),
])
def test_what_a_timeout_submits_for_an_empty_field(field, default):
    value = field.timeout_default()
    assert value == default and type(value) is type(default)
