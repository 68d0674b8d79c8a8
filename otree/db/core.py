"""oTree's own tables: sessions and participants (the app tables are built per project)."""

from __future__ import annotations

import importlib
import secrets
import string
import time
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, Float, ForeignKey, Integer, MetaData, PickleType, String, Text, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, object_session, validates

from otree import state
from otree.conf import settings
from otree.currency import Currency, RealWorldCurrency

from . import mutable
from .types import CurrencyType

if TYPE_CHECKING:
    from sqlalchemy.orm import Session as DbSession

CODE_ALPHABET = string.ascii_lowercase + string.digits


def random_code(length: int = 8) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def anonymous_code() -> str:
    """An 8-letter, pronounceable code of 4 consonant-vowel syllables (e.g. 'puzemohi')."""
    consonants, vowels = "bdfghjklmnprstvz", "aeiou"
    return "".join(secrets.choice(consonants) + secrets.choice(vowels) for _ in range(4))


def _db_of(obj: object) -> DbSession:
    """The database session `obj` was loaded in."""
    db = object_session(obj)
    if db is None:
        # An AttributeError, as reading through None was before: objects stay readable after
        # their unit of work ends, and e.g. `participant.session` on such an object must keep
        # failing as an attribute error (which getattr(..., default) and templates handle).
        raise AttributeError(f"{obj!r} is detached (its unit of work has ended), so it cannot load related rows")
    return db


class CoreBase(DeclarativeBase):
    metadata = MetaData()


class GuardedAttributes:
    """Assigning an attribute the model does not declare is an error, not a silent no-op."""

    _extra_fields_setting: str = ""

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_") or hasattr(type(self), name):
            object.__setattr__(self, name, value)
            return
        if name in self._extra_field_names():
            self.vars[name] = value
            return
        setting = self._extra_fields_setting
        hint = f" To store custom data, add {name!r} to {setting} in settings.py." if setting else ""
        raise AttributeError(f"{type(self).__name__.lower()} has no field {name!r}.{hint}")

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails: PARTICIPANT_FIELDS / SESSION_FIELDS live in vars.
        if not name.startswith("_") and name in self._extra_field_names():
            try:
                return self.vars[name]
            except KeyError:
                raise AttributeError(
                    f"{type(self).__name__.lower()}.{name} has not been set yet"
                ) from None
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _extra_field_names(self) -> list[str]:
        return list(settings.get(self._extra_fields_setting, []) or []) if self._extra_fields_setting else []


