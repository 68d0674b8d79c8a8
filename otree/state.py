"""The running app's state in one object: project, database engine, templates, channel layer, rooms.

`create_app(state)` is built with an `AppState`; code deep inside a request (units of work,
page flow, consumers, the task loop) reaches the same object through `current()`, the way
Starlette's `request.app.state` is reached from a view. A server process has one state,
installed with `activate`; a test builds its own and installs it with `using`, instead of
resetting module globals one by one. An app also binds its state to each of its calls
(`bound`), so two apps built with two states in one process each see their own.

This module is the lowest layer: it imports nothing from otree at run time (the attribute
types are for type checkers only), so any module may depend on it.
"""

from __future__ import annotations

import contextlib
import contextvars
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from otree.channels.layer import BaseChannelLayer
    from otree.project import Project
    from otree.rooms import Room
    from otree.templating import TemplateEngine


@dataclass
class AppState:
    """What one running app needs; attributes stay None until the part that builds them has run."""

    project: Project | None = None
    engine: Engine | None = None
    templates: TemplateEngine | None = None
    channel_layer: BaseChannelLayer | None = None
    rooms: dict[str, Room] | None = None
    # What `rooms` was built from (project folder and settings.ROOMS): a change rebuilds it.
    rooms_source: object = None

    def require_project(self) -> Project:
        """The loaded project; RuntimeError with the fix when none is."""
        if self.project is None:
            raise RuntimeError("No project is loaded (run otree from your project folder).")
        return self.project


# The process's state (seen by every thread), and a per-context override (`bound`: each call of an app).
_process_state = AppState()
_override: contextvars.ContextVar[AppState | None] = contextvars.ContextVar("otree_app_state", default=None)


def current() -> AppState:
    """The state of the app running in this context (the process's, unless `bound` overrides it)."""
    return _override.get() or _process_state


def activate(state: AppState) -> AppState:
    """Make `state` the process's state (a server, a CLI command); returns the previous one."""
    global _process_state
    previous, _process_state = _process_state, state
    return previous


@contextlib.contextmanager
def bound(state: AppState) -> Iterator[AppState]:
    """Run a block with `state` current in this context only (and in the tasks and worker
    threads it starts with a copy of the context: asyncio tasks, Starlette's and asgiref's threads)."""
    token = _override.set(state)
    try:
        yield state
    finally:
        _override.reset(token)


@contextlib.contextmanager
def using(state: AppState) -> Iterator[AppState]:
    """Run a block with `state` as the current state, then restore the previous one (tests, tools).

    For the block's duration `state` is also the process's state, so that plain threads the
    block starts (which do not inherit the context) see it too.
    """
    previous = activate(state)
    try:
        with bound(state):
            yield state
    finally:
        activate(previous)


__all__ = ["AppState", "current", "activate", "bound", "using"]
