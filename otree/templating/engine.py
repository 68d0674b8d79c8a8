"""The template engine: a configured Jinja environment plus error reporting in the user's terms."""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any, Iterator, Sequence

import jinja2

from . import filters, tags
from .errors import TemplateError
from .loader import OtreeLoader, page_template_name
from .runtime import OtreeEnvironment, OtreeUndefined, finalize


class TemplateEngine:
    """Renders oTree templates (`{{ tag }}` and Django `{% tag %}` styles) with Jinja2.

    Output is autoescaped (`|safe` opts out). `render(..., base=...)` renders a
    page template, which implicitly extends `base` unless it starts with extends.
    """

    def __init__(self, search_path: Sequence[str | os.PathLike], auto_reload: bool = True) -> None:
        self.loader = OtreeLoader(search_path, remember=not auto_reload)
        self.env = OtreeEnvironment(
            loader=self.loader,
            autoescape=True,
            auto_reload=auto_reload,
            undefined=OtreeUndefined,
            finalize=finalize,
            keep_trailing_newline=True,  # output ends like the file does
            extensions=["jinja2.ext.loopcontrols"],
        )
        filters.install(self.env)
        tags.install(self.env)

    @property
    def search_path(self) -> list[str]:
        """The folders searched for templates, first match wins."""
        return self.loader.search_path

    def has_template(self, name: str) -> bool:
        """Whether a template file with this name exists on the search path."""
        return self.loader.find(name) is not None

    def get_template(self, name: str, base: str | None = None) -> jinja2.Template:
        """The compiled template; with `base`, as a page that implicitly extends `base`."""
        with self._errors():
            return self.env.get_template(page_template_name(name, base) if base else name)

    def render(self, template_name: str, context: dict[str, Any], base: str | None = None) -> str:
        """Render a template; raises TemplateError naming file and line for template mistakes."""
        template = self.get_template(template_name, base)
        with self._errors():
            return template.render(context)

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn Jinja's errors into TemplateError with the user's file, line and line text."""
        try:
            yield
        except TemplateError as exc:
            if exc.located:
                raise
            raise self._located(exc.message, exc) from exc
        except jinja2.TemplateSyntaxError as exc:
            path = exc.filename or exc.name
            raise TemplateError(
                exc.message or str(exc), path=path, lineno=exc.lineno, source_line=self._line(path, exc.lineno)
            ) from exc
        except jinja2.TemplateNotFound as exc:
            raise self._located(f"Template not found: {exc.name}", exc, fallback_path=None) from exc
        except jinja2.UndefinedError as exc:
            raise self._located(f"Cannot resolve the variable: {exc.message}", exc) from exc
        except Exception as exc:
            # User code (a model method, vars_for_template data) failed: keep its type, add where.
            where = self._template_frame(exc)
            if where is not None and sys.version_info >= (3, 11):  # add_note is new in Python 3.11
                exc.add_note(f"(while rendering {where[0]}, line {where[1]})")
            raise

    def _located(self, message: str, exc: BaseException, fallback_path: str | None = None) -> TemplateError:
        where = self._template_frame(exc)
        if where is None:
            return TemplateError(message, path=fallback_path)
        path, lineno = where
        return TemplateError(message, path=path, lineno=lineno, source_line=self._line(path, lineno))

    def _template_frame(self, exc: BaseException) -> tuple[str, int] | None:
        """(file, line) of the innermost template frame in the traceback (Jinja rewrites these)."""
        found = None
        tb = exc.__traceback__
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if filename in self.loader.sources:
                found = (filename, tb.tb_lineno)
            tb = tb.tb_next
        return found

    def _line(self, path: str | None, lineno: int | None) -> str | None:
        source = self.loader.sources.get(path or "")
        if source is None or not lineno:
            return None
        lines = source.split("\n")
        return lines[lineno - 1] if 0 < lineno <= len(lines) else None
