"""Fixtures for template tests: real template files in tmp_path, rendered by a real engine."""

from __future__ import annotations

import pytest

from otree.conf import settings
from otree.templating import TemplateEngine

BASE_PAGE = """<html><title>{% block title %}{% endblock %}</title>
<body>{{ block content }}{{ endblock }}</body></html>"""


@pytest.fixture(autouse=True)
def english_settings():
    """Number and currency display depends on settings; pin oTree's defaults."""
    with settings.override(LANGUAGE_CODE="en", USE_POINTS=True, POINTS_DECIMAL_PLACES=0, THOUSAND_SEPARATOR=""):
        yield


@pytest.fixture
def write(tmp_path):
    """write(name, text): create a template file under tmp_path (folders included)."""

    def do_write(name: str, text: str) -> str:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return str(path)

    return do_write


@pytest.fixture
def engine(tmp_path, write):
    """An engine searching tmp_path, with otree/Page.html available as a page base."""
    write("otree/Page.html", BASE_PAGE)
    return TemplateEngine([str(tmp_path)])


@pytest.fixture
def render(engine, write):
    """render(source, context=None, name=..., base=None): write the template and render it."""

    def do_render(source: str, context: dict | None = None, name: str = "app/Test.html", base: str | None = None):
        write(name, source)
        return engine.render(name, context or {}, base=base)

    return do_render
