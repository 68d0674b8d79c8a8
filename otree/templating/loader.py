"""Finding template files on the search path and handing their translation to Jinja."""

from __future__ import annotations

import os
from typing import Callable, Sequence

import jinja2
from jinja2.loaders import split_template_path

from .translate import translate

# Separates a template name from the base it extends implicitly when used as a page.
# A NUL byte cannot occur in a file name, so no real template name contains it.
_PAGE_MARK = "\x00"


def page_template_name(name: str, base: str) -> str:
    """The Jinja name under which `name` is loaded as a page with implied `extends base`."""
    return f"{name}{_PAGE_MARK}{base}"


def split_page_name(template: str) -> tuple[str, str | None]:
    """(file name, implied base or None) from a Jinja template name."""
    name, mark, base = template.partition(_PAGE_MARK)
    return name, (base if mark else None)


class OtreeLoader(jinja2.BaseLoader):
    """Loads `name` from the first search-path folder that has it, translated to Jinja.

    The original (untranslated) text of every loaded file is kept in `sources`,
    so errors can quote the user's line. With `remember`, where a name was found (or not) is
    looked up on disk once: for servers that do not reload templates, whose files do not change.
    """

    def __init__(self, search_path: Sequence[str | os.PathLike], remember: bool = False) -> None:
        self.search_path = [os.fspath(folder) for folder in search_path]
        self.sources: dict[str, str] = {}
        self._found: dict[str, str | None] | None = {} if remember else None

    def find(self, name: str) -> str | None:
        """Full path of the template file, or None."""
        if self._found is None:
            return self._find(name)
        if name not in self._found:
            # A page asks whether its app has its own global template on every view.
            self._found[name] = self._find(name)
        return self._found[name]

    def _find(self, name: str) -> str | None:
        try:
            pieces = split_template_path(name)  # also rejects '..'
        except jinja2.TemplateNotFound:
            return None
        for folder in self.search_path:
            path = os.path.join(folder, *pieces)
            if os.path.isfile(path):
                return path
        return None

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        name, base = split_page_name(template)
        path = self.find(name)
        if path is None:
            raise jinja2.TemplateNotFound(name)
        stat = os.stat(path)
        with open(path, encoding="utf-8-sig") as f:
            # Jinja counts a lone \r as a line break; normalising keeps line numbers in step.
            source = f.read().replace("\r\n", "\n").replace("\r", "\n")
        self.sources[path] = source
        try:
            translated = translate(source, name, base)
        except jinja2.TemplateSyntaxError as exc:
            exc.filename = path
            exc.name = name
            raise
        signature = (stat.st_mtime_ns, stat.st_size)

        def uptodate() -> bool:
            try:
                current = os.stat(path)
            except OSError:
                return False
            return (current.st_mtime_ns, current.st_size) == signature

        return translated, path, uptodate

    def list_templates(self) -> list[str]:
        found = set()
        for folder in self.search_path:
            for root, _dirs, files in os.walk(folder):
                for filename in files:
                    relative = os.path.relpath(os.path.join(root, filename), folder)
                    found.add(relative.replace(os.sep, "/"))
        return sorted(found)
