"""Creating and evolving the database schema without losing data.

oTree only ever creates missing tables, so adding a field means `resetdb` and losing
every session. Here, start-up also adds missing columns to existing tables (all app
columns are nullable, so this is always safe), and reports what really cannot be done
in place (a field whose type changed) with a clear message instead of a crash later.
"""

from __future__ import annotations

import logging

from typing import Any

from sqlalchemy import Boolean, Float, Integer, LargeBinary, MetaData, String, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.schema import CreateColumn
from sqlalchemy.types import TypeDecorator, TypeEngine

from otree.errors import SchemaError

logger = logging.getLogger("otree.db")


def _family(type_: TypeEngine[Any] | type[TypeEngine[Any]]) -> str:
    """A coarse type family: what can be stored in a column without converting data."""
    if isinstance(type_, TypeDecorator):
        type_ = type_.impl_instance if hasattr(type_, "impl_instance") else type_.impl
    for family, base in (("bool", Boolean), ("int", Integer), ("float", Float), ("binary", LargeBinary),
                         ("text", String)):
        if isinstance(type_, base):
            return family
    name = type(type_).__name__.upper()
    if "INT" in name:
        return "int"
    if any(x in name for x in ("REAL", "DOUBLE", "FLOAT", "NUMERIC", "DECIMAL")):
        return "float"
    if any(x in name for x in ("BLOB", "BYTEA")):
        return "binary"
    if "BOOL" in name:
        return "bool"
    return "text"


def _compatible(model_family: str, db_family: str, dialect: str) -> bool:
    if model_family == db_family:
        return True
    # SQLite stores booleans as integers and reflects BOOLEAN columns faithfully, but
    # a column created as INTEGER holding 0/1 is still fine for a Boolean field.
    return dialect == "sqlite" and {model_family, db_family} == {"bool", "int"}


def sync_schema(engine: Engine, *metadatas: MetaData) -> list[str]:
    """Create missing tables and columns; raise SchemaError for changes that need resetdb.

    Returns a description of each change made.
    """
    changes: list[str] = []
    for metadata in metadatas:
        metadata.create_all(engine, checkfirst=True)
    problems: list[str] = []
    inspector = inspect(engine)
    dialect = engine.dialect.name
    for metadata in metadatas:
        for table in metadata.sorted_tables:
            existing = {c["name"]: c for c in inspector.get_columns(table.name)}
            for column in table.columns:
                found = existing.get(column.name)
                if found is None:
                    if not column.nullable and column.default is None:
                        problems.append(
                            f"table {table.name}: the new column {column.name!r} cannot be added to existing rows"
                        )
                        continue
                    _add_column(engine, table.name, column)
                    changes.append(f"added column {table.name}.{column.name}")
                    continue
                model_family, db_family = _family(column.type), _family(found["type"])
                if not _compatible(model_family, db_family, dialect):
                    problems.append(
                        f"{table.name}.{column.name} is stored as {found['type']} in the database, "
                        f"but the model now declares it as {model_family} ({type(column.type).__name__})"
                    )
    if problems:
        raise SchemaError(
            "The database was created by an older version of your models, and these changes cannot be "
            "applied to the existing data:\n  - " + "\n  - ".join(problems)
            + "\nFix: rename the field (a new column is added automatically and old data is kept), "
            "change it back, or run `otree resetdb` to delete all data and start over."
        )
    for change in changes:
        logger.info(change)
    return changes


def _add_column(engine: Engine, table_name: str, column: Any) -> None:
    ddl = CreateColumn(column).compile(dialect=engine.dialect)
    preparer = engine.dialect.identifier_preparer
    statement = f"ALTER TABLE {preparer.quote(table_name)} ADD COLUMN {ddl}"
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(statement)
    except (OperationalError, ProgrammingError) as exc:
        # Another worker starting at the same moment may have added it first.
        if "duplicate column" in str(exc).lower() or "already exists" in str(exc).lower():
            return
        raise


def drop_everything(engine: Engine) -> None:
    """Drop every table in the database, including ones no current model knows about."""
    reflected = MetaData()
    reflected.reflect(bind=engine)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            for table in reflected.sorted_tables:
                conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{table.name}" CASCADE')
        else:
            reflected.drop_all(bind=conn)
