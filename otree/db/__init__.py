"""Database layer: engine, units of work, fields, model base classes and schema."""

from . import login_attempts  # noqa: F401 - failed admin logins, for rate limiting
from . import records  # noqa: F401 - registers oTree's bookkeeping tables
from . import rooms_tables  # noqa: F401 - room presence and participant vars sent ahead by REST
from .uow import current_session, unit_of_work

__all__ = ["unit_of_work", "current_session"]
