"""Every tag, in the oTree {{ tag }} spelling and the Django {% tag %} spelling."""

from __future__ import annotations

import pytest

from otree.templating import TemplateError


def both(otree_style: str, django_style: str):
    """Parametrize a test over the two spellings of the same template."""
    return pytest.mark.parametrize("source", [otree_style, django_style], ids=["otree", "django"])


@both(
    "{{ if x == 1 }}one{{ elif x > 1 }}many{{ else }}none{{ endif }}",
    "{% if x == 1 %}one{% elif x > 1 %}many{% else %}none{% endif %}",
)
@pytest.mark.parametrize("x, expected", [(1, "one"), (5, "many"), (0, "none")])
def test_if_elif_else(render, source, x, expected):
    assert render(source, {"x": x}) == expected


@pytest.mark.parametrize(
    "condition, expected",
    [
        ("a != b", "T"),
        ("a < b", "T"),
        ("a <= b", "T"),
        ("a >= b", "F"),
        ("'x' in items", "T"),
        ("'z' not in items", "T"),
        ("not a", "F"),
        ("a and b", "T"),
        ("zero or a", "T"),
        ("zero and a or b", "T"),
        ("nothing is None", "T"),
        ("a is not None", "T"),
    ],
)
def test_if_operators(render, condition, expected):
    context = {"a": 1, "b": 2, "zero": 0, "items": ["x", "y"], "nothing": None}
    assert render(f"{{{{ if {condition} }}}}T{{{{ else }}}}F{{{{ endif }}}}", context) == expected
    assert render(f"{{% if {condition} %}}T{{% else %}}F{{% endif %}}", context) == expected


@both(
    "{{ for x in items }}[{{ x }}]{{ empty }}nothing{{ endfor }}",
    "{% for x in items %}[{{ x }}]{% empty %}nothing{% endfor %}",
)
def test_for_and_empty(render, source):
    assert render(source, {"items": [1, 2]}) == "[1][2]"
    assert render(source, {"items": []}) == "nothing"


@both(
    "{{ for a, b in pairs }}{{ a }}={{ b }};{{ endfor }}",
    "{% for a, b in pairs %}{{ a }}={{ b }};{% endfor %}",
)
def test_for_unpacking(render, source):
    assert render(source, {"pairs": [("x", 1), ("y", 2)]}) == "x=1;y=2;"


@both(
    "{{ for x in items }}{{ forloop.counter }}{{ forloop.counter0 }}{{ forloop.revcounter }}"
    "{{ if forloop.first }}F{{ endif }}{{ if forloop.last }}L{{ endif }} {{ endfor }}",
    "{% for x in items %}{{ forloop.counter }}{{ forloop.counter0 }}{{ forloop.revcounter }}"
    "{% if forloop.first %}F{% endif %}{% if forloop.last %}L{% endif %} {% endfor %}",
)
def test_forloop_variables(render, source):
    assert render(source, {"items": "abc"}) == "103F 212 321L "


def test_forloop_parentloop_and_jinja_loop(render):
    source = (
        "{% for a in items %}{% for b in items %}"
        "{{ forloop.parentloop.counter }}.{{ forloop.counter }}/{{ loop.index }} "
        "{% endfor %}{% endfor %}"
    )
    assert render(source, {"items": [1, 2]}) == "1.1/1 1.2/2 2.1/1 2.2/2 "


def test_for_reversed_django(render):
    assert render("{% for x in items reversed %}{{ x }}{% endfor %}", {"items": [1, 2, 3]}) == "321"


@both(
    "{{ with total = a + b }}{{ total }}{{ endwith }}",
    "{% with total=a + b %}{{ total }}{% endwith %}",
)
def test_with(render, source):
    assert render(source, {"a": 1, "b": 2}) == "3"


def test_with_django_forms(render):
    assert render("{% with x=a y=b %}{{ x }}{{ y }}{% endwith %}", {"a": 1, "b": 2}) == "12"
    assert render("{% with a.b as x %}{{ x }}{% endwith %}", {"a": {"b": 7}}) == "7"


@both('{{ include "app/part.html" }}', '{% include "app/part.html" %}')
def test_include_literal(render, write, source):
    write("app/part.html", "part {{ x }}")
    assert render(source, {"x": 1}) == "part 1"


@both("{{ include C.INSTRUCTIONS_TEMPLATE }}", "{% include Constants.instructions_template %}")
def test_include_expression(render, write, source):
    class C:
        INSTRUCTIONS_TEMPLATE = "app/instructions.html"

    class Constants:
        instructions_template = "app/instructions.html"

    write("app/instructions.html", "Instructions")
    assert render(source, {"C": C, "Constants": Constants}) == "Instructions"


def test_include_with_variables(render, write):
    write("app/part.html", "{{ a }}-{{ b }}")
    assert render('{% include "app/part.html" with a=1 b=x %}', {"x": 2}) == "1-2"
    assert render('{{ include "app/part.html" with a=1 & b=x }}', {"x": 2}) == "1-2"


@both("{{ include_sibling 'instructions.html' }}", "{% include_sibling 'instructions.html' %}")
def test_include_sibling(engine, write, source):
    write("app_one/instructions.html", "one")
    write("app_two/instructions.html", "two")
    write("app_two/Page.html", source)
    assert engine.render("app_two/Page.html", {}) == "two"


def test_include_sibling_in_subfolder(engine, write):
    write("shared/instructions.html", "shared")
    write("app/templates/app/Page.html", "{{ include_sibling '../../../shared/instructions.html' }}")
    assert engine.render("app/templates/app/Page.html", {}) == "shared"


