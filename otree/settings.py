"""`import otree.settings`: the project's settings (settings.py over oTree's defaults) as a module.

Apps written for oTree 5/6 read settings this way (`otree.settings.LANGUAGE_CODE`,
`from otree.settings import REAL_WORLD_CURRENCY_CODE`), and oTree 3's settings.py starts with
`import otree.settings`, so importing this module must not need the project to be loaded.
"""

from __future__ import annotations

from typing import Any

from otree import state as _state
from otree.conf import settings as _settings


def augment_settings(values: dict) -> None:
    """Very old settings.py files end with `otree.settings.augment_settings(globals())`: nothing to do."""


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    if name == "LANGUAGE_CODE_ISO":
        return str(_settings.LANGUAGE_CODE or "en").split("-")[0].lower()
    if name == "OTREE_APPS":
        project = _state.current().project
        return list(project.apps) if project is not None else []
    try:
        return getattr(_settings, name)
    except AttributeError:
        raise AttributeError(
            f"otree.settings has no {name!r}: it is neither in your settings.py nor one of oTree's settings"
        ) from None
