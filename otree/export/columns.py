"""The columns of oTree's exports, named and ordered exactly as oTree names them (reference §8.5)."""

from __future__ import annotations

from otree.conf import settings

# participant.* in the wide and the per-app export (oTree's get_fields_for_csv(Participant)).
PARTICIPANT_COLUMNS = [
    "id_in_session",
    "code",
    "label",
    "_is_bot",
    "_index_in_pages",
    "_max_page_index",
    "_current_app_name",
    "_current_page_name",
    "time_started_utc",
    "visited",
    "mturk_worker_id",
    "mturk_assignment_id",
    "payoff",
    "is_dropout",
    "left_wait_page",
]

# session.* (oTree's get_fields_for_csv(Session)).
SESSION_COLUMNS = ["code", "label", "mturk_HITId", "mturk_HITGroupId", "comment", "is_demo"]

PAGE_TIMES_COLUMNS = [
    "session_code",
    "participant_id_in_session",
    "participant_code",
    "page_index",
    "app_name",
    "page_name",
    "epoch_time_completed",
    "round_number",
    "timeout_happened",
    "is_wait_page",
]

# Config keys that the admin "create session" form never offers (oTree's NON_EDITABLE_FIELDS).
NON_EDITABLE_CONFIG_KEYS = {"name", "display_name", "app_sequence", "num_demo_participants", "doc", "num_bots"}


def participant_fields() -> list[str]:
    return [str(f) for f in (settings.PARTICIPANT_FIELDS or [])]


def session_fields() -> list[str]:
    return [str(f) for f in (settings.SESSION_FIELDS or [])]


def builtin_config_fields() -> list[str]:
    """participation_fee, and real_world_currency_per_point when amounts are in points."""
    fields = ["participation_fee"]
    if settings.USE_POINTS:
        fields.append("real_world_currency_per_point")
    return fields


def config_fields(configs) -> list[str]:
    """session.config.* columns for these configs: name, the built-in editable fields, then every
    custom key whose value is a bool/int/float/str, in order of first appearance."""
    builtin = builtin_config_fields()
    fields = ["name"] + builtin
    seen = set(fields)
    for config in configs:
        for key, value in config.items():
            if key in seen or key in NON_EDITABLE_CONFIG_KEYS or type(value) not in (bool, int, float, str):
                continue
            seen.add(key)
            fields.append(key)
    return fields


def model_field_names(cls) -> list[str]:
    """The user-declared fields of a Subsession/Group/Player class, in declaration order."""
    return [name for name in cls._otree_fields if name != "payoff"]


def player_columns(app) -> list[str]:
    return ["id_in_group", "role", "payoff"] + model_field_names(app.Player)


def group_columns(app) -> list[str]:
    return ["id_in_subsession"] + model_field_names(app.Group)


def subsession_columns(app) -> list[str]:
    return ["round_number"] + model_field_names(app.Subsession)
