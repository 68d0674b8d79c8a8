"""SQLAlchemy column types for oTree's value types (currency as exact decimal text, lists as JSON)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from sqlalchemy import Dialect, Text
from sqlalchemy.types import TypeDecorator


class CurrencyType(TypeDecorator[Any]):
    """Currency stored as its exact decimal text (never a binary float)."""

    impl = Text
    cache_ok = True

    def __init__(self, real_world: bool = False) -> None:
        super().__init__()
        self.real_world = real_world

    def _cls(self) -> type[Decimal]:
        from otree.currency import Currency, RealWorldCurrency

        return RealWorldCurrency if self.real_world else Currency

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        # Decimal's own text, not Currency's display ("100 points").
        return str(Decimal(self._cls()(value)))

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        return self._cls()(value)


class DecimalType(TypeDecorator[Any]):
    """A Decimal (optionally of a DecimalUnit subclass) stored as exact text."""

    impl = Text
    cache_ok = True

    def __init__(self, unit: type[Decimal] | None = None) -> None:
        super().__init__()
        self.unit = unit

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return str(Decimal(value) if not isinstance(value, float) else Decimal(float.__repr__(value)))

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        return self.unit(value) if self.unit is not None else Decimal(value)


class StringListType(TypeDecorator[Any]):
    """A list of strings (MultiStringField), stored as JSON text."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return json.dumps(list(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        return json.loads(value)
