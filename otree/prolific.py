"""Prolific: arrival parameters on a room or session-wide link, and the completion redirect.

Prolific opens the study URL with `?PROLIFIC_PID=...&STUDY_ID=...&SESSION_ID=...`. The
PROLIFIC_PID becomes `participant.label` (so the same Prolific participant, opening the
link again, gets the same oTree participant back), and all three are stored in
`participant.vars` as `prolific_pid`, `prolific_study_id` and `prolific_session_id`.

A session config with `prolific_completion_code` is a Prolific study: its links need the
parameters, and the end of the study redirects to Prolific's completion URL with that
code (participants who left a wait page get `prolific_leave_code`, dropouts who come
back at the end `prolific_dropout_code`, each falling back to the completion code).
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

PARAMS = ("PROLIFIC_PID", "STUDY_ID", "SESSION_ID")
VARS = {"PROLIFIC_PID": "prolific_pid", "STUDY_ID": "prolific_study_id", "SESSION_ID": "prolific_session_id"}
COMPLETION_URL = "https://app.prolific.com/submissions/complete?cc={code}"
# Prolific's ids are 24 hexadecimal characters; accept any short id of letters, digits, - and _.
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class ProlificError(ValueError):
    """The link's Prolific parameters are missing or malformed (shown to the participant)."""


def is_prolific_study(config: dict) -> bool:
    return bool(config.get("prolific_completion_code"))


def read(query, config: dict | None = None) -> dict[str, str]:
    """The Prolific parameters of a link's query ({} if none); ProlificError if some are missing or bad.

    With a Prolific study's config, the parameters are required.
    """
    given = {name: str(query.get(name) or "").strip() for name in PARAMS}
    present = [name for name, value in given.items() if value]
    if not present:
        if config is not None and is_prolific_study(config):
            raise ProlificError(
                "This study must be opened from Prolific: the link lacks PROLIFIC_PID, STUDY_ID and SESSION_ID. "
                "Please return to Prolific and open the study from there.")
        return {}
    missing = [name for name in PARAMS if not given[name]]
    if missing:
        raise ProlificError(f"The study link is incomplete: {', '.join(missing)} is missing. "
                            "Please return to Prolific and open the study from there.")
    bad = [name for name in PARAMS if not _ID.match(given[name])]
    if bad:
        raise ProlificError(f"The study link is not valid: {', '.join(bad)} is malformed. "
                            "Please return to Prolific and open the study from there.")
    return given


def query_string(params: dict[str, str]) -> str:
    """The parameters for a redirect's query (without '?'), '' if none."""
    return urlencode({name: params[name] for name in PARAMS if params.get(name)})


def apply(participant, params: dict[str, str]) -> None:
    """Store the parameters on the participant: the label (if not set yet) and the documented vars."""
    if not params:
        return
    if not participant.label:
        participant.label = params["PROLIFIC_PID"]
    for name, key in VARS.items():
        participant.vars[key] = params[name]


def completion_url(participant) -> str | None:
    """Where a participant at the end of a Prolific study goes: Prolific's completion URL, or None."""
    config = participant.session.config
    code = config.get("prolific_completion_code")
    if not code:
        return None
    if participant.left_wait_page:
        code = config.get("prolific_leave_code") or code
    elif participant.is_dropout:
        code = config.get("prolific_dropout_code") or code
    return COMPLETION_URL.format(code=quote(str(code), safe=""))

