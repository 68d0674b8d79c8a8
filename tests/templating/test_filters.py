"""Filters, each in the Jinja/oTree spelling `|f(arg)` and the Django spelling `|f:arg` where it has one."""

from __future__ import annotations

import json

import pytest

from otree.conf import settings


@pytest.mark.parametrize("name", ["c", "cu"])
def test_currency_filters(render, name):
    assert render(f"{{{{ x|{name} }}}}", {"x": 100}) == "100 points"
    assert render(f"{{{{ x|{name} }}}}", {"x": 1}) == "1 point"


def test_currency_filter_real_world(render):
    with settings.override(USE_POINTS=False, REAL_WORLD_CURRENCY_CODE="USD", REAL_WORLD_CURRENCY_DECIMAL_PLACES=2):
        assert render("{{ x|c }}", {"x": 1.5}) == "$1.50"


@pytest.mark.parametrize(
    "filter_name, expected",
    [("to0", "3"), ("to1", "2.7"), ("to2", "2.67"), ("to3", "2.667"), ("to4", "2.6667")],
)
def test_rounding_filters(render, filter_name, expected):
    assert render(f"{{{{ x|{filter_name} }}}}", {"x": 2.66666}) == expected


def test_rounding_is_half_up_and_returns_numbers(render):
    assert render("{{ x|to0 }} {{ y|to2 }} {{ (x|to0) + 1 }}", {"x": 2.5, "y": 0.125}) == "3 0.13 4"


@pytest.mark.parametrize("source", ["{{ x|default('none') }}", '{{ x|default:"none" }}'])
def test_default(render, source):
    assert render(source, {"x": ""}) == "none"
    assert render(source, {"x": None}) == "none"
    assert render(source, {}) == "none"
    assert render(source, {"x": "value"}) == "value"


def test_default_with_variable_argument(render):
    assert render("{{ x|default:player.name }}", {"x": "", "player": {"name": "Ann"}}) == "Ann"


def test_escape(render):
    assert render("{{ s|escape }}", {"s": "<b>"}) == "&lt;b&gt;"


def test_json(render):
    data = {"a": [1, 2.5], "s": "</script><b>'"}
    html = render("<script>var d = {{ data|json }};</script>", {"data": data})
    assert "</script><b>" not in html
    assert html.count("</script>") == 1
    assert json.loads(html[len("<script>var d = ") : -len(";</script>")]) == data


def test_json_supports_currency(render):
    from otree.currency import Currency

    assert render("{{ x|json }}", {"x": {"pay": Currency(10)}}) == '{"pay": 10}'


def test_length(render):
    assert render("{{ items|length }} {{ if items|length > 2 }}long{{ endif }}", {"items": [1, 2, 3]}) == "3 long"


def test_safe(render):
    assert render("{{ s|safe }}", {"s": "<b>bold</b>"}) == "<b>bold</b>"


def test_linebreaks(render):
    assert render("{{ s|linebreaks }}", {"s": "a\nb\n\n<c>"}) == "<p>a<br>b</p>\n\n<p>&lt;c&gt;</p>"
    assert render("{{ s|linebreaksbr }}", {"s": "a\nb"}) == "a<br>b"


@pytest.mark.parametrize(
    "source, value, expected",
    [
        ("{{ x|floatformat }}", 34.23234, "34.2"),
        ("{{ x|floatformat }}", 34.0, "34"),
        ("{{ x|floatformat:2 }}", 34.2, "34.20"),
        ("{{ x|floatformat(2) }}", 34.2, "34.20"),
        ("{{ x|floatformat:-2 }}", 34.0, "34"),
        ("{{ x|floatformat:-2 }}", 34.256, "34.26"),
        ("{{ x|floatformat:0 }}", 34.5, "35"),
        ("{{ x|floatformat }}", "not a number", ""),
    ],
)
def test_floatformat(render, source, value, expected):
    assert render(source, {"x": value}) == expected


@pytest.mark.parametrize("source", ["{{ s|truncatechars:5 }}", "{{ s|truncatechars(5) }}"])
def test_truncatechars(render, source):
    assert render(source, {"s": "abcdefgh"}) == "abcd…"
    assert render(source, {"s": "abc"}) == "abc"


def test_truncate_(render):
    assert render("{{ s|truncate_(4) }}", {"s": "abcdef"}) == "abc…"


@pytest.mark.parametrize("name, expected", [("upper", "ABC DEF"), ("lower", "abc def"), ("title", "Abc Def")])
def test_case_filters(render, name, expected):
    assert render(f"{{{{ s|{name} }}}}", {"s": "aBc dEf"}) == expected


@pytest.mark.parametrize("source", ["{{ x|add:2 }}", "{{ x|add(2) }}"])
def test_add(render, source):
    assert render(source, {"x": 3}) == "5"
    assert render(source, {"x": "3"}) == "5"


def test_add_concatenates_lists(render):
    assert render("{{ a|add:b }}", {"a": [1], "b": [2]}) == "[1, 2]"


@pytest.mark.parametrize("source", ['{{ x|yesno:"ja,nein" }}', '{{ x|yesno("ja,nein") }}'])
def test_yesno(render, source):
    assert render(source, {"x": True}) == "ja"
    assert render(source, {"x": False}) == "nein"


def test_yesno_default_and_maybe(render):
    assert render("{{ x|yesno }}", {"x": 1}) == "yes"
    assert render('{{ x|yesno:"y,n,?" }}', {"x": None}) == "?"


def test_more_django_filters(render):
    assert render("{{ n }} item{{ n|pluralize }}", {"n": 2}) == "2 items"
    assert render('{{ n|pluralize:"y,ies" }}', {"n": 1}) == "y"
    assert render("{{ s|capfirst }}", {"s": "abc"}) == "Abc"
    assert render('{{ s|cut:" " }}', {"s": "a b c"}) == "abc"
    assert render('{{ items|slice:":2" }}', {"items": [1, 2, 3]}) == "[1, 2]"
    assert render('{{ items|join:", " }}', {"items": [1, 2]}) == "1, 2"
    assert render('{{ x|stringformat:"03d" }}', {"x": 7}) == "007"
    assert render("{{ x|default_if_none:'-' }}", {"x": None}) == "-"
    assert render("{{ x|divisibleby:3 }}", {"x": 9}) == "True"


def test_filter_chains(render):
    assert render('{{ x|default:"abc"|upper|truncatechars:2 }}', {"x": ""}) == "A…"


def test_filters_on_undefined_name_the_variable(render):
    from otree.templating import TemplateError

    with pytest.raises(TemplateError, match="'missing' is undefined"):
        render("{{ missing|c }}")
