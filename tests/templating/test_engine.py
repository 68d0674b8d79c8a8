"""Engine-level behaviour: autoescaping, search path, auto-reload, translation keeping lines."""

from __future__ import annotations

import os

import pytest
from markupsafe import Markup

from otree.templating import TemplateEngine, translate


def test_autoescape_on(render):
    context = {"s": "<script>alert('x')</script>"}
    assert render("{{ s }}", context) == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"


def test_safe_and_markup_opt_out(render):
    assert render("{{ s|safe }}", {"s": "<b>x</b>"}) == "<b>x</b>"
    assert render("{{ s }}", {"s": Markup("<b>x</b>")}) == "<b>x</b>"


def test_template_text_is_never_escaped(render):
    assert render("<script>if (a < b && c) {}</script>") == "<script>if (a < b && c) {}</script>"


def test_search_path_order(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, text in [(first, "first"), (second, "second")]:
        (folder / "app").mkdir(parents=True)
        (folder / "app" / "Page.html").write_text(text)
    (second / "app" / "Only.html").write_text("only in second")
    engine = TemplateEngine([str(first), str(second)])
    assert engine.render("app/Page.html", {}) == "first"
    assert engine.render("app/Only.html", {}) == "only in second"
    assert engine.has_template("app/Only.html")
    assert not engine.has_template("app/Missing.html")
    assert not engine.has_template("../escape.html")


def _rewrite(path, text):
    """Change a file and make sure its mtime differs even on coarse-grained filesystems."""
    before = os.stat(path).st_mtime_ns
    with open(path, "w") as f:
        f.write(text)
    os.utime(path, ns=(before + 2_000_000_000, before + 2_000_000_000))


def test_auto_reload_picks_up_changes(engine, write):
    path = write("app/Page.html", "version 1")
    part = write("app/part.html", "part 1")
    write("app/Outer.html", "{% include 'app/part.html' %}")
    assert engine.render("app/Page.html", {}) == "version 1"
    assert engine.render("app/Outer.html", {}) == "part 1"
    _rewrite(path, "version 2")
    _rewrite(part, "part 2")
    assert engine.render("app/Page.html", {}) == "version 2"
    assert engine.render("app/Outer.html", {}) == "part 2"


def test_no_auto_reload_keeps_the_compiled_template(tmp_path, write):
    path = write("app/Page.html", "version 1")
    engine = TemplateEngine([str(tmp_path)], auto_reload=False)
    assert engine.render("app/Page.html", {}) == "version 1"
    _rewrite(path, "version 2")
    assert engine.render("app/Page.html", {}) == "version 1"


def test_which_templates_exist_is_looked_up_once_without_auto_reload(tmp_path, write):
    # A production server asks on every page view whether the app has its own global
    # templates; the answer is remembered, as the compiled templates are.
    engine = TemplateEngine([str(tmp_path)], auto_reload=False)
    assert not engine.has_template("global/Page.html")
    write("global/Page.html", "mine")
    assert not engine.has_template("global/Page.html")
    reloading = TemplateEngine([str(tmp_path)])
    assert reloading.has_template("global/Page.html")
    os.remove(tmp_path / "global" / "Page.html")
    assert not reloading.has_template("global/Page.html")


def test_trailing_newline_and_crlf(render):
    assert render("a\r\nb\n") == "a\nb\n"


def test_env_is_a_jinja_environment(engine):
    import jinja2

    assert isinstance(engine.env, jinja2.Environment)
    assert engine.env.autoescape is True
    assert isinstance(engine.get_template("otree/Page.html"), jinja2.Template)


@pytest.mark.parametrize(
    "source",
    [
        "{% load otree\nstatic %}\n{{ a\n|| b }}\n{% for x\nin y %}{% empty\n%}{% endfor %}",
        "{# multi\nline #}{% comment %}\n{{ x }}\n{% endcomment %}{% include 'a.html'\nwith a=1\nb=2 %}",
        "{% blocktrans\nwith a=1 %}{{ a }}{% endblocktrans\n%}{{ formfield\nplayer.x }}",
    ],
)
def test_translation_keeps_line_count(source):
    assert translate(source, "app/x.html").count("\n") == source.count("\n")


def test_translation_examples():
    assert translate("{{ a || b }}", "x.html") == "{{ a  or  b }}"
    assert translate("{% if x|default:1 %}{% endif %}", "x.html") == "{% if x|default(1, true) %}{% endif %}"
    assert translate("{{ include_sibling 'i.html' }}", "app/P.html") == '{% include "app/i.html" %}'
    assert translate("{{ block content }}{{ endblock }}", "P.html", base="otree/Page.html") == (
        '{% extends "otree/Page.html" %}{% block content %}{% endblock %}'
    )
