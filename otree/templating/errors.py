"""The one exception type users see from templates, always pointing at file and line."""

from __future__ import annotations

import os

from otree.errors import OtreeError


class TemplateError(OtreeError):
    """A template could not be compiled or rendered.

    `path` and `lineno` refer to the user's own file (translation keeps line
    numbers), `source_line` is that line's text.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        lineno: int | None = None,
        source_line: str | None = None,
    ) -> None:
        self.message = message
        self.path = path
        self.lineno = lineno
        self.source_line = source_line
        super().__init__(self.render())

    @property
    def located(self) -> bool:
        """Whether the error already knows the file it happened in."""
        return self.path is not None

    def render(self) -> str:
        """The full message: 'path, line N: message' plus the offending line."""
        if self.path is None:
            return self.message
        where = _display_path(self.path)
        if self.lineno:
            where += f", line {self.lineno}"
        text = f"{where}: {self.message}"
        if self.source_line is not None and self.source_line.strip():
            text += f"\n    {self.source_line.strip()}"
        return text

    def __reduce__(self) -> tuple:
        # Keyword-only arguments would otherwise be lost when pickled (e.g. by pytest-xdist).
        return (_rebuild, (self.message, self.path, self.lineno, self.source_line))


def _rebuild(message: str, path: str | None, lineno: int | None, source_line: str | None) -> TemplateError:
    return TemplateError(message, path=path, lineno=lineno, source_line=source_line)


def _display_path(path: str) -> str:
    """Paths inside the project are shown relative to it, others in full."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return path if relative.startswith("..") else relative
