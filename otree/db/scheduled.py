"""The table of scheduled work (page timeouts, moving waiters on, later dropout checks).

A row is due at `due_at` (epoch seconds) and pending while `done_at` is null. The task
loop (otree.tasks) claims a due row by locking it, applies it and sets `done_at` in the
same transaction, so a crash before the commit leaves it pending for the next loop.
`key` names a task for cancel / reschedule (unique: one row per key).
"""

from __future__ import annotations

from sqlalchemy import JSON, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .core import CoreBase


class ScheduledTask(CoreBase):
    __tablename__ = "otree_scheduledtask"
    __table_args__ = (Index("ix_otree_scheduledtask_pending", "done_at", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(100))
    key: Mapped[str | None] = mapped_column(String(255), unique=True, nullable=True)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    due_at: Mapped[float] = mapped_column(Float)
    created_at: Mapped[float] = mapped_column(Float)
    done_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    done_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