@both(
    '{{ extends "base.html" }}{{ block content }}child {{ super() }}{{ endblock }}',
    '{% extends "base.html" %}{% block content %}child {{ block.super }}{% endblock %}',
)
def test_extends_block_super(render, write, source):
    write("base.html", "<{% block content %}parent{% endblock %}>")
    assert render(source) == "<child parent>"


def test_endblock_with_name(render, write):
    write("base.html", "<{% block content %}{% endblock %}>")
    assert render('{% extends "base.html" %}{% block content %}x{% endblock content %}') == "<x>"


@both(
    "a{# note #}b{{ comment }}hidden {{ x }}{{ endcomment }}c",
    "a{# note #}b{% comment %}hidden {{ x }}{% endcomment %}c",
)
def test_comments(render, source):
    assert render(source) == "abc"


@both("{{ load otree }}x", "{% load otree static %}x")
def test_load_is_a_no_op(render, source):
    assert render(source) == "x"


def test_csrf_token_is_a_no_op(render):
    assert render("<form>{% csrf_token %}</form>") == "<form></form>"
    assert render("<form>{{ csrf_token }}</form>") == "<form></form>"


@both("{{ static 'global/logo.png' }}", '{% static "global/logo.png" %}')
def test_static(render, source):
    assert render(source) == "/static/global/logo.png"


def test_static_as_variable(render):
    assert render('{% static "x.css" as css %}<link href="{{ css }}">') == '<link href="/static/x.css">'


@both("{{ url 'Room' room_name 2 }}", "{% url 'Room' room_name 2 %}")
def test_url_calls_pluggable_url_for(engine, render, source):
    calls = []

    def url_for(name, *args, **kwargs):
        calls.append((name, args, kwargs))
        return f"/{name}/{'/'.join(map(str, args))}"

    engine.env.globals["url_for"] = url_for
    assert render(source, {"room_name": "lab"}) == "/Room/lab/2"
    assert calls == [("Room", ("lab", 2), {})]


def test_url_without_url_for_is_a_clear_error(render):
    with pytest.raises(TemplateError, match="url_for"):
        render("{% url 'Room' %}")


@both("{{ trans 'Hello' }}", '{% trans "Hello" %}')
def test_trans(render, source):
    assert render(source) == "Hello"


def test_blocktrans(render):
    assert render("{% blocktrans %}Hi {{ name }}{% endblocktrans %}", {"name": "Ann"}) == "Hi Ann"
    assert render("{% blocktrans with n=p.name %}Hi {{ n }}{% endblocktrans %}", {"p": {"name": "Bo"}}) == "Hi Bo"
    source = "{% blocktrans count n=k %}one item{% plural %}{{ n }} items{% endblocktrans %}"
    assert render(source, {"k": 1}) == "one item"
    assert render(source, {"k": 3}) == "3 items"


@both("{{ next_button }}", "{% next_button %}")
def test_next_button(render, source):
    assert render(source) == '<button class="otree-btn-next btn btn-primary">Next</button>'


@both("{{ chat }}", "{% chat %}")
def test_chat_default_is_an_html_comment(render, source):
    assert render(source).startswith("<!--")


@both(
    "{{ chat channel=group.id_in_subsession nickname='Ann' }}",
    "{% chat channel=group.id_in_subsession nickname='Ann' %}",
)
def test_chat_uses_pluggable_chat_html(engine, render, source):
    def chat_html(context, channel=None, nickname=None):
        return f"<div data-channel='{channel}'>{nickname} {context['player']}</div>"

    engine.env.globals["chat_html"] = chat_html
    html = render(source, {"group": {"id_in_subsession": 3}, "player": "P1"})
    assert html == "<div data-channel='3'>Ann P1</div>"


def test_literal_delimiter_escapes(render):
    assert render("{{ ibis_tag_lvar }} x {{ ibis_tag_rvar }}{% templatetag openblock %}") == "{{ x }}{%"


def test_verbatim(render):
    assert render("{% verbatim %}{{ not rendered }}{% endverbatim %}") == "{{ not rendered }}"


def test_jinja_tags_pass_through(render):
    source = "{% set n = 2 %}{% macro twice(x) %}{{ x }}{{ x }}{% endmacro %}{{ twice(n) }}"
    assert render(source) == "22"


def test_django_misc_tags(render):
    assert render("{% for x in 'abc' %}{% cycle 'o' 'e' %}{% endfor %}") == "oeo"
    assert render("{% firstof a b 'c' %}", {"a": 0, "b": ""}) == "c"
    assert render("{% ifequal a 1 %}yes{% else %}no{% endifequal %}", {"a": 1}) == "yes"
    assert render("{% spaceless %}<p> <b>x</b> </p>{% endspaceless %}") == "<p><b>x</b></p>"
    assert render("{% autoescape off %}{{ s }}{% endautoescape %}", {"s": "<b>"}) == "<b>"


def test_variable_named_like_a_tag_is_a_variable(render):
    assert render("{{ url }} {{ static }} {{ chat == 1 }}", {"url": "u", "static": "s", "chat": 1}) == "u s True"


def test_unknown_django_tag_is_an_error(render):
    with pytest.raises(TemplateError, match="Unknown tag 'frobnicate'"):
        render("{% frobnicate %}")


def test_parenthesised_conditions(render):
    assert render("{{ if (a or b) and c }}yes{{ endif }}", {"a": 0, "b": 1, "c": 1}) == "yes"


def test_self_block_reference(render):
    assert render("{% block title %}T{% endblock %}|{{ self.title() }}") == "T|T"


def test_block_inside_loop_sees_loop_variables(render):
    assert render("{% for x in items %}{% block item %}{{ x }}{% endblock %}{% endfor %}", {"items": [1]}) == "1"
