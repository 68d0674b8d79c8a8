"""`otree.database`: what oTree 5/6 apps import from oTree's database module.

`db` is the database session of the unit of work the code runs in (`db.query(Player)`,
`db.add(obj)`, `db.delete(obj)`), `dbq` is `db.query`, and the field classes are the usual
`models.*Field`. Commits happen at the end of each unit of work, so `db.commit()` is not needed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import NoResultFound

from otree.db.models import ExtraModel
from otree.db.uow import current_session
from otree.models import (
    BooleanField,
    CurrencyField,
    DecimalField,
    FloatField,
    IntegerField,
    LongStringField,
    MultiStringField,
    RealWorldCurrencyField,
    StringField,
)

__all__ = [
    "db", "dbq", "NoResultFound", "ExtraModel", "BooleanField", "CurrencyField", "DecimalField", "FloatField",
    "IntegerField", "LongStringField", "MultiStringField", "RealWorldCurrencyField", "StringField",
]


class _CurrentSession:
    """Stands for the SQLAlchemy Session of the current unit of work."""

    def __getattr__(self, name: str) -> Any:
        return getattr(current_session(), name)

    def commit(self) -> None:
        # oTree commits at the end of each request; committing in the middle would break the
        # unit of work's all-or-nothing guarantee, so only pending changes are written.
        current_session().flush()

    def __repr__(self) -> str:
        return "<otree.database.db: the current unit of work's session>"


db = _CurrentSession()


def dbq(*entities: Any, **kwargs: Any):
    """`dbq(Player)`: a query in the current unit of work (oTree's shorthand for db.query)."""
    return current_session().query(*entities, **kwargs)


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    raise ImportError(
        f"otree.database.{name} is part of oTree's internals, which otree-asgi does not have. "
        "Use `from otree.database import db` (the current unit of work's session) or the model "
        "methods (Player.filter(...), ExtraModel.create(...))."
    )
