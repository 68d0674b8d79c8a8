"""Errors name the user's file and line (in the original, untranslated file) and quote the line."""

from __future__ import annotations

import pytest

from otree.templating import TemplateError


def error_for(render, source, context=None, **kwargs) -> TemplateError:
    with pytest.raises(TemplateError) as info:
        render(source, context or {}, **kwargs)
    return info.value


def test_syntax_error_names_file_line_and_quotes_it(render):
    source = "line 1\n{{ if x }}\n  {{ x + }}\n{{ endif }}\n"
    error = error_for(render, source)
    assert error.path.endswith("Test.html")
    assert error.lineno == 3
    assert error.source_line == "  {{ x + }}"
    message = str(error)
    assert "Test.html, line 3:" in message
    assert "{{ x + }}" in message


def test_line_numbers_survive_multiline_tags_comments_and_noops(render):
    source = (
        "{% load otree\n   static %}\n"  # lines 1-2
        "{# one #}{% comment %}\n\n{% endcomment %}\n"  # lines 3-5
        "{% formfield player.age\n   label='x' %}\n"  # lines 6-7
        "{{ with a = 1 }}{{ endwith }}\n"  # line 8
        "{% verbatim %}\n{{ raw }}\n{% endverbatim %}\n"  # lines 9-11
        "{{ missing }}\n"  # line 12
    )

    class Form:
        field_names = ["age"]

        def render_field(self, name, label=None):
            return "F"

    error = error_for(render, source, {"form": Form()})
    assert error.lineno == 12
    assert "'missing' is undefined" in error.message
    assert error.source_line == "{{ missing }}"


def test_undefined_variable_names_template_and_line(render):
    error = error_for(render, "ok\n\n<p>{{ player.nope }}</p>", {"player": object()})
    assert error.lineno == 3
    assert "nope" in error.message
    assert "Test.html, line 3" in str(error)


def test_error_in_included_template_names_that_file(render, write):
    write("app/part.html", "a\n{{ undefined_in_part }}")
    error = error_for(render, '{% include "app/part.html" %}')
    assert error.path.endswith("part.html")
    assert error.lineno == 2


def test_syntax_error_in_included_template(render, write):
    write("app/part.html", "\n\n{% if %}")
    error = error_for(render, '{% include "app/part.html" %}')
    assert error.path.endswith("part.html")
    assert error.lineno == 3


@pytest.mark.parametrize(
    "source, line, text",
    [
        ("\n{{ if x }}never closed", 2, "never closed"),
        ("{{ for x in y }}\n{{ endif }}", 2, "expected 'endfor'"),
        ("\n\n{{ endfor }}", 3, "without a matching"),
        ("{{ else }}", 1, "outside of"),
        ("{{ empty }}", 1, "outside of 'for'"),
        ("\n{{ a ?? b }}", 2, "without '::'"),
        ("{{ a $ b }}", 1, "Unexpected character"),
        ("\n{{ x", 2, "Unclosed tag"),
        ("{% %}", 1, "Not a tag"),
        ("{{ }}", 1, "Empty expression"),
        ("{{ for in }}", 1, "'for' must look like"),
        ("{{ block }}", 1, "'block' is undefined"),
        ("{% block %}", 1, "'block' needs a name"),
        ("{{ comment }}", 1, "without 'endcomment'"),
    ],
)
def test_structure_errors(render, source, line, text):
    error = error_for(render, source)
    assert error.lineno == line
    assert text in error.message


def test_missing_template(render):
    error = error_for(render, "\n{% include 'app/nowhere.html' %}")
    assert "Template not found: app/nowhere.html" in error.message
    assert error.lineno == 2


def test_missing_page_template(engine):
    with pytest.raises(TemplateError, match="Template not found: app/Nope.html"):
        engine.render("app/Nope.html", {})


def test_user_code_errors_keep_their_type(render):
    class Player:
        def boom(self):
            raise ZeroDivisionError("inside user code")

    with pytest.raises(ZeroDivisionError) as info:
        render("\n{{ player.boom }}", {"player": Player()})
    assert any("line 2" in note for note in info.value.__notes__)


def test_template_error_pickles():
    import pickle

    error = TemplateError("bad", path="/x/y.html", lineno=3, source_line="{{ z }}")
    copy = pickle.loads(pickle.dumps(error))
    assert str(copy) == str(error)
    assert copy.lineno == 3
