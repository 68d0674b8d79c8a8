"""`otree.views`: oTree 3's pages module (`from otree.views import Page, WaitPage`)."""

from __future__ import annotations

from typing import Any

from otree.pages import Page, WaitPage

__all__ = ["Page", "WaitPage"]


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    raise ImportError(
        f"otree.views.{name} is part of oTree's internal web views, which otree-asgi does not have. "
        "Pages come from otree.api (Page, WaitPage)."
    )
