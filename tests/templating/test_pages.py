"""Page templates: implied extends, content outside blocks, Django-era self-format pages."""

from __future__ import annotations

import os

import pytest

from otree.templating import TemplateEngine, TemplateError

from .test_forms import FakeForm

SIMPLE_BASE = "<title>{% block title %}{% endblock %}</title><main>{% block content %}{% endblock %}</main>"


def test_implied_extends(render):
    source = "{{ block title }}Hello{{ endblock }}\n{{ block content }}Body{{ endblock }}\n"
    html = render(source, base="otree/Page.html")
    assert html == "<html><title>Hello</title>\n<body>Body</body></html>"


def test_implied_extends_after_comments_and_load(render):
    source = "{# a comment #}\n{{ load otree }}\n{% comment %}x{% endcomment %}\n{{ block content }}B{{ endblock }}"
    assert render(source, base="otree/Page.html").endswith("<body>B</body></html>")


def test_explicit_extends_wins_over_base(render, write):
    write("global/Page.html", '{{ extends "otree/Page.html" }}{{ block title }}G{{ endblock }}')
    source = '{{ extends "global/Page.html" }}{{ block content }}mine{{ endblock }}'
    assert render(source, base="otree/Page.html") == "<html><title>G</title>\n<body>mine</body></html>"


def test_same_file_as_page_and_as_include(engine, write):
    write("app/Part.html", "{{ block content }}part{{ endblock }}")
    assert engine.render("app/Part.html", {}) == "part"
    assert engine.render("app/Part.html", {}, base="otree/Page.html").endswith("<body>part</body></html>")


@pytest.mark.parametrize(
    "source, line",
    [
        ("Hello\n{{ block content }}x{{ endblock }}", 1),
        ("{{ block content }}x{{ endblock }}\n\n  stray text", 3),
        ("{{ block content }}x{{ endblock }}\n{{ player.name }}", 2),
        ("{{ block content }}x{{ endblock }}\n{{ next_button }}", 2),
        ("{% block content %}x{% endblock %}\n{% if x %}<p>{% endif %}", 2),
    ],
)
def test_content_outside_blocks_is_an_error(render, source, line):
    with pytest.raises(TemplateError, match="All content must be inside a block tag") as info:
        render(source, {"x": True}, base="otree/Page.html")
    assert info.value.lineno == line
    assert info.value.path.endswith(os.path.join("app", "Test.html"))


def test_outside_block_text_is_fine_without_base(render):
    assert render("Hello {{ block content }}x{{ endblock }}") == "Hello x"


def test_extends_after_content_in_a_page_is_an_error(render):
    with pytest.raises(TemplateError, match="'extends' must be the first tag"):
        render('{{ block content }}x{{ endblock }}{{ extends "otree/Page.html" }}', base="otree/Page.html")


def test_django_era_self_format_page(tmp_path, write):
    """A page from an oTree 3 app: app/templates/app/Page.html, Constants, Django tags and filters."""
    write("otree/Page.html", SIMPLE_BASE)
    write("_templates/global/Page.html", '{% extends "otree/Page.html" %}\n{% load otree static %}\n')
    write("survey/templates/survey/instructions.html", "{% load otree %}<p>{{ Constants.endowment|c }} to start</p>")
    write(
        "survey/templates/survey/Demographics.html",
        """{% extends "global/Page.html" %}
{% load otree static %}

{% block title %}
    Survey
{% endblock %}

{% block content %}
    {% formfield player.age label="Your age" %}
    {{ x|floatformat:2 }} {{ player.payoff|c }} {{ missing|default:"n/a" }}
    {% include Constants.instructions_template %}
    {% next_button %}
{% endblock %}
""",
    )

    class Constants:
        endowment = 100
        instructions_template = "survey/instructions.html"

    class Player:
        payoff = 12

    engine = TemplateEngine([str(tmp_path), str(tmp_path / "_templates"), str(tmp_path / "survey" / "templates")])
    html = engine.render(
        "survey/Demographics.html",
        {"form": FakeForm("age"), "player": Player(), "Constants": Constants, "x": 3.14159},
        base="otree/Page.html",
    )
    assert "<title>\n    Survey\n</title>" in html
    assert FakeForm("age").render_field("age", "Your age") in html
    assert "3.14 12 points n/a" in html
    assert "<p>100 points to start</p>" in html
    assert '<button class="otree-btn-next btn btn-primary">Next</button>' in html


def test_otree5_style_page(tmp_path, write):
    """A no-self page: app/Page.html, C, include_sibling, formfields, if/for, chat."""
    write("otree/Page.html", SIMPLE_BASE)
    write("game/instructions.html", "<p>{{ C.PLAYERS_PER_GROUP }} players</p>")
    write(
        "game/Decide.html",
        """{{ block title }}Round {{ subsession.round_number }}{{ endblock }}
{{ block content }}
    {{ include_sibling 'instructions.html' }}
    {{ for p in player.get_others_in_group }}<li>{{ p }}</li>{{ endfor }}
    {{ if player.id_in_group == 1 }}first{{ else }}other{{ endif }}
    {{ formfields }}
    {{ next_button }}
{{ endblock }}
""",
    )

    class C:
        PLAYERS_PER_GROUP = 3

    class Player:
        id_in_group = 1

        def get_others_in_group(self):
            return ["P2", "P3"]

    engine = TemplateEngine([str(tmp_path)])
    html = engine.render(
        "game/Decide.html",
        {"C": C, "player": Player(), "subsession": {"round_number": 2}, "form": FakeForm("decision")},
        base="otree/Page.html",
    )
    assert "<title>Round 2</title>" in html
    assert "<p>3 players</p>" in html
    assert "<li>P2</li><li>P3</li>" in html
    assert "first" in html
    assert 'for="id_decision"' in html


def test_test_project_templates_translate_and_compile(tmp_path):
    """Every template of the repository's test projects compiles (run as pages where they are pages)."""
    projects = os.path.join(os.path.dirname(os.path.dirname(__file__)), "projects")
    checked = 0
    for root, _dirs, files in os.walk(projects):
        for filename in files:
            if filename.endswith(".html"):
                engine = TemplateEngine([root])
                engine.get_template(filename)
                checked += 1
    assert checked > 0, f"no templates found under {projects}"


def test_empty_page_shows_the_base_layout(render):
    assert render("{{ load otree }}\n", base="otree/Page.html") == "<html><title></title>\n<body></body></html>"


def test_macros_may_be_defined_outside_blocks(render):
    source = "{% macro box(x) %}<b>{{ x }}</b>{% endmacro %}\n{% block content %}{{ box(1) }}{% endblock %}"
    assert render(source, base="otree/Page.html").endswith("<body><b>1</b></body></html>")
