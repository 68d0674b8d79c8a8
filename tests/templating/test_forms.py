"""formfields / formfield / formfield_errors against the form protocol."""

from __future__ import annotations

import pytest
from markupsafe import Markup, escape

from otree.templating import TemplateError


class FakeForm:
    """Test data implementing the protocol the templates use: field_names, render_field, render_errors."""

    def __init__(self, *names: str, errors: dict[str, str] | None = None) -> None:
        self.field_names = list(names)
        self.errors = errors or {}

    def render_field(self, name: str, label=None) -> Markup:
        shown = name.capitalize() if label is None else label
        return Markup('<div class="mb-3 _formfield"><label for="id_{}">{}</label></div>').format(name, shown)

    def render_errors(self, name: str) -> Markup:
        return Markup('<div class="form-control-errors">{}</div>').format(self.errors.get(name, ""))


def field(name, label=None):
    return FakeForm(name).render_field(name, label)


@pytest.mark.parametrize("source", ["{{ formfields }}", "{% formfields %}"])
def test_formfields_renders_all_fields_in_order(render, source):
    html = render(source, {"form": FakeForm("age", "gender")})
    assert html == field("age") + "\n" + field("gender")


@pytest.mark.parametrize(
    "source",
    [
        "{{ formfield 'age' }}",
        '{% formfield "age" %}',
        "{% formfield player.age %}",
        "{{ formfield player.age }}",
        "{% formfield group.age %}",
        "{% formfield name_var %}",
    ],
)
def test_formfield(render, source):
    assert render(source, {"form": FakeForm("age", "gender"), "name_var": "age"}) == field("age")


@pytest.mark.parametrize(
    "source",
    [
        '{{ formfield "age" label="Your age" }}',
        '{% formfield player.age label="Your age" %}',
        '{% formfield player.age with label="Your age" %}',
        "{{ formfield 'age' label=age_label }}",
    ],
)
def test_formfield_with_label(render, source):
    assert render(source, {"form": FakeForm("age"), "age_label": "Your age"}) == field("age", "Your age")


def test_label_is_escaped_by_the_form(render):
    html = render("{{ formfield 'age' label=text }}", {"form": FakeForm("age"), "text": "<i>x</i>"})
    assert str(escape("<i>x</i>")) in html


@pytest.mark.parametrize("source", ["{{ formfield_errors 'age' }}", "{% formfield_errors player.age %}"])
def test_formfield_errors(render, source):
    form = FakeForm("age", errors={"age": "Too young"})
    assert render(source, {"form": form}) == '<div class="form-control-errors">Too young</div>'


@pytest.mark.parametrize("source", ["{{ formfield 'age' }}", "{{ formfield_errors 'age' }}"])
def test_form_tags_without_a_form_are_a_clear_error(render, source):
    with pytest.raises(TemplateError, match="used on a page without form_fields") as info:
        render("\n" + source)
    assert info.value.lineno == 2


def test_formfield_unknown_field_names_the_field(render):
    with pytest.raises(TemplateError, match="'nope'.*it has: 'age'"):
        render("{{ formfield 'nope' }}", {"form": FakeForm("age")})


def test_formfield_rejects_unknown_arguments(render):
    with pytest.raises(TemplateError, match="accepts only label"):
        render("{{ formfield 'age' placeholder='x' }}", {"form": FakeForm("age")})


@pytest.mark.parametrize("source", ["{{ formfields }}", "{% formfields %}"])
def test_formfields_without_a_form_renders_nothing(render, source):
    assert render("a" + source + "b") == "ab"
