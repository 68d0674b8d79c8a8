"""Database layer: engine, units of work, fields, model base classes and schema."""

from . import login_attempts  # noqa: F401 - failed admin logins, for rate limiting
from . import records  # noqa: F401 - registers oTree's bookkeeping tables
from . import live_tables  # noqa: F401 - live page replies and chat messages
from . import rooms_tables  # noqa: F401 - room presence and participant vars sent ahead by REST
from . import scheduled  # noqa: F401 - the task loop's table of scheduled work
from .uow import current_session, unit_of_work

__all__ = ["unit_of_work", "current_session"]