class Session(GuardedAttributes, CoreBase):
    __tablename__ = "otree_session"
    _extra_fields_setting = "SESSION_FIELDS"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True, index=True, default=random_code)
    config: Mapped[dict] = mapped_column(PickleType, default=dict)
    vars: Mapped[dict] = mapped_column(PickleType, default=dict)
    label: Mapped[str | None] = mapped_column(Text, default="")
    comment: Mapped[str | None] = mapped_column(Text, default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    num_participants: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[float] = mapped_column(Float, default=time.time)
    is_mturk: Mapped[bool] = mapped_column(Boolean, default=False)
    mturk_HITId: Mapped[str | None] = mapped_column(Text, nullable=True)
    mturk_HITGroupId: Mapped[str | None] = mapped_column(Text, nullable=True)
    _anonymous_code: Mapped[str] = mapped_column(String(16), unique=True, index=True, default=anonymous_code)
    _admin_secret_code: Mapped[str] = mapped_column(String(32), default=lambda: random_code(16))
    _room_name: Mapped[str | None] = mapped_column(Text, nullable=True)

    def __repr__(self) -> str:
        return f"<Session {self.code}>"

    @property
    def participation_fee(self) -> RealWorldCurrency:
        # Annotated: currency constructors and arithmetic are typed Any (Decimal subclasses).
        fee: RealWorldCurrency = RealWorldCurrency(self.config.get("participation_fee", 0) or 0)
        return fee

    @property
    def real_world_currency_per_point(self) -> float:
        rate: float = self.config.get("real_world_currency_per_point", 1)  # config values are untyped
        return rate

    @property
    def config_name(self) -> str:
        name: str = self.config.get("name", "")  # config values are untyped
        return name

    def get_participants(self) -> list["Participant"]:
        db = _db_of(self)
        return list(db.scalars(select(Participant).filter_by(session_id=self.id).order_by(Participant.id_in_session)))

    def get_subsessions(self) -> list[Any]:
        """Every subsession of every app, in app_sequence order then round order."""
        project = state.current().require_project()
        db = _db_of(self)
        result: list[Any] = []
        for app_name in self.config["app_sequence"]:
            cls = project.apps[app_name].Subsession
            result.extend(db.scalars(select(cls).filter_by(session_id=self.id).order_by(cls.round_number)))
        return result

    def mock_exogenous_data(self) -> None:
        """Bots only: with `mock_exogenous_data=True` in the config, call the project's
        `shared_out.mock_exogenous_data(session)` (labels and vars that would come from outside)."""
        if self.config.get("mock_exogenous_data"):
            state.current().require_project().module_names.add("shared_out")  # unloaded with the project's own modules
            importlib.import_module("shared_out").mock_exogenous_data(self)


class Participant(GuardedAttributes, CoreBase):
    __tablename__ = "otree_participant"
    _extra_fields_setting = "PARTICIPANT_FIELDS"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("otree_session.id", ondelete="CASCADE"), index=True)
    id_in_session: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(16), unique=True, index=True, default=random_code)
    label: Mapped[str | None] = mapped_column(Text, nullable=True)
    vars: Mapped[dict] = mapped_column(PickleType, default=dict)
    payoff: Mapped[Any] = mapped_column(CurrencyType(), default=lambda: Currency(0))
    status: Mapped[str | None] = mapped_column(Text, default="")
    visited: Mapped[bool] = mapped_column(Boolean, default=False)
    time_started_utc: Mapped[str | None] = mapped_column(Text, nullable=True)
    mturk_worker_id: Mapped[str | None] = mapped_column(Text, nullable=True)
    mturk_assignment_id: Mapped[str | None] = mapped_column(Text, nullable=True)
    is_browser_bot: Mapped[bool] = mapped_column(Boolean, default=False)
    _is_bot: Mapped[bool] = mapped_column(Boolean, default=False)
    _index_in_pages: Mapped[int] = mapped_column(Integer, default=0)
    _max_page_index: Mapped[int] = mapped_column(Integer, default=0)
    _current_app_name: Mapped[str | None] = mapped_column(Text, nullable=True)
    _current_page_name: Mapped[str | None] = mapped_column(Text, nullable=True)
    _round_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    _last_request_timestamp: Mapped[float | None] = mapped_column(Float, nullable=True)
    _timeout_expiration_time: Mapped[float | None] = mapped_column(Float, nullable=True)
    _timeout_page_index: Mapped[int | None] = mapped_column(Integer, nullable=True)
    _waitpage_is_connected: Mapped[bool] = mapped_column(Boolean, default=False)
    # Online studies (otree.dropouts, otree.prolific): see the README's "Online studies".
    is_dropout: Mapped[bool] = mapped_column(Boolean, default=False)
    left_wait_page: Mapped[bool] = mapped_column(Boolean, default=False)
    _page_arrived_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    _last_activity_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    _browser_connections: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"<Participant {self.code}>"

    @validates("payoff")
    def _payoff_as_currency(self, _key: str, value: Any) -> Any:
        # Currency at once, not only after a reload (payoff_in_real_world_currency needs it).
        return None if value is None else Currency(value)

    @property
    def session(self) -> Session:
        session = _db_of(self).get(Session, self.session_id)
        assert session is not None, "the foreign key (ondelete=CASCADE) keeps a participant's session"
        return session

    def get_players(self) -> list[Any]:
        """This participant's players in every app and round, in the order they are played."""
        project = state.current().require_project()
        db = _db_of(self)
        result: list[Any] = []
        for app_name in self.session.config["app_sequence"]:
            cls = project.apps[app_name].Player
            result.extend(db.scalars(select(cls).filter_by(participant_id=self.id).order_by(cls.round_number)))
        return result

    def get_player(self, app_name: str, round_number: int) -> Any:
        cls = state.current().require_project().apps[app_name].Player
        return _db_of(self).scalars(
            select(cls).filter_by(participant_id=self.id, round_number=round_number)
        ).one_or_none()

    def payoff_in_real_world_currency(self) -> RealWorldCurrency:
        payoff: Currency = self.payoff  # kept a Currency by _payoff_as_currency
        return payoff.to_real_world_currency(self.session)

    def payoff_plus_participation_fee(self) -> RealWorldCurrency:
        total: RealWorldCurrency = self.payoff_in_real_world_currency() + self.session.participation_fee
        return total


mutable.track(Session, ["vars", "config"])
mutable.track(Participant, ["vars"])
