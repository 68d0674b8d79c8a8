"""Database layer: engine, units of work, fields, model base classes and schema."""

from .uow import current_session, unit_of_work

__all__ = ["unit_of_work", "current_session"]
