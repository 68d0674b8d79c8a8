"""The channel layer and Channels-style consumers (`otree.channels` for advanced users)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from otree import state
from otree.conf import settings

from .layer import BaseChannelLayer, InMemoryChannelLayer
from .proxy import LayerProxy
from .redis_layer import RedisChannelLayer, publish_sync

logger = logging.getLogger("otree.channels")

# The server's event loop: one per process (the one uvicorn runs), which worker threads hand
# their messages to. It is not part of AppState because threads without the app's context
# (a CLI command's, a test's) must find it too.
_loop: asyncio.AbstractEventLoop | None = None


def get_channel_layer() -> BaseChannelLayer:
    """The current AppState's channel layer (built on first use); usable from any thread or loop (proxy.py)."""
    app_state = state.current()
    if app_state.channel_layer is None:
        app_state.channel_layer = LayerProxy(_build_layer(), lambda: _loop)
    return app_state.channel_layer


def _build_layer() -> BaseChannelLayer:
    if settings.get("REDIS_URL"):
        return RedisChannelLayer(settings.REDIS_URL)
    return InMemoryChannelLayer()


def set_event_loop(loop: asyncio.AbstractEventLoop | None) -> None:
    """Remember the server's event loop, so worker threads can hand messages to it."""
    global _loop
    _loop = loop


async def reset_channel_layer() -> None:
    """Close the current AppState's channel layer; the next use builds a new one."""
    app_state = state.current()
    layer, app_state.channel_layer = app_state.channel_layer, None
    if layer is not None:
        await layer.close()


def group_send_sync(group: str, message: dict[str, Any]) -> None:
    """group_send from synchronous code (app code and units of work run in threads)."""
    if _loop is None or _loop.is_closed():
        # No server in this process (a CLI command): with Redis, servers elsewhere still hear it.
        if settings.get("REDIS_URL"):
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


# The Channels-style public API (`from otree.channels import ...`), loaded on first use so
# that the layer machinery above imports nothing heavy.
_PUBLIC = {
    "AsyncConsumer": "generic", "SyncConsumer": "generic", "StopConsumer": "generic",
    "AcceptConnection": "generic", "DenyConnection": "generic",
    "WebsocketConsumer": "generic", "JsonWebsocketConsumer": "generic",
    "AsyncWebsocketConsumer": "generic", "AsyncJsonWebsocketConsumer": "generic",
    "async_to_sync": "sync", "sync_to_async": "sync", "database_sync_to_async": "sync",
}


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'otree.channels' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


async def group_add(group: str, channel: str) -> None:
    await get_channel_layer().group_add(group, channel)


async def group_discard(group: str, channel: str) -> None:
    await get_channel_layer().group_discard(group, channel)


async def group_send(group: str, message: dict[str, Any]) -> None:
    """Send `message` to every consumer in `group`; its "type" names the handler ("chat.message" -> chat_message)."""
    await get_channel_layer().group_send(group, message)


__all__ = ["get_channel_layer", "group_send_sync", "set_event_loop", "BaseChannelLayer", "InMemoryChannelLayer",
           "group_add", "group_discard", "group_send", *_PUBLIC]
