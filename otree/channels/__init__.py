"""The channel layer and Channels-style consumers (`otree.channels` for advanced users)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from .layer import BaseChannelLayer, InMemoryChannelLayer

logger = logging.getLogger("otree.channels")

_layer: BaseChannelLayer | None = None
_loop: asyncio.AbstractEventLoop | None = None


def get_channel_layer() -> BaseChannelLayer:
    global _layer
    if _layer is None:
        _layer = _build_layer()
    return _layer


def _build_layer() -> BaseChannelLayer:
    from otree.conf import settings

    if settings.get("REDIS_URL"):
        from .redis_layer import RedisChannelLayer

        return RedisChannelLayer(settings.REDIS_URL)
    return InMemoryChannelLayer()


def set_event_loop(loop: asyncio.AbstractEventLoop | None) -> None:
    """Remember the server's event loop, so worker threads can hand messages to it."""
    global _loop
    _loop = loop


async def reset_channel_layer() -> None:
    global _layer
    if _layer is not None:
        await _layer.close()
    _layer = None


def group_send_sync(group: str, message: dict[str, Any]) -> None:
    """group_send from synchronous code (app code and units of work run in threads)."""
    if _loop is None or _loop.is_closed():
        # No server in this process (a CLI command): with Redis, servers elsewhere still hear it.
        from otree.conf import settings

        if settings.get("REDIS_URL"):
            from .redis_layer import publish_sync

            publish_sync(settings.REDIS_URL, group, message)
        return
    layer = get_channel_layer()
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is _loop:
        _loop.create_task(layer.group_send(group, message))
    else:
        asyncio.run_coroutine_threadsafe(layer.group_send(group, message), _loop)


__all__ = ["get_channel_layer", "group_send_sync", "set_event_loop", "BaseChannelLayer", "InMemoryChannelLayer"]
