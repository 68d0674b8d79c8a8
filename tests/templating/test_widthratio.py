"""Django's {% widthratio %}, found in oTree 3 templates (progress bars, scaled pictures)."""

from __future__ import annotations

import pytest

from otree.templating import TemplateError


@pytest.mark.parametrize("context, expected", [
    (dict(done=3, total=4), "75"),
    (dict(done=1, total=3), "33"),
    (dict(done=0, total=0), "0"),
    (dict(done="x", total=4), ""),
])
def test_widthratio(render, context, expected):
    assert render('<div style="width: {% widthratio done total 100 %}%">', context) == (
        f'<div style="width: {expected}%">'
    )


def test_widthratio_as_a_variable(render):
    html = render("{% widthratio player.score 20 300 as px %}<img width={{ px }}>", {"player": {"score": 5}})
    assert html == "<img width=75>"


def test_widthratio_needs_three_values(render):
    with pytest.raises(TemplateError, match="'widthratio' takes three values"):
        render("{% widthratio a b %}", {"a": 1, "b": 2})
