"""Statements built once per model class and kept on it.

SQLAlchemy computes a new statement's cache key again (with its construction) on every use; a
statement built once skips both. Those of an app's models are kept on the class itself, so they
go when a project's models go (a process that loads several projects, like the test suite).
"""

from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import TableClause
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert


def built_once(model: type, name: str, build: Callable[[], Any]) -> Any:
    """The statement `name` of `model`, built by `build()` on first use."""
    key = f"_otree_statement_{name}"
    statement = model.__dict__.get(key)
    if statement is None:
        statement = build()
        type.__setattr__(model, key, statement)  # a plain class attribute, not a mapped one
    return statement


def dialect_insert(dialect_name: str, table: TableClause) -> Any:
    """An INSERT into `table` of the database's own dialect, for its ON CONFLICT clauses.

    SQLite and PostgreSQL both have INSERT ... ON CONFLICT; SQLAlchemy builds it per dialect.
    """
    return (sqlite_insert if dialect_name == "sqlite" else postgresql_insert)(table)
