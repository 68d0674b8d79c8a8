"""Statements built once per model class and kept on it.

SQLAlchemy computes a new statement's cache key again (with its construction) on every use; a
statement built once skips both. Those of an app's models are kept on the class itself, so they
go when a project's models go (a process that loads several projects, like the test suite).
"""

from __future__ import annotations

from typing import Any, Callable


def built_once(model: type, name: str, build: Callable[[], Any]) -> Any:
    """The statement `name` of `model`, built by `build()` on first use."""
    key = f"_otree_statement_{name}"
    statement = model.__dict__.get(key)
    if statement is None:
        statement = build()
        type.__setattr__(model, key, statement)  # a plain class attribute, not a mapped one
    return statement
