"""Errors that oTree users see, each saying where the problem is and how to fix it."""

from __future__ import annotations

import os


class OtreeError(Exception):
    """Base class of errors raised by otree-asgi itself."""


class ConfigError(OtreeError):
    """A problem in the user's project (settings.py or an app), found at start-up.

    The message names the file, the line where that helps, and the fix.
    """

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None, fix: str | None = None):
        self.message = message
        self.path = path
        self.line = line
        self.fix = fix
        super().__init__(self.render())

    def render(self) -> str:
        where = ""
        if self.path:
            where = _relative(self.path)
            if self.line:
                where += f", line {self.line}"
            where += ": "
        text = where + self.message
        if self.fix:
            text += f"\nFix: {self.fix}"
        return text


class ConfigWarning(UserWarning):
    """Something in the user's project that works but is probably not what they meant."""


def warn_config(message: str, *, path: str, line: int | None = None) -> None:
    """Report a ConfigWarning at the user's file and line (once per place, as Python warnings are)."""
    import warnings

    warnings.warn_explicit(message, ConfigWarning, filename=_relative(path), lineno=line or 0)


class SchemaError(OtreeError):
    """The database holds tables that the current models cannot use without `otree resetdb`."""


class SessionCreationError(OtreeError):
    """Invalid arguments to create_session (unknown config, bad number of participants, ...)."""


class GroupingError(OtreeError, ValueError):
    """An invalid group matrix or player list."""


def _relative(path: str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


def find_line(path: str, *needles: str) -> int | None:
    """The first line of `path` containing every needle (to point error messages at it)."""
    try:
        with open(path, encoding="utf-8") as f:
            for number, text in enumerate(f, start=1):
                if all(n in text for n in needles):
                    return number
    except OSError:
        return None
    return None
