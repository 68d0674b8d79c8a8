"""`otree.common`: the names apps imported from here before `otree.api` existed."""

from __future__ import annotations

from typing import Any

from otree.currency import Currency, RealWorldCurrency, currency_range
from otree.project import get_project
from otree.utils import safe_json

__all__ = ["Currency", "RealWorldCurrency", "currency_range", "safe_json", "get_models_module"]


def get_models_module(app_name: str):
    """The module that defines an app's models (`__init__.py`, or `models.py` in the self format)."""
    return get_project().apps[app_name].module


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    if name in ("Money", "money_range"):
        raise ImportError(
            f"otree.common.{name} is from oTree 0.x; use `from otree.api import Currency, currency_range` instead."
        )
    raise ImportError(
        f"otree.common.{name} is part of oTree's internals, which otree-asgi does not have. "
        "Import what apps need from otree.api (Currency, currency_range, safe_json, ...)."
    )
