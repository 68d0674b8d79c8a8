"""oTree templates on Jinja2: both `{{ tag }}` (oTree 5/6) and `{% tag %}` (Django-era) syntax.

The oTree syntax is translated to Jinja source line for line (translate.py), so
Jinja's errors carry the user's line numbers; engine.py wraps everything in
`TemplateEngine`, whose errors are `TemplateError`s naming file and line.
"""

from .engine import TemplateEngine
from .errors import TemplateError
from .translate import translate

__all__ = ["TemplateEngine", "TemplateError", "translate"]
