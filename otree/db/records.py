"""oTree's bookkeeping tables: page completion times and completed wait pages.

The completion tables are what makes a wait page's after_all_players_arrive run exactly
once: the row is inserted by the unit of work that runs it, under a unique constraint and
after locking the group (or subsession) row, so a second runner can never get past it,
whichever worker process it runs in.
"""

from __future__ import annotations

import time

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .core import CoreBase


class PageTime(CoreBase):
    """One row per completed page, for the page-times export."""

    __tablename__ = "otree_pagetime"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("otree_session.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("otree_participant.id", ondelete="CASCADE"), index=True)
    page_index: Mapped[int] = mapped_column(Integer)
    app_name: Mapped[str] = mapped_column(String(100))
    page_name: Mapped[str] = mapped_column(String(200))
    round_number: Mapped[int] = mapped_column(Integer)
    epoch_time_completed: Mapped[float] = mapped_column(Float, default=time.time)
    timeout_happened: Mapped[bool] = mapped_column(Boolean, default=False)
    is_wait_page: Mapped[bool] = mapped_column(Boolean, default=False)


class CompletedGroupWaitPage(CoreBase):
    __tablename__ = "otree_completedgroupwaitpage"
    __table_args__ = (UniqueConstraint("session_id", "page_index", "group_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("otree_session.id", ondelete="CASCADE"))
    page_index: Mapped[int] = mapped_column(Integer)
    group_id: Mapped[int] = mapped_column(Integer)


class CompletedSubsessionWaitPage(CoreBase):
    __tablename__ = "otree_completedsubsessionwaitpage"
    __table_args__ = (UniqueConstraint("session_id", "page_index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("otree_session.id", ondelete="CASCADE"))
    page_index: Mapped[int] = mapped_column(Integer)


class CompletedGBATGroup(CoreBase):
    """One row per group formed by arrival time (group_by_arrival_time) on a page."""

    __tablename__ = "otree_completedgbatwaitpage"
    __table_args__ = (UniqueConstraint("session_id", "page_index", "id_in_subsession"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("otree_session.id", ondelete="CASCADE"))
    page_index: Mapped[int] = mapped_column(Integer)
    id_in_subsession: Mapped[int] = mapped_column(Integer)
