"""Creating sessions: participants, and every app's subsessions, groups and players for every round."""

from __future__ import annotations

import math
import time
from decimal import Decimal
from typing import Any, Callable

from sqlalchemy.exc import IntegrityError

from otree.conf import settings
from otree.db.core import Participant, Session, anonymous_code, random_code
from otree.db.uow import current_session
from otree.errors import SessionCreationError
from otree.project import get_project, participants_multiple

ProgressCallback = Callable[[str], None]


def merged_config(config_name: str, modified_session_config_fields: dict | None = None,
                  allow_new_keys: bool = True) -> dict:
    """The session config with its modifications, each checked by check_config_value."""
    project = get_project()
    if not isinstance(config_name, str):
        raise SessionCreationError(f"session_config_name must be a string, not {type(config_name).__name__}")
    try:
        config = dict(project.get_session_config(config_name))
    except KeyError as exc:
        raise SessionCreationError(str(exc.args[0])) from None
    if modified_session_config_fields:
        forbidden = set(modified_session_config_fields) & {"name", "app_sequence"}
        if forbidden:
            raise SessionCreationError(f"The session config field {sorted(forbidden)[0]!r} cannot be modified")
        for key, value in modified_session_config_fields.items():
            check_config_value(config, key, value, allow_new_keys=allow_new_keys)
        config.update(modified_session_config_fields)
    return config


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float, Decimal)):
        return "a number"
    return {str: "a string", list: "a list", dict: "an object"}.get(type(value), type(value).__name__)


def _finite_float(value: Any) -> bool:
    # The admin shows such values as floats: 10**400 would overflow there.
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def check_config_value(config: dict, key: Any, value: Any, *, allow_new_keys: bool = True) -> None:
    """SessionCreationError unless `value` may replace config[key]: the same kind of value as the config's own.

    A bool stays a bool, a number a (finite) number (a whole number where the config has an int),
    a string a string; other values keep their type. New keys are refused unless allow_new_keys
    (code may add keys; the admin form and the REST API only edit the config's own).
    """
    if not isinstance(key, str):
        raise SessionCreationError(f"Session config field names must be strings, not {key!r}")
    if key not in config:
        if not allow_new_keys:
            raise SessionCreationError(f"The session config {config.get('name')!r} has no field {key!r}")
        return
    current = config[key]
    if isinstance(value, str) and "\x00" in value:
        raise SessionCreationError(f"The session config field {key!r} contains a NUL character")
    if current is None:
        return
    if isinstance(current, bool) or isinstance(value, bool):
        ok = isinstance(current, bool) and isinstance(value, bool)
    elif isinstance(current, int):
        ok = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    elif isinstance(current, (float, Decimal)):
        ok = isinstance(value, (int, float, Decimal)) and _finite_float(value)
    else:
        ok = isinstance(value, type(current))
    if not ok:
        raise SessionCreationError(
            f"The session config field {key!r} must be {_type_name(current)} (like its value {current!r}), "
            f"not {value!r}"
        )
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) and key in (
            "participation_fee", "real_world_currency_per_point") and value < 0:
        raise SessionCreationError(f"The session config field {key!r} must not be negative")


def check_num_participants(num_participants: Any, multiple: int = 1) -> int:
    """num_participants as an int: positive, a multiple of the group size, at most MAX_PARTICIPANTS_PER_SESSION."""
    if isinstance(num_participants, bool) or not isinstance(num_participants, int) or num_participants < 1:
        raise SessionCreationError(f"Number of participants must be a positive whole number, not {num_participants!r}")
    limit = int(settings.MAX_PARTICIPANTS_PER_SESSION)
    if num_participants > limit:
        raise SessionCreationError(
            f"Number of participants ({num_participants}) is more than the maximum of {limit} "
            f"(MAX_PARTICIPANTS_PER_SESSION in settings.py)"
        )
    if num_participants % multiple:
        raise SessionCreationError(
            f"Number of participants ({num_participants}) is not a multiple of group size ({multiple})"
        )
    return num_participants


def create_session(
    session_config_name: str,
    num_participants: int,
    modified_session_config_fields: dict | None = None,
    label: str = "",
    room_name: str | None = None,
    is_demo: bool = False,
    is_mturk: bool = False,
    progress: ProgressCallback | None = None,
) -> Session:
    """Create a session in the current unit of work and run every creating_session hook.

    Raises SessionCreationError for an unknown config or a bad number of participants.
    """
    project = get_project()
    config = merged_config(session_config_name, modified_session_config_fields)
    check_num_participants(num_participants, participants_multiple(project, config))
    notify = progress or (lambda message: None)
    db = current_session()
    apps = [project.apps[name] for name in config["app_sequence"]]

    session = Session(
        config=config, vars={}, label=label or "", is_demo=is_demo, is_mturk=is_mturk,
        num_participants=num_participants, created_at=time.time(), _room_name=room_name,
    )
    db.add(session)
    _flush_with_fresh_codes(db, [session])

    max_page_index = sum(app.num_pages for app in apps)
    participants = [
        Participant(session_id=session.id, id_in_session=i, vars={}, _max_page_index=max_page_index)
        for i in range(1, num_participants + 1)
    ]
    db.add_all(participants)
    _flush_with_fresh_codes(db, participants)
    notify("Created participants")

    for app in apps:
        notify(f"Creating models for {app.name}")
        _create_app_models(db, app, session, participants)

    notify("Running your creating_session functions")
    for app in apps:
        hook = app.subsession_hook("creating_session")
        if hook is None:
            continue
        for subsession in _subsessions(db, app, session):
            hook(subsession)
            db.flush()
    return session


def _flush_with_fresh_codes(db, objects: list) -> None:
    """Flush new rows; in the unlikely event of a random code collision, draw new codes and retry."""
    for attempt in range(5):
        savepoint = db.begin_nested()
        try:
            db.flush()
            savepoint.commit()
            return
        except IntegrityError:
            savepoint.rollback()
            if attempt == 4:
                raise
            for obj in objects:
                obj.code = random_code()
                if isinstance(obj, Session):
                    obj._anonymous_code = anonymous_code()
                db.add(obj)


def _subsessions(db, app, session) -> list:
    from sqlalchemy import select

    cls = app.Subsession
    return list(db.scalars(select(cls).filter_by(session_id=session.id).order_by(cls.round_number)))


def _create_app_models(db, app, session: Session, participants: list[Participant]) -> None:
    group_size = app.players_per_group or len(participants)
    for round_number in range(1, app.num_rounds + 1):
        subsession = app.Subsession(session=session, round_number=round_number)
        subsession.session_id = session.id
        db.add(subsession)
        groups = []
        for index in range(len(participants) // group_size):
            group = app.Group(
                session=session, subsession=subsession, id_in_subsession=index + 1, round_number=round_number
            )
            group.session_id = session.id
            groups.append(group)
        db.add_all(groups)
        players = []
        for position, participant in enumerate(participants):
            player = app.Player(
                session=session,
                subsession=subsession,
                group=groups[position // group_size],
                participant=participant,
                id_in_group=position % group_size + 1,
                id_in_subsession=participant.id_in_session,
                round_number=round_number,
            )
            player.session_id = session.id
            player.participant_id = participant.id
            players.append(player)
        db.add_all(players)
    db.flush()


def session_summary(session: Session) -> dict[str, Any]:
    return dict(code=session.code, num_participants=session.num_participants, config_name=session.config_name)
