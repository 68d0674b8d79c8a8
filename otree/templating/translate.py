"""oTree / Django template source -> Jinja source, keeping every line where it was.

Each segment of the user's file becomes Jinja text with exactly as many line
breaks as it had (a tag's missing line breaks go inside the emitted tag), so
Jinja's line numbers are the user's line numbers.

Tags work in both spellings, `{{ if x }}` and `{% if x %}`; anything else in
`{{ }}` is an expression. `{% %}` additionally accepts the Django-era tags and
the common Jinja tags (set, macro, call, import, filter, ...).

For page templates (`base` given) a template whose first real node is not
`extends` behaves as if it started with `{% extends base %}`, and then any
output outside a block is an error, as in oTree.
"""

from __future__ import annotations

from .translate_django import DjangoTags
from .translate_otree import OtreeTags


class _Translator(OtreeTags, DjangoTags):
    """All tags of both families."""


def translate(source: str, name: str, base: str | None = None) -> str:
    """Jinja source for an oTree/Django template; raises jinja2.TemplateSyntaxError with the user's line."""
    return _Translator(name, base).run(source)

