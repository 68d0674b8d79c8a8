"""Failed admin logins per client, in the database so that every worker process counts the same."""

from __future__ import annotations

import time

from sqlalchemy import Float, Integer, String, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from .core import CoreBase
from .uow import unit_of_work


class LoginFailure(CoreBase):
    """One row per failed login attempt; rows older than the window are deleted as new ones arrive."""

    __tablename__ = "otree_loginfailure"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client: Mapped[str] = mapped_column(String(255), index=True)
    at: Mapped[float] = mapped_column(Float, default=time.time, index=True)


def recent_failures(client: str, window: float) -> int:
    with unit_of_work(readonly=True) as db:
        since = time.time() - window
        return db.scalar(select(func.count()).where(LoginFailure.client == client, LoginFailure.at > since)) or 0


def record_failure(client: str, window: float) -> None:
    with unit_of_work() as db:
        now = time.time()
        db.execute(delete(LoginFailure).where(LoginFailure.at <= now - window))
        db.add(LoginFailure(client=client, at=now))


def clear_failures(client: str) -> None:
    with unit_of_work() as db:
        db.execute(delete(LoginFailure).where(LoginFailure.client == client))
