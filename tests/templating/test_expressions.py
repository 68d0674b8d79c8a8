"""Expressions in {{ }}: oTree operators, auto-called methods, undefined names, value display."""

from __future__ import annotations

from decimal import Decimal

import pytest

from otree.conf import settings
from otree.templating import TemplateError


class Player:
    """Test data: an object with methods of every kind a template might meet."""

    payoff = 10
    calls = 0

    def get_others_in_group(self):
        return ["p2", "p3"]

    def field_display(self, name):
        return f"display of {name}"

    def with_optional(self, suffix="!"):
        return "optional" + suffix

    def needs_argument(self, x):
        raise AssertionError("must not be called without its argument")

    def count(self):
        Player.calls += 1
        return Player.calls

    def delete(self):
        raise AssertionError("alters_data methods are never auto-called")

    delete.alters_data = True

    class Inner:
        """A class attribute: never called."""

    def __str__(self):
        return "Player 1"


def test_or_operator(render):
    assert render("{{ a || b }}", {"a": "", "b": "fallback"}) == "fallback"
    assert render("{{ a || b }}", {"a": "first", "b": "fallback"}) == "first"


def test_ternary(render):
    assert render("{{ x > 1 ?? 'big' :: 'small' }}", {"x": 5}) == "big"
    assert render("{{ x > 1 ?? 'big' :: 'small' }}", {"x": 0}) == "small"
    # right-associative chains
    assert render("{{ x == 1 ?? 'a' :: x == 2 ?? 'b' :: 'c' }}", {"x": 2}) == "b"


def test_zero_argument_methods_are_called(render):
    player = Player()
    assert render("{{ player.get_others_in_group }}", {"player": player}) == "[&#39;p2&#39;, &#39;p3&#39;]"
    assert render("{{ for p in player.get_others_in_group }}{{ p }} {{ endfor }}", {"player": player}) == "p2 p3 "
    assert render("{{ player.with_optional }}", {"player": player}) == "optional!"
    assert render("{{ player.get_others_in_group|length }}", {"player": player}) == "2"


def test_methods_with_arguments(render):
    player = Player()
    assert render("{{ player.field_display('x') }}", {"player": player}) == "display of x"
    assert render("{{ player.with_optional('?') }}", {"player": player}) == "optional?"
    assert render("{{ player.get_others_in_group() }}", {"player": player}) == "[&#39;p2&#39;, &#39;p3&#39;]"


def test_methods_needing_arguments_classes_and_alters_data_are_not_called(render):
    player = Player()
    assert "bound method" in render("{{ player.needs_argument }}", {"player": player})
    assert "class" in render("{{ player.Inner }}", {"player": player})
    assert "bound method" in render("{{ player.delete }}", {"player": player})


def test_method_called_once_per_use(render):
    Player.calls = 0
    assert render("{{ player.count }}", {"player": Player()}) == "1"


def test_builtin_methods_are_called_like_django(render):
    assert render("{% for k, v in d.items %}{{ k }}{{ v }}{% endfor %}", {"d": {"a": 1}}) == "a1"
    assert render("{{ s.upper }}", {"s": "abc"}) == "ABC"


def test_top_level_method_is_called_on_output(render):
    assert render("{{ f }}", {"f": Player().with_optional}) == "optional!"


def test_dict_keys_and_list_indexes(render):
    context = {"d": {"key": "v"}, "items": [["a", "b"], ["c"]]}
    assert render("{{ d.key }} {{ items.0.1 }} {{ items.1.0 }} {{ d['key'] }}", context) == "v b c v"


def test_undefined_variable_is_an_error_naming_it(render):
    with pytest.raises(TemplateError, match="'missing' is undefined"):
        render("{{ missing }}")


def test_undefined_attribute_is_an_error_naming_it(render):
    with pytest.raises(TemplateError, match="no attribute 'nope'"):
        render("{{ player.nope }}", {"player": Player()})


def test_undefined_in_if_and_default_behave(render):
    assert render("{% if missing %}yes{% else %}no{% endif %}") == "no"
    assert render("{{ if not missing.deeper }}no{{ endif }}") == "no"
    assert render("{{ missing|default('d') }} {{ missing.deeper|default:'e' }}") == "d e"
    assert render("{{ if missing is defined }}yes{{ else }}no{{ endif }}") == "no"
    source = "{{ is_defined('player.payoff') }} {{ is_defined('player.x') }}"
    assert render(source, {"player": Player()}) == "True False"


def test_iterating_undefined_is_an_error(render):
    with pytest.raises(TemplateError, match="'nothing' is undefined"):
        render("{% for x in nothing %}{% endfor %}")


def test_value_display(render):
    from otree.currency import Currency

    context = {"c": Currency(100), "n": None, "f": 1.5, "i": 3, "b": True, "d": Decimal("2.50")}
    assert render("{{ c }}|{{ n }}|{{ f }}|{{ i }}|{{ b }}|{{ d }}", context) == "100 points|None|1.5|3|True|2.50"


def test_numbers_localized_with_comma_decimal_and_thousand_separator(render):
    with settings.override(LANGUAGE_CODE="de", THOUSAND_SEPARATOR="."):
        assert render("{{ f }} {{ i }} {{ b }}", {"f": 1234.5, "i": 1234567, "b": True}) == "1.234,5 1.234.567 True"


def test_a_change_of_language_changes_how_numbers_print_at_once(render):
    # Whether numbers are localized is remembered per language: switching back and forth must not
    # reuse the other language's answer.
    assert render("{{ f }}", {"f": 1234.5}) == "1234.5"
    with settings.override(LANGUAGE_CODE="de"):
        assert render("{{ f }}", {"f": 1234.5}) == "1234,5"
    assert render("{{ f }}", {"f": 1234.5}) == "1234.5"
    with settings.override(THOUSAND_SEPARATOR=" "):
        assert render("{{ f }}", {"f": 1234.5}) == "1 234.5"


def test_ranges_and_literals(render):
    assert render("{% for i in range(3) %}{{ i }}{% endfor %} {{ [1, 2]|length }} {{ {'a': 1}['a'] }}") == "012 2 1"
